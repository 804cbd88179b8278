/**
 * What ha-setup's own failover test may have left on a node: its run record, the
 * maintenance flag, its lock. Read by doctor (check `maintenance`), and before
 * failover-test and setup touch a node; undone by the same code for all three.
 */
import type { Host } from '../host/types.js';
import { DEFAULTS } from '../defaults.js';
import { commandLine } from '../doctor/paths.js';
import { FAILOVER_LOCK } from './lock.js';
import { aliveOnNode, cancelWatchdogArgv, FLAG_CONTENT, readRecord, RUN_RECORD, WATCHDOG_WHY, type RunRecord } from './record.js';

export interface NodeLeftovers {
  record: RunRecord | null;
  /** The maintenance flag when it exists; `ours` when failover-test wrote it (an operator's flag holds anything else). */
  flag: { path: string; ours: boolean } | null;
  /** The failover-test lock when it exists; `alive` while its holder runs. */
  lock: { path: string; pid: number | null; alive: boolean } | null;
}

/** A failover test runs on the node right now: its flag and record are not leftovers. */
export function runInProgress(l: NodeLeftovers): boolean {
  return l.lock?.alive === true;
}

/** Anything to undo: a record or a flag of a run that is gone, or a stale lock. */
export function hasLeftovers(l: NodeLeftovers): boolean {
  if (runInProgress(l)) return false;
  return l.record !== null || l.flag?.ours === true || l.lock !== null;
}

export async function inspectLeftovers(host: Host): Promise<NodeLeftovers> {
  const flagPath = DEFAULTS.paths.maintenanceFlag;
  const [record, flagText, lockText] = await Promise.all([
    readRecord(host),
    host.readFile(flagPath).catch(() => null),
    host.readFile(FAILOVER_LOCK).catch(() => null),
  ]);
  let flag: NodeLeftovers['flag'] = null;
  if (flagText !== null) flag = { path: flagPath, ours: flagText === FLAG_CONTENT };
  let lock: NodeLeftovers['lock'] = null;
  if (lockText !== null) {
    const pid = Number.parseInt(lockText.trim(), 10);
    const valid = Number.isInteger(pid) && pid > 0;
    lock = { path: FAILOVER_LOCK, pid: valid ? pid : null, alive: valid && (await aliveOnNode(host, pid)) };
  }
  return { record, flag, lock };
}

/**
 * The commands that undo the leftovers, as they are run on the node (sh, the node's real
 * paths): the record's own undo, then the record, the flag of a run that left no record,
 * a stale lock.
 */
export function leftoverCommands(host: Pick<Host, 'runtimePath'>, l: NodeLeftovers): string[][] {
  if (!hasLeftovers(l)) return [];
  const out: string[][] = [];
  if (l.record) out.push(l.record.undo);
  if (l.flag?.ours && !(l.record?.mode === 'drain')) out.push(['rm', '-f', host.runtimePath(l.flag.path)]);
  if (l.record) out.push(['rm', '-f', host.runtimePath(RUN_RECORD)]);
  if (l.lock && !l.lock.alive) out.push(['rm', '-f', host.runtimePath(l.lock.path)]);
  return out;
}

/** leftoverCommands as lines to show (and run by hand on the node). */
export function leftoverCommandLines(host: Pick<Host, 'runtimePath'>, l: NodeLeftovers): string[] {
  return leftoverCommands(host, l).map(commandLine);
}

/** One command of the undo, and why it runs (the audit log's reason). */
export interface UndoCommand {
  argv: string[];
  why: string;
  /** Ending the watchdog: not among the commands shown to the user (leftoverCommandLines). */
  watchdog?: true;
}

/**
 * The whole undo, in order: leftoverCommands, then ending the record's watchdog (it would
 * find nothing to do, but it is a process left behind; its command always exits 0). Doctor's
 * `--fix` plans exactly these; undoLeftovers runs them.
 */
export function leftoverUndo(host: Pick<Host, 'runtimePath'>, l: NodeLeftovers): UndoCommand[] {
  const why = 'undo what an unfinished failover test left on this node';
  const out: UndoCommand[] = leftoverCommands(host, l).map((argv) => ({ argv, why }));
  const watchdog = l.record?.watchdog ?? null;
  if (out.length > 0 && watchdog !== null) out.push({ argv: cancelWatchdogArgv(host, watchdog), why: WATCHDOG_WHY, watchdog: true });
  return out;
}

/**
 * Undo the leftovers through the node's host (leftoverUndo). Returns the commands run of
 * leftoverCommands, "$ ..."; throws on the first that fails, naming it.
 */
export async function undoLeftovers(host: Host, l: NodeLeftovers): Promise<string[]> {
  const done: string[] = [];
  for (const { argv, why, watchdog } of leftoverUndo(host, l)) {
    const r = await host.exec(argv[0]!, argv.slice(1), { why, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`${commandLine(argv)}: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`);
    if (!watchdog) done.push(`$ ${commandLine(argv)}`);
  }
  return done;
}
