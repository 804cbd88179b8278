/**
 * Before failover-test or setup touches a node: what an unfinished failover test left there
 * (src/failover/leftover.ts) is shown and undone first, with `--yes` or after a question;
 * without a terminal and without `--yes` the command stops, naming exactly what to run.
 */
import type { Host } from '../host/types.js';
import { OperationError, UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import { output, paint, printInfo } from '../ui/output.js';
import { hasLeftovers, inspectLeftovers, leftoverCommandLines, undoLeftovers, type NodeLeftovers } from '../failover/leftover.js';
import { holdsAddress } from '../setup/verify.js';
import { parseConfig } from '../keepalived/parse.js';
import { DEFAULTS } from '../defaults.js';
import type { ClusterNode } from './types.js';

export interface LeftoverOptions {
  yes: boolean;
  dryRun: boolean;
}

function describe(label: string, l: NodeLeftovers): string {
  if (l.record) return t('leftover.record', { node: label, mode: l.record.mode, started: l.record.started, by: l.record.by, fault: l.record.fault });
  if (l.flag?.ours) return t('leftover.flag', { node: label });
  return t('leftover.lock', { node: label, pid: l.lock?.pid ?? '?' });
}

/**
 * Undo what an unfinished failover test left on `host`, as the user allows. Returns true
 * when something was undone (the caller may then wait for the node to take its part back).
 */
export async function offerLeftoverUndo(host: Host, label: string, opts: LeftoverOptions): Promise<boolean> {
  const l = await inspectLeftovers(host);
  if (!hasLeftovers(l)) return false;
  const commands = leftoverCommandLines(host, l);
  printInfo(paint('yellow', describe(label, l)));
  for (const c of commands) printInfo(`    $ ${c}`);
  if (opts.dryRun) {
    printInfo(t('leftover.dryRun'));
    return false;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY || output.json) {
      throw new UserError({ field: '--yes', accepted: t('leftover.accepted', { node: label, commands: commands.join('; ') }), reason: describe(label, l) });
    }
    const { confirm } = await import('../ui/prompts.js');
    if (!(await confirm({ message: t('leftover.confirm', { node: label }), default: true }))) {
      throw new OperationError(t('leftover.declined', { node: label }), { details: commands.map((c) => `$ ${c}`), exitCode: EXIT.warnings });
    }
  }
  for (const line of await undoLeftovers(host, l)) printInfo(`  ${line}`);
  printInfo(t('leftover.undone', { node: label }));
  return true;
}

/**
 * Before a command touches its nodes (one or two): each in turn, what an unfinished
 * failover test left there is undone (read through the facts host under --dry-run); with
 * `waitBack`, a node that was put back may take its VIP back before the command goes on.
 */
export async function undoLeftoversOn(nodes: readonly ClusterNode[], opts: LeftoverOptions, waitBack = false): Promise<void> {
  for (const n of nodes) {
    const undone = await offerLeftoverUndo(opts.dryRun ? n.factsHost : n.applyHost, n.label, opts);
    if (undone && waitBack) await waitForVipBack(n.factsHost);
  }
}

/**
 * After an undo: wait (up to 3 advert intervals, the check's rise and a margin) until
 * the node holds the VIP again, when its config says it should take it back.
 */
export async function waitForVipBack(host: Host, timeoutMs?: number): Promise<boolean> {
  const parsed = await parseConfig(host, DEFAULTS.paths.config).catch(() => null);
  const inst = parsed?.config.vrrpInstances.find((i) => i.virtualIpaddress.length > 0);
  const line = inst?.virtualIpaddress[0];
  const iface = line?.dev ?? inst?.interface;
  if (!inst || !line || !iface || inst.nopreempt) return false;
  const vip = line.address.split('/')[0]!;
  const limit = timeoutMs ?? (3 * (inst.advertInt ?? DEFAULTS.advertInt) + DEFAULTS.check.rise * DEFAULTS.check.interval + 4) * 1000;
  const end = Date.now() + limit;
  while (Date.now() < end) {
    if (await holdsAddress(host, iface, vip)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
