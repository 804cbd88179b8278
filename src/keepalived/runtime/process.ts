/**
 * Which keepalived is running for a host, and what it was told on its command line.
 *
 * Why /proc is read with node:fs (through `RuntimeFs`) and not through Host.readFile:
 * a Host maps paths to where the *files of that host* live (under --root, under a lab
 * node's directory). /proc and the paths a running daemon names (its pid files, TMPDIR,
 * log file) are not such files: they are the kernel's view and the daemon's view of the
 * one real file system. All network namespaces of a machine share one PID space and one
 * /proc, so "ours" is decided by comparing /proc/PID/ns/net with the host's namespace.
 * When the daemon runs in another mount namespace (systemd PrivateTmp=, `ip netns exec`)
 * its files are reached through /proc/PID/root, which is always its own view.
 *
 * A remote (ssh) host would supply its own RuntimeFs; everything here goes through it.
 */
import { promises as fs } from 'node:fs';
import type { Host } from '../../host/types.js';

export interface RuntimeStat {
  ino: number;
  mtimeMs: number;
  isDirectory: boolean;
  isFile: boolean;
  size: number;
}

/** The real file system as the machine's processes see it (read-only). */
export interface RuntimeFs {
  readFile(path: string): Promise<Uint8Array | null>;
  readLink(path: string): Promise<string | null>;
  readDir(path: string): Promise<string[]>;
  stat(path: string): Promise<RuntimeStat | null>;
  /** At most the last `maxBytes` bytes of a file (logs can be large). */
  readTail(path: string, maxBytes: number): Promise<Uint8Array | null>;
}

export const realFs: RuntimeFs = {
  async readFile(path) {
    try {
      return await fs.readFile(path);
    } catch {
      return null;
    }
  },
  async readLink(path) {
    try {
      return await fs.readlink(path);
    } catch {
      return null;
    }
  },
  async readDir(path) {
    try {
      return await fs.readdir(path);
    } catch {
      return [];
    }
  },
  async stat(path) {
    try {
      const s = await fs.stat(path);
      return { ino: s.ino, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory(), isFile: s.isFile(), size: s.size };
    } catch {
      return null;
    }
  },
  async readTail(path, maxBytes) {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(path, 'r');
      const size = (await handle.stat()).size;
      const start = Math.max(0, size - maxBytes);
      const buf = new Uint8Array(size - start);
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      return buf.subarray(0, bytesRead);
    } catch {
      return null;
    } finally {
      await handle?.close();
    }
  },
};

export interface RuntimeOptions {
  fs?: RuntimeFs;
  /** Where the proc file system is mounted (default /proc). */
  procRoot?: string;
}

export type LogTarget = {
  /** -l / --log-console: messages go to the process' stdout/stderr. */
  console: boolean;
  /** -g / --log-file[=FILE] (only in builds with --enable-log-file; default /tmp/keepalived.log). */
  file: string | null;
  /** false with -G / --no-syslog. */
  syslog: boolean;
  /** -S / --log-facility value, e.g. "local0" or "3"; null = daemon. */
  syslogFacility: string | null;
  /** What fd 1 points to: a path, "socket:[N]", "pipe:[N]", "/dev/null"... */
  stdout: string | null;
  /** fd 1 is a regular file: console output redirected there. */
  stdoutFile: string | null;
  /** systemd runs here (/run/systemd/system), so syslog and stdout end up in the journal. */
  journal: boolean;
};

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T, X... */
  state: string;
  ppid: number;
  /** Clock ticks after boot. */
  startTime: number;
}

export interface KeepalivedProcess {
  /** The parent (the pid signals go to). */
  pid: number;
  /** The VRRP child, when one could be told apart. */
  vrrpPid: number | null;
  checkerPid: number | null;
  childPids: number[];
  cmdline: string[];
  /** -f / --use-file, else the default /etc/keepalived/keepalived.conf (as the daemon sees it). */
  configFile: string;
  /** The dump directory as the daemon sees it: $TMPDIR when absolute and a directory, else /tmp. */
  tmpDir: string;
  tmpDirSource: 'TMPDIR' | 'default';
  /** Where to read `tmpDir` from here (differs under a private /tmp or another mount namespace). */
  tmpDirOnHost: string;
  pidFiles: { parent: string; vrrp: string; checkers: string };
  logTarget: LogTarget;
  /** The daemon's network namespace, e.g. "net:[4026532281]". */
  netns: string;
  /** The daemon runs in another mount namespace than we do: its paths are read via /proc/PID/root. */
  otherMountNamespace: boolean;
  options: KeepalivedOptions;
}

export interface KeepalivedOptions {
  configFile: string | null;
  pidFile: string | null;
  vrrpPidFile: string | null;
  checkersPidFile: string | null;
  logConsole: boolean;
  logDetail: boolean;
  logFile: string | null;
  noSyslog: boolean;
  logFacility: string | null;
  vrrpOnly: boolean;
  checkOnly: boolean;
  dontFork: boolean;
  namespace: string | null;
  configId: string | null;
}

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';
export const DEFAULT_LOG_FILE = '/tmp/keepalived.log';
export const DEFAULT_PID_FILES = { parent: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checkers: '/run/checkers.pid' } as const;

const SHORT_WITH_ARG = new Set(['f', 'p', 'r', 'c', 'b', 'S', 'u', 's', 'i', 'A']);
const SHORT_OPTIONAL_ARG = new Set(['g', 't', 'M']);
const LONG_WITH_ARG = new Set(['use-file', 'pid', 'vrrp_pid', 'checkers_pid', 'bfd_pid', 'log-facility', 'umask', 'namespace', 'config-id', 'snmp-agent-socket', 'signum']);
const LONG_TO_SHORT: Record<string, string> = {
  'use-file': 'f',
  pid: 'p',
  vrrp_pid: 'r',
  checkers_pid: 'c',
  bfd_pid: 'b',
  'log-facility': 'S',
  namespace: 's',
  'config-id': 'i',
  'log-console': 'l',
  'log-detail': 'D',
  'no-syslog': 'G',
  'log-file': 'g',
  vrrp: 'P',
  check: 'C',
  'dont-fork': 'n',
};

/** keepalived's getopt_long options, as far as diagnosis needs them. Pure. */
export function parseKeepalivedArgs(argv: string[]): KeepalivedOptions {
  const o: KeepalivedOptions = {
    configFile: null,
    pidFile: null,
    vrrpPidFile: null,
    checkersPidFile: null,
    logConsole: false,
    logDetail: false,
    logFile: null,
    noSyslog: false,
    logFacility: null,
    vrrpOnly: false,
    checkOnly: false,
    dontFork: false,
    namespace: null,
    configId: null,
  };
  const set = (opt: string, value: string | null): void => {
    switch (opt) {
      case 'f': o.configFile = value; break;
      case 'p': o.pidFile = value; break;
      case 'r': o.vrrpPidFile = value; break;
      case 'c': o.checkersPidFile = value; break;
      case 'S': o.logFacility = value; break;
      case 's': o.namespace = value; break;
      case 'i': o.configId = value; break;
      case 'l': o.logConsole = true; break;
      case 'D': o.logDetail = true; break;
      case 'G': o.noSyslog = true; break;
      case 'g': o.logFile = value ?? DEFAULT_LOG_FILE; break;
      case 'P': o.vrrpOnly = true; break;
      case 'C': o.checkOnly = true; break;
      case 'n': o.dontFork = true; break;
    }
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let value: string | null = eq >= 0 ? a.slice(eq + 1) : null;
      if (value === null && LONG_WITH_ARG.has(name) && i + 1 < argv.length) value = argv[++i]!;
      const short = LONG_TO_SHORT[name];
      if (short) set(short, value);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (SHORT_WITH_ARG.has(c)) {
          const rest = a.slice(j + 1);
          set(c, rest !== '' ? rest : i + 1 < argv.length ? argv[++i]! : null);
          break;
        }
        if (SHORT_OPTIONAL_ARG.has(c)) {
          const rest = a.slice(j + 1);
          set(c, rest !== '' ? rest : null);
          break;
        }
        set(c, null);
      }
    }
  }
  return o;
}

/** Parse /proc/PID/stat ("pid (comm) S ppid ... starttime"); comm may contain spaces and ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    startTime: Number(fields[19]),
  };
}

/** Every live (non-zombie) process whose comm is keepalived. */
export async function listKeepalivedProcs(opts: RuntimeOptions = {}): Promise<ProcStat[]> {
  const rfs = opts.fs ?? realFs;
  const proc = opts.procRoot ?? '/proc';
  const out: ProcStat[] = [];
  for (const name of await rfs.readDir(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const comm = await readText(rfs, `${proc}/${name}/comm`);
    if (comm?.trim() !== 'keepalived') continue;
    const stat = parseProcStat((await readText(rfs, `${proc}/${name}/stat`)) ?? '');
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    out.push(stat);
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** The network namespace a host's commands run in, as the "net:[INODE]" link text. */
export async function hostNetns(host: Host, opts: RuntimeOptions = {}): Promise<string | null> {
  const rfs = opts.fs ?? realFs;
  const proc = opts.procRoot ?? '/proc';
  const ns = (host as { ns?: unknown }).ns;
  if (host.kind === 'netns' && typeof ns === 'string') {
    // `ip netns add` bind-mounts the namespace on /run/netns/NAME: its inode is the namespace id.
    const st = await rfs.stat(`/run/netns/${ns}`);
    return st ? `net:[${st.ino}]` : null;
  }
  if (host.kind === 'local') return rfs.readLink(`${proc}/self/ns/net`);
  const r = await host.exec('readlink', ['/proc/self/ns/net'], { why: 'which network namespace this host runs in' });
  return r.exitCode === 0 ? r.stdout.trim() || null : null;
}

/**
 * The keepalived parent process of this host's network namespace, or null when none runs
 * there. Zombies are skipped (a daemon re-parented to a sandbox's PID 1 can linger as one).
 */
export async function findKeepalived(host: Host, opts: RuntimeOptions = {}): Promise<KeepalivedProcess | null> {
  const all = await findAllKeepalived(host, opts);
  return all[0] ?? null;
}

/** Every keepalived parent of this host's namespace (more than one is itself a finding). */
export async function findAllKeepalived(host: Host, opts: RuntimeOptions = {}): Promise<KeepalivedProcess[]> {
  const rfs = opts.fs ?? realFs;
  const proc = opts.procRoot ?? '/proc';
  const wanted = await hostNetns(host, opts);
  if (!wanted) return [];
  const procs = await listKeepalivedProcs(opts);
  const pids = new Set(procs.map((p) => p.pid));
  const ours: ProcStat[] = [];
  for (const p of procs) {
    if ((await rfs.readLink(`${proc}/${p.pid}/ns/net`)) === wanted) ours.push(p);
  }
  const parents = ours.filter((p) => !pids.has(p.ppid));
  const result: KeepalivedProcess[] = [];
  for (const parent of parents) {
    const children = ours.filter((p) => p.ppid === parent.pid).map((p) => p.pid);
    result.push(await describe(parent.pid, children, wanted, rfs, proc));
  }
  return result;
}

async function describe(pid: number, childPids: number[], netns: string, rfs: RuntimeFs, proc: string): Promise<KeepalivedProcess> {
  const cmdline = splitNul((await rfs.readFile(`${proc}/${pid}/cmdline`)) ?? new Uint8Array());
  const options = parseKeepalivedArgs(cmdline);
  const environ = splitNul((await rfs.readFile(`${proc}/${pid}/environ`)) ?? new Uint8Array());
  const ownMnt = await rfs.readLink(`${proc}/self/ns/mnt`);
  const theirMnt = await rfs.readLink(`${proc}/${pid}/ns/mnt`);
  const otherMountNamespace = ownMnt !== null && theirMnt !== null && ownMnt !== theirMnt;
  const onHost = (path: string): string => (otherMountNamespace ? `${proc}/${pid}/root${path}` : path);

  const envTmp = environ.find((e) => e.startsWith('TMPDIR='))?.slice('TMPDIR='.length) ?? null;
  let tmpDir = '/tmp';
  let tmpDirSource: KeepalivedProcess['tmpDirSource'] = 'default';
  if (envTmp && envTmp.startsWith('/') && (await rfs.stat(onHost(envTmp)))?.isDirectory) {
    tmpDir = envTmp.replace(/\/+$/, '') || '/';
    tmpDirSource = 'TMPDIR';
  }

  const pidFiles = {
    parent: options.pidFile ?? DEFAULT_PID_FILES.parent,
    vrrp: options.vrrpPidFile ?? DEFAULT_PID_FILES.vrrp,
    checkers: options.checkersPidFile ?? DEFAULT_PID_FILES.checkers,
  };
  const readPid = async (path: string): Promise<number | null> => {
    const n = Number((await readText(rfs, onHost(path)))?.trim());
    return Number.isInteger(n) && childPids.includes(n) ? n : null;
  };
  let vrrpPid = await readPid(pidFiles.vrrp);
  let checkerPid = await readPid(pidFiles.checkers);
  if (vrrpPid === null) vrrpPid = await childWithVrrpSocket(childPids, rfs, proc);
  if (vrrpPid === null && childPids.length === 1 && options.vrrpOnly) vrrpPid = childPids[0]!;
  if (checkerPid === null && childPids.length === 1 && options.checkOnly) checkerPid = childPids[0]!;

  const stdout = await rfs.readLink(`${proc}/${pid}/fd/1`);
  const stdoutStat = stdout && stdout.startsWith('/') ? await rfs.stat(onHost(stdout)) : null;
  const logTarget: LogTarget = {
    console: options.logConsole,
    file: options.logFile,
    syslog: !options.noSyslog,
    syslogFacility: options.logFacility,
    stdout,
    stdoutFile: stdoutStat?.isFile ? stdout : null,
    journal: Boolean((await rfs.stat('/run/systemd/system'))?.isDirectory),
  };
  return {
    pid,
    vrrpPid,
    checkerPid,
    childPids,
    cmdline,
    configFile: options.configFile ?? DEFAULT_CONFIG_FILE,
    tmpDir,
    tmpDirSource,
    tmpDirOnHost: onHost(tmpDir),
    pidFiles,
    logTarget,
    netns,
    otherMountNamespace,
    options,
  };
}

/** The child holding a raw socket for IP protocol 112 (0x70) is the VRRP process. */
async function childWithVrrpSocket(childPids: number[], rfs: RuntimeFs, proc: string): Promise<number | null> {
  for (const child of childPids) {
    const vrrpInodes = new Set<string>();
    for (const table of ['raw', 'raw6']) {
      const text = (await readText(rfs, `${proc}/${child}/net/${table}`)) ?? '';
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
        if (f.length >= 10 && /:0070$/i.test(f[1]!)) vrrpInodes.add(f[9]!);
      }
    }
    if (vrrpInodes.size === 0) continue;
    for (const fd of await rfs.readDir(`${proc}/${child}/fd`)) {
      const link = await rfs.readLink(`${proc}/${child}/fd/${fd}`);
      const m = link ? /^socket:\[(\d+)\]$/.exec(link) : null;
      if (m && vrrpInodes.has(m[1]!)) return child;
    }
  }
  return null;
}

/** Resolve a path the daemon names to where we can read it. */
export function pathOnHost(kp: Pick<KeepalivedProcess, 'pid' | 'otherMountNamespace'>, path: string, procRoot = '/proc'): string {
  return kp.otherMountNamespace ? `${procRoot}/${kp.pid}/root${path}` : path;
}

async function readText(rfs: RuntimeFs, path: string): Promise<string | null> {
  const b = await rfs.readFile(path);
  return b ? new TextDecoder().decode(b) : null;
}

function splitNul(b: Uint8Array): string[] {
  const text = new TextDecoder().decode(b);
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
