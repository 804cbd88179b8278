/**
 * `ha-setup failover-test` on this node (or the lab node it runs in): preflight, lock,
 * then the confirm-and-run a pair shares (src/failover/confirm-run.ts).
 */
import { t } from '../i18n/index.js';
import type { Host } from '../host/types.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import { nodeContext } from '../nodes/local.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import type { ParsedFlags } from './flags.js';
import { runPreflight } from './preflight.js';
import { acquireLock, FAILOVER_LOCK, type Lock } from './lock.js';
import { confirmAndRun, criticalDoctorFailures } from './confirm-run.js';

export async function failoverTestAction(flags: ParsedFlags, opts: GlobalOptions): Promise<number> {
  const ctx = await nodeContext(opts);
  const host = ctx.factsHost;
  const node = ctx.label;

  let labPeer: { address: string; host: Host } | null = null;
  if (ctx.labNode) {
    const { LAB_ADDRESSES, isLabNode } = await import('../lab/constants.js');
    if (isLabNode(ctx.labNode)) {
      const { labNodeHost } = await import('../lab/services.js');
      const other = ctx.labNode === 'ha1' ? 'ha2' : 'ha1';
      labPeer = { address: LAB_ADDRESSES[other], host: labNodeHost(other) };
    }
  }

  // A failover test that did not end left this node drained or a service stopped: undo that first.
  await undoLeftoversOn([ctx], opts, true);

  const doctor = () => criticalDoctorFailures(ctx, opts.root, pf_peerHint(flags, labPeer));
  const pf = await runPreflight({ host, services: ctx.services, mode: flags.mode, instanceName: flags.instance, peer: flags.peer, labNode: ctx.labNode, labPeer, doctor });
  let lock: Lock | null = null;
  if (!opts.dryRun) {
    // Where the node's lock really is on this machine (the lab node's directory, --root).
    const lockPath = host.commandPath(FAILOVER_LOCK);
    const got = await acquireLock(lockPath);
    if ('heldBy' in got) pf.problems.push({ id: 'lock', message: t('failover.pre.locked', { pid: got.heldBy, path: lockPath }) });
    else lock = got;
    pf.ok = pf.problems.length === 0;
  }
  try {
    return await confirmAndRun(flags, opts, pf, node, ctx, { lock: lock ? { path: lock.path, pid: process.pid, endHolder: false } : null, cleanup: async () => lock?.release() });
  } finally {
    await lock?.release();
  }
}


function pf_peerHint(flags: ParsedFlags, labPeer: { address: string } | null): string[] {
  const peer = flags.peer ?? labPeer?.address ?? null;
  return peer ? [peer] : [];
}
