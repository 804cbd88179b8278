/**
 * ServiceControl for a lab node: there is no systemd inside a network namespace (and
 * PID 1 here is not systemd at all), so the lab starts keepalived and nginx itself, as
 * daemons that outlive the `ha-setup` process that started them, each with its own pid
 * files, log and TMPDIR under the node's directory.
 */
import type { ExecResult } from '../host/types.js';
import { NetnsHost } from '../host/netns.js';
import type { CommandObserver } from '../host/local.js';
import { auditOf, auditedHostFor, type AuditLog } from '../audit/log.js';
import type { ServiceControl, ServiceName, ServiceOp } from '../system/service-control.js';
import { LAB_BIN_DIR, LAB_STATE_DIR, labNodeRoot, type LabMemberName, type LabNodeName } from './constants.js';
import { LAB_DAEMON_TIMING, labDaemonArgv, labDaemonFiles, labDaemonMarker } from './daemon-argv.js';
import { labKeepalived, linkLabKeepalived, type LabKeepalived } from './keepalived.js';
import { NODE_PATHS } from './paths.js';
import { readManifest, updateManifest, type LabProcess } from './manifest.js';
import { netnsInode, netnsOfPid, ownDaemonFromPidFile, readProcStat, signal, sleep, spawnDetached, terminate } from './procs.js';
import { inNetns, isGone } from '../host/proc-stat.js';

/** The Host for a lab member: commands through `ip netns exec MEMBER`, files under its directory. */
export function labNodeHost(member: LabMemberName, observer?: CommandObserver): NetnsHost {
  return new NetnsHost(member, labNodeRoot(member), observer, [LAB_BIN_DIR], member);
}

export function labServices(member: LabMemberName, observer?: CommandObserver, audit?: AuditLog): LabServices {
  return new LabServices(member, observer, audit);
}

/** The node's daemon control with its starts and stops in the node's audit log (lab up, lab restart). */
export function auditedLabServices(member: LabMemberName): LabServices {
  return labServices(member, undefined, auditOf(auditedHostFor(labNodeHost(member))));
}

const { startTimeoutMs: START_TIMEOUT_MS, stopGraceMs: STOP_GRACE_MS } = LAB_DAEMON_TIMING;

interface Running {
  pid: number;
  startTime: string;
}

export class LabServices implements ServiceControl {
  readonly kind = 'lab' as const;
  readonly host: NetnsHost;

  constructor(
    readonly member: LabMemberName,
    private readonly observer?: CommandObserver,
    /** Where starts, stops and reloads are recorded (the node's audit log), if anywhere. */
    private readonly audit?: AuditLog,
  ) {
    this.host = labNodeHost(member, observer);
  }

  /** The daemon's argv, exactly as it is started (no shell involved). */
  argv(name: ServiceName, keepalived: LabKeepalived): string[] {
    return ['ip', 'netns', 'exec', this.member, ...labDaemonArgv(this.member as LabNodeName, name, keepalived)];
  }

  logPath(name: ServiceName): string {
    return this.host.runtimePath(labDaemonFiles(name).log);
  }

  private pidFile(name: ServiceName): string {
    return this.host.runtimePath(labDaemonFiles(name).pidFile);
  }

  /**
   * The running daemon, if there is one that is really ours: alive (not a zombie), in
   * this node's namespace, and either the process the manifest recorded (same start
   * time) or the one in its pid file whose command line names this node's directory.
   */
  async running(name: ServiceName): Promise<Running | null> {
    const ns = await netnsInode(this.member);
    if (ns === null) return null;
    const recorded = (await readManifest())?.processes.find((p) => p.member === this.member && p.service === name);
    if (recorded) {
      const st = await readProcStat(recorded.pid);
      if (st && !isGone(st) && st.startTime === recorded.startTime && inNetns({ net: await netnsOfPid(recorded.pid) }, ns)) {
        return { pid: recorded.pid, startTime: st.startTime };
      }
    }
    return ownDaemonFromPidFile(this.pidFile(name), labDaemonMarker(this.member), ns);
  }

  async pid(name: ServiceName): Promise<number | null> {
    return (await this.running(name))?.pid ?? null;
  }

  async isActive(name: ServiceName): Promise<boolean> {
    return (await this.running(name)) !== null;
  }

  /** Nothing in the lab restarts a daemon that died. */
  async restartsOnFailure(): Promise<string | null> {
    return null;
  }

  async start(name: ServiceName): Promise<ExecResult> {
    return this.recorded(this.startDaemon(name), `start ${name}`);
  }

  /** The result, appended to the audit log when it changed something (a no-op is not a change). */
  private async recorded(p: Promise<ExecResult>, why: string): Promise<ExecResult> {
    const r = await p;
    if (this.audit && !/already running|is not running/.test(r.stdout)) await this.audit.exec(r.command, r, why);
    return r;
  }

  private async startDaemon(name: ServiceName): Promise<ExecResult> {
    // The keepalived `lab up` recorded, so a restart (failover-test, a fault) runs the same one.
    const keepalived = await labKeepalived();
    if (name === 'keepalived') await linkLabKeepalived(keepalived);
    const argv = this.argv(name, keepalived);
    const already = await this.running(name);
    if (already) return result(argv, 0, `${name} already running (pid ${already.pid})\n`);
    if ((await netnsInode(this.member)) === null) {
      return result(argv, 1, '', `network namespace ${this.member} does not exist: run \`ha-setup lab up\` first\n`);
    }
    const log = this.logPath(name);
    const files = labDaemonFiles(name);
    await this.host.mkdir(files.log.slice(0, files.log.lastIndexOf('/')), 0o755);
    await this.host.mkdir(NODE_PATHS.tmpDir, 0o755);
    await this.host.mkdir('/run', 0o755);
    // A stale pid file from a killed daemon would look like readiness below.
    await this.host.remove(files.pidFile);
    this.observer?.(argv, `start ${name} in ${this.member}`);

    let exited: { code: number | undefined } | null = null;
    // node's spawn, because execa's types only take fds 3-9 here and we want neither its
    // buffering nor its promise.
    const child = spawnDetached(argv, log);
    const pid = child.pid;
    child.on('error', () => {
      exited = { code: 127 };
    });
    child.on('exit', (code) => {
      exited = { code: code ?? undefined };
    });
    if (pid === undefined) return result(argv, 127, '', `could not start ${argv[0]}\n`);

    const deadline = Date.now() + START_TIMEOUT_MS;
    let startTime: string | null = null;
    for (;;) {
      const st = await readProcStat(pid);
      const dead = exited !== null || st === null || isGone(st);
      if (dead) {
        const tail = (await this.recentLogs(name, 10)).join('\n');
        const code = (exited as { code: number | undefined } | null)?.code;
        return result(argv, code && code !== 0 ? code : 1, '', `${name} exited during start-up${tail ? `:\n${tail}` : ''}\n`);
      }
      startTime ??= st.startTime;
      if (Number.parseInt((await this.readText(files.pidFile)) ?? '', 10) === pid) break;
      if (Date.now() >= deadline) {
        await terminate(pid, st.startTime, 1000);
        return result(argv, 1, '', `${name} did not write ${this.pidFile(name)} within ${START_TIMEOUT_MS} ms\n`);
      }
      await sleep(20);
    }
    const entry: LabProcess = { member: this.member, service: name, pid, startTime, argv };
    await updateManifest((m) => {
      m.processes = m.processes.filter((p) => !(p.member === this.member && p.service === name));
      m.processes.push(entry);
    });
    return result(argv, 0, `${name} started in ${this.member} (pid ${pid})\n`);
  }

  async stop(name: ServiceName): Promise<ExecResult> {
    return this.recorded(this.stopDaemon(name), `stop ${name}`);
  }

  private async stopDaemon(name: ServiceName): Promise<ExecResult> {
    const running = await this.running(name);
    if (!running) {
      await this.forget(name);
      return result(['kill', '-TERM', '-'], 0, `${name} is not running in ${this.member}\n`);
    }
    const argv = ['kill', '-TERM', String(running.pid)];
    this.observer?.(argv, `stop ${name} in ${this.member}`);
    const gone = await terminate(running.pid, running.startTime, STOP_GRACE_MS);
    if (!gone) return result(argv, 1, '', `${name} (pid ${running.pid}) is still running after SIGTERM and SIGKILL\n`);
    await this.forget(name);
    return result(argv, 0, `${name} stopped in ${this.member}\n`);
  }

  async restart(name: ServiceName): Promise<ExecResult> {
    const stopped = await this.stop(name);
    if (stopped.exitCode !== 0) return stopped;
    return this.start(name);
  }

  /** SIGHUP: keepalived re-reads its configuration, nginx starts new workers with the new one. */
  async reload(name: ServiceName): Promise<ExecResult> {
    const running = await this.running(name);
    if (!running) return result(['kill', '-HUP', '-'], 1, '', `${name} is not running in ${this.member}: nothing to reload\n`);
    const argv = ['kill', '-HUP', String(running.pid)];
    this.observer?.(argv, `reload ${name} in ${this.member}`);
    signal(running.pid, 'SIGHUP');
    return this.recorded(Promise.resolve(result(argv, 0, `${name} reloaded in ${this.member}\n`)), `reload ${name}`);
  }

  /** Lab nodes never boot: `lab up` starts their daemons. Enabling is therefore a no-op that succeeds. */
  async enable(name: ServiceName): Promise<ExecResult> {
    return result(['true'], 0, `${name}: nothing to enable in a lab node (no init system; \`ha-setup lab up\` starts it)\n`);
  }

  /** The node's own init script (written by `lab up`): it starts the daemon exactly as start() does. */
  command(op: ServiceOp, name: ServiceName): string[] {
    return [this.host.runtimePath(`/etc/init.d/${name}`), op];
  }

  /**
   * Typed on the machine: `lab restart` (starts a stopped daemon too); a reload is the
   * node's own init script, which signals the daemon wherever it is run.
   */
  commandLines(op: ServiceOp, name: ServiceName): string[] {
    if (op === 'reload' || op === 'configtest') return [`${this.host.runtimePath(`/etc/init.d/${name}`)} ${op}`];
    return [`ha-setup lab restart ${this.member} ${name}`];
  }

  async recentLogs(name: ServiceName, lines: number): Promise<string[]> {
    const text = await this.readText(labDaemonFiles(name).log);
    if (!text) return [];
    return text.split('\n').filter(Boolean).slice(-lines);
  }

  /** A file of the node, or null when it cannot be read (a daemon may be writing it). */
  private async readText(path: string): Promise<string | null> {
    return this.host.readFile(path).catch(() => null);
  }

  private async forget(name: ServiceName): Promise<void> {
    const m = await readManifest();
    if (!m || !m.processes.some((p) => p.member === this.member && p.service === name)) return;
    await updateManifest((mm) => {
      mm.processes = mm.processes.filter((p) => !(p.member === this.member && p.service === name));
    });
  }
}

function result(command: string[], exitCode: number, stdout: string, stderr = ''): ExecResult {
  return { command, exitCode, stdout, stderr, notFound: false, timedOut: false };
}


/** For `lab down` and tests: does the command line point into the lab's directory? */
export function referencesStateDir(cmdline: string): boolean {
  return cmdline.includes(LAB_STATE_DIR + '/');
}
