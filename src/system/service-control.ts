import type { ExecResult, Host } from '../host/types.js';

export type ServiceName = 'keepalived' | 'nginx';
/** What a command does to a service: start (and enable at boot), stop, restart, re-read its config, report its status, test its config. */
export type ServiceOp = 'start' | 'stop' | 'restart' | 'reload' | 'status' | 'configtest';

/**
 * How a host starts and stops its services. The planner only says "restart keepalived";
 * the applier asks the host's ServiceControl how: systemctl where PID 1 is systemd, the
 * init script elsewhere, or the lab's own daemon control inside a network namespace.
 */
export interface ServiceControl {
  readonly kind: 'systemd' | 'sysv' | 'lab';
  start(name: ServiceName): Promise<ExecResult>;
  stop(name: ServiceName): Promise<ExecResult>;
  restart(name: ServiceName): Promise<ExecResult>;
  /** Re-read configuration without stopping (SIGHUP for keepalived, reload for nginx). */
  reload(name: ServiceName): Promise<ExecResult>;
  enable(name: ServiceName): Promise<ExecResult>;
  isActive(name: ServiceName): Promise<boolean>;
  /**
   * The init system's own restart of a daemon that died (systemd's `Restart=`), null when
   * nothing restarts it: a crash test would otherwise measure the restart, not the peer.
   */
  restartsOnFailure(name: ServiceName): Promise<string | null>;
  /** The service's most recent log lines, oldest first. */
  recentLogs(name: ServiceName, lines: number): Promise<string[]>;
  /**
   * The command that does `op` on this node, as it is run there by sh (a watchdog left on
   * the node, a record of how to undo a change): no ha-setup needed to run it.
   */
  command(op: ServiceOp, name: ServiceName): string[];
  /** The commands a user types to do `op` on this node (what doctor prints as a fix). */
  commandLines(op: ServiceOp, name: ServiceName): string[];
}

/** The daemon's own config test, with its default configuration file. */
function configTestLine(name: ServiceName): string {
  return name === 'nginx' ? 'nginx -t' : 'keepalived -t -f /etc/keepalived/keepalived.conf';
}

/** systemd: systemctl / journalctl. */
export class SystemdServices implements ServiceControl {
  readonly kind = 'systemd' as const;
  constructor(private readonly host: Host) {}
  start(name: ServiceName) { return this.host.exec('systemctl', ['start', name], { why: `start ${name}` }); }
  stop(name: ServiceName) { return this.host.exec('systemctl', ['stop', name], { why: `stop ${name}` }); }
  restart(name: ServiceName) { return this.host.exec('systemctl', ['restart', name], { why: `restart ${name} with the new configuration` }); }
  reload(name: ServiceName) { return this.host.exec('systemctl', ['reload', name], { why: `reload ${name}` }); }
  enable(name: ServiceName) { return this.host.exec('systemctl', ['enable', name], { why: `start ${name} at boot` }); }
  command(op: ServiceOp, name: ServiceName) { return ['systemctl', op, name]; }
  async isActive(name: ServiceName) { return (await this.host.exec('systemctl', ['is-active', '--quiet', name])).exitCode === 0; }
  async restartsOnFailure(name: ServiceName) {
    const r = await this.host.exec('systemctl', ['show', '-p', 'Restart', '--value', name]);
    const policy = r.exitCode === 0 ? r.stdout.trim() : '';
    return policy === '' || policy === 'no' ? null : `Restart=${policy}`;
  }
  commandLines(op: ServiceOp, name: ServiceName) {
    if (op === 'configtest') return [configTestLine(name)];
    return [op === 'start' ? `systemctl enable --now ${name}` : `systemctl ${op} ${name}`];
  }
  async recentLogs(name: ServiceName, lines: number) {
    const r = await this.host.exec('journalctl', ['-u', name, '-n', String(lines), '--no-pager', '-o', 'short-iso']);
    return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  }
}

/** Hosts whose PID 1 is not systemd: the distribution's `service` wrapper / init script. */
export class SysvServices implements ServiceControl {
  readonly kind = 'sysv' as const;
  constructor(private readonly host: Host) {}
  private run(name: ServiceName, op: ServiceOp) {
    const [cmd, ...args] = this.command(op, name);
    return this.host.exec(cmd!, args, { why: `${op} ${name}` });
  }
  command(op: ServiceOp, name: ServiceName) {
    // A sandboxed node (a host whose "/" is a directory, e.g. a lab node over ssh) has its
    // own init scripts there; `service` would reach the machine's.
    if (this.host.root !== '/') return [this.host.runtimePath(`/etc/init.d/${name}`), op];
    return ['service', name, op];
  }
  start(name: ServiceName) { return this.run(name, 'start'); }
  stop(name: ServiceName) { return this.run(name, 'stop'); }
  restart(name: ServiceName) { return this.run(name, 'restart'); }
  reload(name: ServiceName) { return this.run(name, 'reload'); }
  async enable(name: ServiceName) {
    // update-rc.d (Debian) or chkconfig (RHEL) register the init script for boot.
    const r = await this.host.exec('update-rc.d', [name, 'defaults'], { why: `start ${name} at boot` });
    return r.notFound ? this.host.exec('chkconfig', [name, 'on'], { why: `start ${name} at boot` }) : r;
  }
  async isActive(name: ServiceName) { return (await this.run(name, 'status')).exitCode === 0; }
  /** An init script starts a daemon once; nothing watches it. */
  async restartsOnFailure() { return null; }
  commandLines(op: ServiceOp, name: ServiceName) {
    // A sandboxed node's own init scripts (they know its config test too).
    if (this.host.root !== '/') return [`${this.host.runtimePath(`/etc/init.d/${name}`)} ${op}`];
    return [op === 'configtest' ? configTestLine(name) : `service ${name} ${op}`];
  }
  async recentLogs(name: ServiceName, lines: number) {
    // A daemon started with its own log file (a lab node's init script) logs there, not to syslog.
    const own = await this.host.readFile(name === 'keepalived' ? '/var/log/keepalived.log' : '/var/log/nginx/error.log');
    if (own) return own.split('\n').filter(Boolean).slice(-lines);
    for (const file of ['/var/log/syslog', '/var/log/messages']) {
      const text = await this.host.readFile(file);
      if (text) return text.split('\n').filter((l) => /keepalived|nginx/i.test(l)).slice(-lines);
    }
    return [];
  }
}
