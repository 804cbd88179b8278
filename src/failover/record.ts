/**
 * What a failover test leaves on the node it disturbs, so that no way out leaves the node
 * drained for good:
 *
 * - a run record (RUN_RECORD, under /var/lib: it survives a reboot like the maintenance
 *   flag does) written before the fault: what was done, from where, and the exact command
 *   on the node that undoes it. It is removed once the node is restored; a record whose run
 *   is gone (no live lock) is a leftover that failover-test, doctor and setup offer to undo.
 * - a watchdog started with the fault: a plain `sh` on the node that sleeps until the run's
 *   deadline (its --timeout plus a margin) and then undoes what the record names, unless the
 *   run ends first and cancels it. It needs nothing but sh on the node, so it also restores a
 *   node whose admin lost the ssh connection, or whose ha-setup was killed outright.
 *
 * Every command goes through the node's Host, so a lab node, a remote node and this machine
 * are handled alike.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { serviceOf, type FailoverMode } from './types.js';

export const RUN_RECORD = '/var/lib/ha-setup/failover-test.json';
/** What the maintenance flag holds when failover-test created it (an operator's own flag holds anything else). */
export const FLAG_CONTENT = 'set by ha-setup failover-test\n';
/**
 * The watchdog waits this long past the run's own --timeout: the run's restoration (and
 * the guard's grace after the time limit) happens first.
 */
export const WATCHDOG_MARGIN_MS = 20_000;

export interface RunRecord {
  tool: 'ha-setup failover-test';
  mode: FailoverMode;
  /** ISO time the fault was injected. */
  started: string;
  /** Where the run came from: "ha1 pid 123", "admin-host (over ssh)". */
  by: string;
  /** The fault in words ("create /etc/keepalived/maintenance"). */
  fault: string;
  /** The command on the node that undoes the fault (sh argv, real paths of the node). */
  undo: string[];
  /** The watchdog's PID on the node, null when none could be started. */
  watchdog: number | null;
  /** ISO time the watchdog undoes the fault. */
  deadline: string;
}

/** The one command that undoes a mode's fault on this node, with the node's real paths. */
export function undoCommand(mode: FailoverMode, host: Pick<Host, 'runtimePath'>, services: Pick<ServiceControl, 'command'>, flagPath: string): string[] {
  const service = serviceOf(mode);
  return service ? services.command('start', service) : ['rm', '-f', host.runtimePath(flagPath)];
}

export async function readRecord(host: Pick<Host, 'readFile'>): Promise<RunRecord | null> {
  const text = await host.readFile(RUN_RECORD).catch(() => null);
  if (!text) return null;
  try {
    const r = JSON.parse(text) as RunRecord;
    return r && r.tool === 'ha-setup failover-test' && Array.isArray(r.undo) ? r : null;
  } catch {
    return null;
  }
}

export async function writeRecord(host: Pick<Host, 'writeFileAtomic'>, record: RunRecord): Promise<void> {
  await host.writeFileAtomic(RUN_RECORD, JSON.stringify(record, null, 2) + '\n', { mode: 0o600, rootOwned: true, why: 'what this failover test disturbs and how to undo it, should the run not end' });
}

/**
 * The watchdog. $1 seconds to wait, $2 the record, $3 the lock file, $4 the lock holder's
 * PID, $5 "kill" when that holder is the run's own lock process (a remote `sleep`) and
 * may be ended, then the undo command. Cancelled with SIGTERM (the trap ends its sleep
 * too). Prints its PID.
 */
export const WATCHDOG_SCRIPT = [
  's=$1 rec=$2 lock=$3 holder=$4 end=$5; shift 5',
  '(',
  '  trap \'\' HUP INT',
  '  trap \'kill "$sp" 2>/dev/null; exit 0\' TERM',
  '  sleep "$s" & sp=$!; wait "$sp"',
  '  if [ -e "$rec" ]; then if [ $# -gt 0 ]; then "$@"; fi; rm -f "$rec"; fi',
  '  p=$(cat "$lock" 2>/dev/null); p=${p%%[!0-9]*}',
  '  if [ -n "$p" ] && [ "$p" = "$holder" ]; then',
  '    if [ "$end" = kill ]; then kill "$p" 2>/dev/null; rm -f "$lock"; elif ! kill -0 "$p" 2>/dev/null; then rm -f "$lock"; fi',
  '  fi',
  ') </dev/null >/dev/null 2>&1 &',
  'echo $!',
].join('\n');

/** Ends the watchdog $1 if it is still the one watching record $2 (a PID may have been reused). */
export const CANCEL_WATCHDOG_SCRIPT = 'tr "\\000" "\\n" < "/proc/$1/cmdline" 2>/dev/null | grep -qxF "$2" && kill "$1" 2>/dev/null; exit 0';

export interface WatchdogLock {
  /** The lock file as the node names it (real path). */
  path: string;
  pid: number;
  /** The holder is the run's own lock process (a remote `sleep`): the watchdog may end it. */
  endHolder: boolean;
}

/** Start the watchdog on the node; its PID, or null when it could not be started. */
export async function startWatchdog(host: Host, seconds: number, lock: WatchdogLock | null, undo: string[]): Promise<number | null> {
  const args = [String(Math.max(1, Math.ceil(seconds))), host.runtimePath(RUN_RECORD), lock?.path ?? '-', String(lock?.pid ?? '-'), lock?.endHolder ? 'kill' : 'keep', ...undo];
  const r = await host.exec('sh', ['-c', WATCHDOG_SCRIPT, 'sh', ...args], { why: 'undo the failover test on this node at its deadline, should the run not end by then', timeoutMs: 15_000 });
  const pid = Number.parseInt(r.stdout.trim().split('\n').pop() ?? '', 10);
  return r.exitCode === 0 && Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function cancelWatchdog(host: Host, pid: number | null): Promise<void> {
  if (pid === null) return;
  const [cmd, ...args] = cancelWatchdogArgv(host, pid);
  await host.exec(cmd!, args, { why: WATCHDOG_WHY, timeoutMs: 15_000 });
}

/** Why the watchdog is ended, in the audit log. */
export const WATCHDOG_WHY = 'the failover test ended: its watchdog is not needed';

/** The command that ends the watchdog PID if it still is that run's watchdog (it always exits 0). */
export function cancelWatchdogArgv(host: Pick<Host, 'runtimePath'>, pid: number): string[] {
  return ['sh', '-c', CANCEL_WATCHDOG_SCRIPT, 'sh', String(pid), host.runtimePath(RUN_RECORD)];
}

/** Is PID alive on the node (its own process table: over ssh, the remote one)? */
export async function aliveOnNode(host: Host, pid: number): Promise<boolean> {
  const r = await host.exec('sh', ['-c', 'kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]', 'sh', String(pid)], { timeoutMs: 10_000 }).catch(() => null);
  return r?.exitCode === 0;
}
