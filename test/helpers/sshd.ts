/**
 * A real OpenSSH server inside a network namespace, for tests: its own host key, its
 * own authorized_keys (one generated client key), logs to a file so tests can count
 * logins. Needs root (ip netns exec, sshd). Reused by the ssh host tests and, in the main
 * lab's ha1/ha2 namespaces, by the pair wizard and pair doctor tests.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcStat } from '../../src/host/proc-stat.js';

export interface SshdOptions {
  /** Network namespace sshd runs in (it must exist). */
  netns: string;
  /** The one address sshd listens on (inside that namespace). */
  listenAddress: string;
  /** A directory of its own for keys, config, pid and log; created if missing. */
  stateDir: string;
  /** Default 22. */
  port?: number;
  /** More sshd_config lines. */
  extraConfig?: string[];
}

export interface SshdServer {
  port: number;
  listenAddress: string;
  /** The sshd process (ip netns exec execs sshd in place: same PID). */
  pid: number;
  /** "ADDR ssh-ed25519 AAAA..." (or "[ADDR]:PORT ...") for a known_hosts file. */
  hostKeyLine: string;
  /** A private key that may log in as root. */
  clientKeyPath: string;
  /** A known_hosts file holding exactly hostKeyLine. */
  knownHostsPath: string;
  authorizedKeysPath: string;
  /** sshd's own log (-e): "Accepted publickey for root from ..." once per login. */
  logPath: string;
  /** How many logins sshd has accepted so far. */
  acceptedLogins(): number;
  /** Stop sshd and the session processes it forked. Safe to call twice. */
  stop(): Promise<void>;
}

/** A fresh ed25519 key pair without passphrase at `path` (and path.pub). */
export function generateKey(path: string, comment = 'ha-setup-test'): string {
  if (!existsSync(path)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return path;
}

export async function startSshd(opts: SshdOptions): Promise<SshdServer> {
  const dir = opts.stateDir;
  const port = opts.port ?? 22;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // sshd's privilege separation directory (the openssh-server package creates it at boot).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = generateKey(join(dir, 'host_key'), 'ha-setup-test-host');
  const clientKeyPath = generateKey(join(dir, 'client_key'), 'ha-setup-test-client');
  const authorizedKeysPath = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, readFileSync(`${clientKeyPath}.pub`), { mode: 0o600 });
  const [keyType, keyData] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const name = port === 22 ? opts.listenAddress : `[${opts.listenAddress}]:${port}`;
  const hostKeyLine = `${name} ${keyType} ${keyData}`;
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${hostKeyLine}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${opts.listenAddress}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The state directory sits under a world-writable /tmp, which StrictModes rejects.
      'StrictModes no',
      'LogLevel INFO',
      // Many tests connect in quick succession; do not throttle them.
      'MaxStartups 100',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  execFileSync('/usr/sbin/sshd', ['-t', '-f', config]);
  const logPath = join(dir, 'sshd.log');
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn('ip', ['netns', 'exec', opts.netns, '/usr/sbin/sshd', '-D', '-e', '-f', config], { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const pid = child.pid!;
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const deadline = Date.now() + 10_000;
  while (!/Server listening on/.test(log())) {
    if (!running || Date.now() > deadline) {
      if (running) child.kill('SIGKILL');
      throw new Error(`sshd in ${opts.netns} did not start:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  let stopped = false;
  return {
    port,
    listenAddress: opts.listenAddress,
    pid,
    hostKeyLine,
    clientKeyPath,
    knownHostsPath,
    authorizedKeysPath,
    logPath,
    acceptedLogins: () => (log().match(/^Accepted publickey for /gm) ?? []).length,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Per-connection sshd processes outlive the listener; end them too, by PID.
      const sessions = descendantsOf(pid);
      if (running) child.kill('SIGTERM');
      for (const p of sessions) killQuietly(p);
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
    },
  };
}

/** Every process below `pid`, read from /proc. */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat) parentOf.set(stat.pid, stat.ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
