/**
 * `ha-setup failover-test --host A --host B`: the pair tested from the machine the command
 * runs on, outside both nodes, which is where a real client stands. The node holding the
 * VIP is the master under test; the fault is injected and undone on it through its ssh
 * host and service control; its keepalived log and VIP are watched over ssh at a cadence
 * ssh can afford, while the outage figures come from the prober in this process.
 */
import { OperationError, UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import { hostname } from 'node:os';
import { LocalHost } from '../host/local.js';
import { FAILOVER_LOCK } from './lock.js';
import { confirmAndRun, criticalDoctorFailures } from './confirm-run.js';
import type { ParsedFlags } from './flags.js';
import { runPreflight } from './preflight.js';
import { httpGet } from './prober.js';
import { neighbourMac } from './peer.js';
import { poll, type Poller } from './watch.js';
import { chooseMaster, identifyPairResponder, inspectNode, interfaceMac, takeRemoteLock, type PairIdentity, type RemoteLock } from './pair.js';

/** Over ssh a look costs ~100-300 ms: the VIP and the log are polled this often (plus that cost). */
export const PAIR_VIP_WATCH_MS = 200;
export const PAIR_LOG_WATCH_MS = 400;
/** This machine's neighbour table is local and cheap. */
const NEIGHBOUR_WATCH_MS = 100;
/**
 * How long a node's lock outlives the run's own --timeout: the confirmation question,
 * preflight and restoration happen outside it. A run killed outright leaves a lock that
 * expires after this.
 */
const LOCK_MARGIN_S = 15 * 60;

export async function pairFailoverTestAction(flags: ParsedFlags, opts: GlobalOptions, targets: readonly string[]): Promise<number> {
  if (targets.length !== 2) {
    throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('failover.accepted.hosts') });
  }
  if (flags.peer) throw new UserError({ field: '--peer', value: flags.peer, accepted: t('failover.accepted.peerWithHosts') });
  const nodes = await connectNodes([...targets], { dryRun: opts.dryRun });
  const locks = new Map<string, RemoteLock>();
  try {
    await undoLeftoversOn(nodes, opts, true);
    const views = await Promise.all(nodes.map((n) => inspectNode(n.ssh, n.label, flags.instance)));
    const choice = chooseMaster(views);
    if ('problem' in choice) {
      throw new OperationError(t('failover.pre.failed'), { details: [choice.problem], hint: t('failover.pair.hint') });
    }
    const master = nodes[choice.master]!;
    const other = nodes[choice.peer]!;
    const peerAddress = views[choice.peer]!.address ?? other.ssh.target.host;

    const doctor = () => criticalDoctorFailures({ factsHost: master.ssh, services: master.services }, '/', [peerAddress]);
    const pf = await runPreflight({
      host: master.ssh,
      services: master.services,
      mode: flags.mode,
      instanceName: flags.instance,
      peer: peerAddress,
      labNode: null,
      // The peer's own config gives its real priority (the bound's timers).
      labPeer: { address: peerAddress, host: other.ssh },
      doctor,
    });
    pf.peerSource = 'host';
    // The peer must be able to take over: its keepalived runs (its nginx answering was checked over HTTP).
    if (!(await other.services.isActive('keepalived').catch(() => false))) {
      pf.problems.push({ id: 'peer-keepalived', message: t('failover.pair.peerKeepalivedDown', { peer: other.label }) });
    }
    const iface = pf.iface ?? views[choice.master]!.iface!;
    const [masterMac, peerMac] = await Promise.all([interfaceMac(master.ssh, iface), interfaceMac(other.ssh, iface)]);
    pf.peerMac = peerMac;
    // The master's page on its own address, like the peer's: the VIP's page is the same node's, but asked the same way.
    const masterAddress = views[choice.master]!.address;
    if (masterAddress && pf.vip) {
      pf.selfBody = (await httpGet(`http://${masterAddress}/`, { timeoutMs: 2000, hostHeader: pf.vip }).catch(() => null))?.body ?? pf.selfBody;
    }
    pf.self = masterAddress ?? pf.self;

    if (!opts.dryRun) {
      const holdSeconds = flags.timeoutMs / 1000 + LOCK_MARGIN_S;
      for (const n of [master, other]) {
        const got = await takeRemoteLock(n.ssh, FAILOVER_LOCK, holdSeconds);
        if ('release' in got) locks.set(n.label, got);
        else if (got.heldBy !== null) pf.problems.push({ id: 'lock', message: t('failover.pair.locked', { node: n.label, pid: got.heldBy, path: got.path }) });
        else pf.problems.push({ id: 'lock', message: t('failover.pair.lockFailed', { node: n.label, path: got.path, error: got.error ?? '' }) });
      }
    }
    pf.ok = pf.problems.length === 0;

    const lockOf = (n: (typeof nodes)[number]) => {
      const l = locks.get(n.label);
      return l ? { path: l.path, pid: l.pid, endHolder: true } : null;
    };
    const identity: PairIdentity = { masterBody: pf.selfBody, peerBody: pf.peerBody, masterMac, peerMac };
    // The client's own neighbour entry for the VIP names the node it reached (same segment only).
    const local = new LocalHost('/');
    let vipMac: string | null = null;
    let neighbours: Poller | null = null;
    const vip = pf.vip;
    try {
      if (!opts.dryRun && pf.ok && vip) {
        neighbours = poll(NEIGHBOUR_WATCH_MS, async () => {
          vipMac = await neighbourMac(local, vip);
        });
      }
      return await confirmAndRun(
        flags,
        opts,
        pf,
        master.label,
        { factsHost: master.ssh, applyHost: master.applyHost, services: master.services },
        {
          identify: (body, view) => identifyPairResponder(body, identity, { vipMac, masterHoldsVip: view.vipLocal }),
          vipWatchMs: PAIR_VIP_WATCH_MS,
          logWatchMs: PAIR_LOG_WATCH_MS,
          json: { nodes: [...targets], master: master.label },
          problemPrefix: master.label,
          outside: true,
          by: `${hostname()} (ha-setup failover-test --host ${targets.join(' --host ')})`,
          // Should this machine lose the nodes, each node's watchdog frees its lock at the deadline.
          lock: lockOf(master),
          others: [{ host: other.ssh, lock: lockOf(other) }],
          cleanup: () => Promise.all([...locks.values()].map((l) => l.release())),
        },
      );
    } finally {
      await neighbours?.stop();
    }
  } finally {
    await Promise.all([...locks.values()].map((l) => l.release()));
    await closeNodes(nodes);
  }
}
