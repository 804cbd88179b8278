/**
 * Injecting the fault and putting everything back. The state found before the test
 * (which services ran, whether the maintenance flag existed) is recorded first; restoring
 * brings back exactly that state, whatever happened in between, and may be called any
 * number of times from anywhere (normal flow, finally, signal handlers, timeout): the
 * first call does the work, later calls wait for it and return its result.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl, ServiceName } from '../system/service-control.js';
import { serviceOf, type FailoverMode } from './types.js';
import { cancelWatchdog, FLAG_CONTENT, RUN_RECORD, startWatchdog, undoCommand, writeRecord, type RunRecord, type WatchdogLock } from './record.js';

export interface FoundState {
  keepalived: boolean;
  nginx: boolean;
  flagExisted: boolean;
}

export interface FaultStep {
  ok: boolean;
  /** What was done, e.g. "stop nginx", "create /etc/keepalived/maintenance". */
  action: string;
  error: string | null;
}

export interface RestoreResult {
  restored: boolean;
  steps: FaultStep[];
}

type Services = Pick<ServiceControl, 'start' | 'stop' | 'isActive'>;
type FlagHost = Pick<Host, 'exists' | 'writeFileAtomic' | 'remove' | 'exec'>;

/** A VIP the node holds, as `ip addr` takes it. */
export interface HeldVip {
  cidr: string;
  dev: string;
}

/**
 * What crash mode kills and removes: keepalived's processes (parent and children, found
 * when the fault is injected) and every VIP the node holds, which a killed keepalived
 * leaves on the interface.
 */
export interface CrashTarget {
  pids(): Promise<number[]>;
  vips: readonly HeldVip[];
}

/** A node the run holds a lock on: its watchdog frees the lock (and, on the master, undoes the fault) at the deadline. */
export interface WatchedNode {
  host: Host;
  lock: WatchdogLock | null;
}

export interface Safeguards {
  /** The master, where the record is kept and its watchdog runs (the same node as the flag host). */
  host: Host;
  services: Pick<ServiceControl, 'command'>;
  /** Where the run comes from, for the record ("ha1 pid 123"). */
  by: string;
  /** When the watchdogs act, in ms from the injection. */
  deadlineMs: number;
  /** The master's own lock (its watchdog also undoes the fault). */
  lock: WatchdogLock | null;
  /** Other nodes the run holds a lock on (the peer of a pair). */
  others?: WatchedNode[];
}

/** nginx first: keepalived's check then succeeds as soon as keepalived is back. */
const SERVICE_ORDER: readonly ServiceName[] = ['nginx', 'keepalived'];

export class FaultControl {
  private found: FoundState | null = null;
  private injected = false;
  private restoring: Promise<RestoreResult> | null = null;
  private watchdogs: Array<{ host: Host; pid: number | null }> = [];
  private recorded = false;
  private record: RunRecord | null = null;

  constructor(
    readonly mode: FailoverMode,
    private readonly services: Services,
    private readonly host: FlagHost,
    readonly flagPath: string,
    /** Record and watchdogs (none: a test double, or --dry-run). */
    private readonly safeguards: Safeguards | null = null,
    /** crash mode only. */
    private readonly crashTarget: CrashTarget | null = null,
  ) {}

  /** Record what runs now; call before anything changes. */
  async recordFoundState(): Promise<FoundState> {
    const keepalived = await this.services.isActive('keepalived');
    const nginx = await this.services.isActive('nginx');
    const flagExisted = await this.host.exists(this.flagPath);
    this.found = { keepalived, nginx, flagExisted };
    return this.found;
  }

  get foundState(): FoundState | null {
    return this.found;
  }

  describeInject(): string {
    return describeInject(this.mode, this.flagPath);
  }

  describeRemove(): string {
    return describeRemove(this.mode, this.flagPath);
  }

  /**
   * Before the fault: the record of what is about to be done and how to undo it, and the
   * watchdogs that act on it at the deadline should this process not get to restore.
   */
  private async safeguard(action: string): Promise<void> {
    const sg = this.safeguards;
    if (!sg) return;
    const undo = undoCommand(this.mode, sg.host, sg.services, this.flagPath);
    const now = Date.now();
    const seconds = sg.deadlineMs / 1000;
    const record: RunRecord = {
      tool: 'ha-setup failover-test',
      mode: this.mode,
      started: new Date(now).toISOString(),
      by: sg.by,
      fault: action,
      undo,
      watchdog: null,
      deadline: new Date(now + sg.deadlineMs).toISOString(),
    };
    // The watchdog first: it acts only on a record, so one without a record does nothing.
    record.watchdog = await startWatchdog(sg.host, seconds, sg.lock, undo).catch(() => null);
    this.watchdogs.push({ host: sg.host, pid: record.watchdog });
    for (const other of sg.others ?? []) {
      this.watchdogs.push({ host: other.host, pid: await startWatchdog(other.host, seconds, other.lock, []).catch(() => null) });
    }
    await writeRecord(sg.host, record);
    this.recorded = true;
    this.record = record;
  }

  /** The node is as it was: the watchdogs are not needed, the record is not a leftover. */
  private async unguard(): Promise<void> {
    for (const w of this.watchdogs) await cancelWatchdog(w.host, w.pid).catch(() => undefined);
    if (this.recorded && this.safeguards) await this.safeguards.host.remove(RUN_RECORD);
    this.record = null;
  }

  /** What is left on the node while it is not restored: the record (its undo and the watchdog's deadline). */
  get pending(): RunRecord | null {
    return this.record;
  }

  async inject(): Promise<FaultStep> {
    if (!this.found) throw new Error('recordFoundState() must run before inject()');
    this.injected = true;
    const action = this.describeInject();
    try {
      await this.safeguard(action);
      if (this.mode === 'drain') {
        await this.host.writeFileAtomic(this.flagPath, FLAG_CONTENT, { mode: 0o644, why: 'drain this node: the check script fails while this file exists' });
        return { ok: true, action, error: null };
      }
      if (this.mode === 'crash') {
        const error = await this.crash();
        return { ok: error === null, action, error };
      }
      const r = await this.services.stop(serviceOf(this.mode)!);
      return { ok: r.exitCode === 0, action, error: r.exitCode === 0 ? null : firstLine(r.stderr) ?? `exit ${r.exitCode}` };
    } catch (e) {
      return { ok: false, action, error: (e as Error).message };
    }
  }

  /**
   * No goodbye: every keepalived process is stopped (SIGSTOP, so that no child's SIGTERM
   * handler sends a priority-0 advert when its parent dies, and no parent respawns a child),
   * then killed (SIGKILL); the VIPs it leaves behind are removed, so the node neither
   * advertises nor answers for them. Returns an error message, or null.
   */
  private async crash(): Promise<string | null> {
    const target = this.crashTarget;
    if (!target) return 'crash mode needs the processes and VIPs to take down';
    const pids = (await target.pids()).map(String);
    if (pids.length === 0) return 'no keepalived process found';
    for (const sig of ['STOP', 'KILL']) {
      const r = await this.host.exec('kill', [`-${sig}`, ...pids], { why: `crash: SIG${sig} keepalived` });
      if (r.exitCode !== 0) return firstLine(r.stderr) ?? `kill -${sig}: exit ${r.exitCode}`;
    }
    for (const v of target.vips) {
      const r = await this.host.exec('ip', ['addr', 'del', v.cidr, 'dev', v.dev], { why: 'crash: a dead host holds no VIP' });
      // Already gone is what was wanted.
      if (r.exitCode !== 0 && !/Cannot assign|not found/i.test(r.stderr)) return firstLine(r.stderr) ?? `ip addr del ${v.cidr}: exit ${r.exitCode}`;
    }
    return null;
  }

  /**
   * Undo the fault and bring back every service found running. Safe to call at any time
   * and more than once; concurrent calls share one run.
   */
  restore(): Promise<RestoreResult> {
    this.restoring ??= this.doRestore();
    return this.restoring;
  }

  private async doRestore(): Promise<RestoreResult> {
    const steps: FaultStep[] = [];
    const found = this.found;
    if (!found) return { restored: true, steps };
    if (this.injected && this.mode === 'drain' && !found.flagExisted) {
      const action = `remove ${this.flagPath}`;
      try {
        if (await this.host.exists(this.flagPath)) {
          await this.host.remove(this.flagPath);
          steps.push({ ok: true, action, error: null });
        }
      } catch (e) {
        steps.push({ ok: false, action, error: (e as Error).message });
      }
    }
    for (const name of SERVICE_ORDER) {
      if (!found[name]) continue;
      try {
        if (await this.services.isActive(name)) continue;
        const r = await this.services.start(name);
        steps.push({ ok: r.exitCode === 0, action: `start ${name}`, error: r.exitCode === 0 ? null : firstLine(r.stderr) ?? `exit ${r.exitCode}` });
      } catch (e) {
        steps.push({ ok: false, action: `start ${name}`, error: (e as Error).message });
      }
    }
    // Check the end state itself rather than trusting the steps.
    let restored = steps.every((s) => s.ok);
    for (const name of SERVICE_ORDER) {
      if (found[name] && !(await this.services.isActive(name).catch(() => false))) restored = false;
    }
    if (this.mode === 'drain' && !found.flagExisted && (await this.host.exists(this.flagPath).catch(() => true))) restored = false;
    // Not restored (the node unreachable, a service that will not start): the record and the
    // watchdog stay, so the watchdog tries again at the deadline and the next run finds it.
    if (restored) {
      try {
        await this.unguard();
      } catch (e) {
        steps.push({ ok: false, action: `remove ${RUN_RECORD}`, error: (e as Error).message });
        restored = false;
      }
    }
    return { restored, steps };
  }
}

/** What inject() does, in words (for --dry-run and the confirmation). */
export function describeInject(mode: FailoverMode, flagPath: string): string {
  if (mode === 'crash') return 'kill keepalived (SIGKILL, no goodbye) and remove the VIPs';
  return mode === 'drain' ? `create ${flagPath}` : `stop ${mode}`;
}

export function describeRemove(mode: FailoverMode, flagPath: string): string {
  const service = serviceOf(mode);
  return service ? `start ${service}` : `remove ${flagPath}`;
}

function firstLine(text: string): string | null {
  return text.split('\n').find((l) => l.trim() !== '') ?? null;
}
