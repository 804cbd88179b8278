import type { Host } from '../host/types.js';
import type { Gaps } from './gaps.js';
import { parseKeepalivedVersion } from '../keepalived/version.js';
import { isGone } from '../host/proc-stat.js';
import { keepalivedSourceFor, ourProcesses } from '../keepalived/runtime/process.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The state letter of /proc/PID/stat: R, S, D, T, ... (zombies are never returned). */
  state: string;
}

export interface KeepalivedFacts {
  installed: boolean;
  path: string | null;
  /** "2.2.7" from the running daemon's `-v`, else from `keepalived -v`; null when neither could be run (e.g. a binary under --root). */
  version: string | null;
  /** null when processes could not be inspected (no root, namespace unknown). */
  running: boolean | null;
  /** The main process (whose parent is not keepalived); its children are in `pids`. */
  pid: number | null;
  pids: number[];
}

export interface NginxFacts {
  installed: boolean;
  path: string | null;
  version: string | null;
  running: boolean | null;
  pid: number | null;
}

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

/** Directories searched for a program, like `command -v` with a root's default PATH. */
export const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * `command -v NAME` without a shell: the first executable regular file in the host's own
 * program directories (a lab node's chosen keepalived), then BIN_DIRS.
 */
export async function findBinary(host: Host, name: string): Promise<string | null> {
  // The image under --root, the real file system for a lab node or a remote one.
  const where = host.runtimeView();
  const own = host.programDirs ?? [];
  for (const dir of [...own, ...BIN_DIRS]) {
    const path = `${dir}/${name}`;
    const st = await where.stat(path).catch(() => null);
    if (st?.isFile && (st.mode & 0o111) !== 0) return path;
  }
  return null;
}

/**
 * Live processes called `name` (by /proc/PID/comm) in the host's network namespace. All lab
 * nodes share one PID space, so a plain scan sees every node's daemons: the one scan of
 * keepalived's runtime (this machine's /proc, or one script on a remote one) decides which
 * are ours. Zombies (Z) and dead (X) entries are skipped: `kill -0` succeeds on them but
 * nothing is running. Returns null when our namespace, or the namespace of every process
 * found, cannot be read (no root).
 */
export async function findProcessesInOurNetns(host: Host, name: string, gaps?: Gaps): Promise<ProcessInfo[] | null> {
  const snap = await keepalivedSourceFor(host, { comm: name }).snapshot();
  if (snap.wantedNet === null) {
    gaps?.add(`${name}.running`, 'missing');
    return null;
  }
  const found = ourProcesses(snap).map((p) => ({ pid: p.stat.pid, ppid: p.stat.ppid, state: p.stat.state }));
  if (found.length === 0 && snap.procs.some((p) => !isGone(p.stat) && p.net === null)) {
    gaps?.add(`${name}.running`, 'permission');
    return null;
  }
  return found;
}

/** The process whose parent is not one of the others: keepalived's and nginx's master. */
export function mainProcess(list: ProcessInfo[]): ProcessInfo | null {
  const pids = new Set(list.map((p) => p.pid));
  return list.find((p) => !pids.has(p.ppid)) ?? list[0] ?? null;
}

/** "nginx version: nginx/1.22.1" -> "1.22.1". */
export function parseNginxVersion(text: string): string | null {
  return /nginx version: \S*?\/(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? null;
}

async function programVersion(host: Host, path: string | null, args: string[], parse: (t: string) => string | null, fact: string, gaps?: Gaps) {
  if (!path) return null;
  if (host.treeOnly) {
    gaps?.add(fact, 'not-applicable');
    return null;
  }
  const r = await host.exec(path, args, { why: 'read the installed version', timeoutMs: 10_000 });
  const version = parse(`${r.stderr}\n${r.stdout}`);
  if (version === null) gaps?.add(fact, 'unparsed');
  return version;
}

export async function readKeepalived(host: Host, gaps?: Gaps): Promise<KeepalivedFacts> {
  const path = await findBinary(host, 'keepalived');
  const [version, procs] = await Promise.all([
    programVersion(host, path, ['-v'], parseKeepalivedVersion, 'keepalived.version', gaps),
    findProcessesInOurNetns(host, 'keepalived', gaps),
  ]);
  const main = procs ? mainProcess(procs) : null;
  // The running daemon's own binary says which release runs (a lab node or a source build in
  // another prefix may run another keepalived than the one on PATH).
  const running = main && !host.treeOnly ? await programVersion(host, `/proc/${main.pid}/exe`, ['-v'], parseKeepalivedVersion, 'keepalived.version') : null;
  return {
    installed: path !== null,
    path,
    version: running ?? version,
    running: procs === null ? null : procs.length > 0,
    pid: main?.pid ?? null,
    pids: procs?.map((p) => p.pid) ?? [],
  };
}

export async function readNginx(host: Host, gaps?: Gaps): Promise<NginxFacts> {
  const path = await findBinary(host, 'nginx');
  const [version, procs] = await Promise.all([
    programVersion(host, path, ['-v'], parseNginxVersion, 'nginx.version', gaps),
    findProcessesInOurNetns(host, 'nginx', gaps),
  ]);
  const main = procs ? mainProcess(procs) : null;
  return { installed: path !== null, path, version, running: procs === null ? null : procs.length > 0, pid: main?.pid ?? null };
}

/** PID 1 is systemd (systemctl works only then). null when /proc/1/comm cannot be read. */
export async function readSystemd(host: Host, gaps?: Gaps): Promise<boolean | null> {
  const comm = await host.machine().readFile('/proc/1/comm').catch(() => null);
  if (comm === null) {
    gaps?.add('systemd', 'missing');
    return null;
  }
  return comm.trim() === 'systemd';
}

/**
 * SELinux mode: `getenforce` when installed, else /sys/fs/selinux/enforce. No selinuxfs at
 * all (while sysfs is there) means the kernel runs without SELinux: disabled.
 */
export async function readSelinux(host: Host, gaps?: Gaps): Promise<SelinuxMode | null> {
  const r = await host.exec('getenforce', [], { why: 'read the SELinux mode', timeoutMs: 5_000 });
  if (!r.notFound && r.exitCode === 0) {
    const mode = r.stdout.trim().toLowerCase();
    if (mode === 'enforcing' || mode === 'permissive' || mode === 'disabled') return mode;
  }
  const machine = host.machine();
  const enforce = await machine.readFile('/sys/fs/selinux/enforce').catch(() => null);
  if (enforce !== null) return enforce.trim() === '1' ? 'enforcing' : 'permissive';
  if (await machine.exists('/sys/fs/selinux')) {
    gaps?.add('selinux', 'permission');
    return null;
  }
  if (await machine.exists('/sys/kernel')) return 'disabled';
  gaps?.add('selinux', 'missing');
  return null;
}

export function isRootUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
