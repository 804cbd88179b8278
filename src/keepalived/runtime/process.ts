/**
 * Which keepalived is running for a host, and what it was told on its command line.
 *
 * Why /proc is read through the host's `runtimeFs()` and not through Host.readFile:
 * a Host maps paths to where the *files of that host* live (under --root, under a lab
 * node's directory). /proc and the paths a running daemon names (its pid files, TMPDIR,
 * log file) are not such files: they are the kernel's view and the daemon's view of the
 * one real file system. All network namespaces of a machine share one PID space and one
 * /proc, so "ours" is decided by comparing /proc/PID/ns/net with the host's namespace.
 * When the daemon runs in another mount namespace (systemd PrivateTmp=, `ip netns exec`)
 * its files are reached through /proc/PID/root, which is always its own view.
 *
 * A remote (ssh) host is another machine with its own /proc: its processes are found by
 * one script run there (remote.ts) and its daemon's files are read through its runtimeFs,
 * commands over the connection. Which process is ours, and what its command line and
 * environment say, is decided by the same code for both sources (`selectKeepalived`).
 */
import type { Host, RuntimeFs } from '../../host/types.js';
import { readRuntimeText as readText } from '../../host/runtime-fs.js';
import { readRemotePidFiles, scanRemoteKeepalived } from './remote.js';
import { inNetns, isGone, parseProcStat, type ProcStat } from '../../host/proc-stat.js';
export { inNetns };
export type { RuntimeFs, RuntimeStat } from '../../host/types.js';

export interface RuntimeOptions {
  /** Read /proc through this file system instead (tests); implies the local source. */
  fs?: RuntimeFs;
  /** Where the process facts come from (default: keepalivedSourceFor the host). */
  source?: KeepalivedSource;
  /** Where the proc file system is mounted (default /proc). */
  procRoot?: string;
  /** The processes looked for, by /proc/PID/comm (default keepalived; the service facts ask for nginx too). */
  comm?: string;
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

export type { ProcStat };
export { parseProcStat };

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
  /** Where to read the daemon's /tmp from here: releases before 2.2.5 write their dumps there whatever TMPDIR says. */
  slashTmpOnHost: string;
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

/** Every process whose comm is `wanted`, zombies included. */
async function scanProcStats(rfs: RuntimeFs, proc: string, wanted = 'keepalived'): Promise<ProcStat[]> {
  const out: ProcStat[] = [];
  for (const name of await rfs.readDir(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const comm = await readText(rfs, `${proc}/${name}/comm`);
    if (comm?.trim() !== wanted) continue;
    const stat = parseProcStat((await readText(rfs, `${proc}/${name}/stat`)) ?? '');
    if (stat) out.push(stat);
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** The network namespace a host's commands run in, as the "net:[INODE]" link text. */
export async function hostNetns(host: Host, opts: RuntimeOptions = {}): Promise<string | null> {
  // A fake /proc (tests) names its own "self".
  if (opts.fs || opts.procRoot) return (opts.fs ?? host.runtimeFs()).readLink(`${opts.procRoot ?? '/proc'}/self/ns/net`);
  return host.netns();
}

// ---------------------------------------------------------------------------------------
// Two sources, one selection: /proc read here (this machine, a lab node) or by one script
// on the remote machine (an ssh host). A source gives the raw facts of every keepalived
// process; which one is ours and what it was told is decided below, the same way for both.

/** One keepalived process, as a source saw it. */
export interface KeepalivedProcRecord {
  stat: ProcStat;
  /** readlink of /proc/PID/ns/net and ns/mnt (null: unreadable, e.g. a zombie). */
  net: string | null;
  mnt: string | null;
  cmdline: string[];
  /** TMPDIR from its environment (null: not set). */
  tmpdir: string | null;
  /** `tmpdir` is absolute and a directory as the daemon sees it. */
  tmpdirIsDir: boolean;
  /** readlink of /proc/PID/fd/1. */
  stdout: string | null;
  /** fd 1 is a regular file (console output redirected there). */
  stdoutIsFile: boolean;
  /** Holds a raw socket for IP protocol 112 (the VRRP child); null: not looked at. */
  vrrpSocket: boolean | null;
}

export interface KeepalivedSnapshot {
  /** The namespace "ours" means (the host's), as a "net:[INODE]" link text. */
  wantedNet: string | null;
  /** Our own mount namespace (where the paths we read are resolved). */
  selfMnt: string | null;
  /** systemd runs on the machine (/run/systemd/system). */
  journal: boolean;
  /** Every process whose comm is keepalived, zombies included. */
  procs: KeepalivedProcRecord[];
}

export interface KeepalivedSource {
  /** The proc mount of the machine the source reads (paths in KeepalivedProcess name it). */
  readonly procRoot: string;
  snapshot(): Promise<KeepalivedSnapshot>;
  /** The pid in each pid file (null: missing, unreadable, not a number); one batch. */
  readPidFiles(paths: string[]): Promise<(number | null)[]>;
}

/** /proc of this machine through a RuntimeFs (a local host, a lab node, tests' fake /proc). */
export function localKeepalivedSource(host: Host, opts: RuntimeOptions = {}): KeepalivedSource {
  const rfs = opts.fs ?? host.runtimeFs();
  const proc = opts.procRoot ?? '/proc';
  return {
    procRoot: proc,
    async snapshot() {
      const wantedNet = await hostNetns(host, opts);
      const selfMnt = await rfs.readLink(`${proc}/self/ns/mnt`);
      const journal = Boolean((await rfs.stat('/run/systemd/system'))?.isDirectory);
      const stats = await scanProcStats(rfs, proc, opts.comm);
      const live = new Set(stats.filter((s) => !isGone(s)).map((s) => s.pid));
      const procs: KeepalivedProcRecord[] = [];
      for (const stat of stats) {
        const pid = stat.pid;
        const dead = !live.has(pid);
        const net = dead ? null : await rfs.readLink(`${proc}/${pid}/ns/net`);
        const ours = inNetns({ net }, wantedNet);
        // Only our own daemons are described: other namespaces' need no more than their namespace.
        if (!ours) {
          procs.push({ stat, net, mnt: null, cmdline: [], tmpdir: null, tmpdirIsDir: false, stdout: null, stdoutIsFile: false, vrrpSocket: null });
          continue;
        }
        const mnt = await rfs.readLink(`${proc}/${pid}/ns/mnt`);
        const onHost = (path: string): string => (selfMnt !== null && mnt !== null && selfMnt !== mnt ? `${proc}/${pid}/root${path}` : path);
        const cmdline = splitNul((await rfs.readFile(`${proc}/${pid}/cmdline`)) ?? new Uint8Array());
        const environ = splitNul((await rfs.readFile(`${proc}/${pid}/environ`)) ?? new Uint8Array());
        const tmpdir = environ.find((e) => e.startsWith('TMPDIR='))?.slice('TMPDIR='.length) ?? null;
        const tmpdirIsDir = Boolean(tmpdir && tmpdir.startsWith('/') && (await rfs.stat(onHost(tmpdir)))?.isDirectory);
        const stdout = await rfs.readLink(`${proc}/${pid}/fd/1`);
        const stdoutIsFile = Boolean(stdout && stdout.startsWith('/') && (await rfs.stat(onHost(stdout)))?.isFile);
        // Whether a child holds the VRRP socket (used when its pid file does not name it).
        const child = live.has(stat.ppid);
        const vrrpSocket = child ? await holdsVrrpSocket(pid, rfs, proc) : null;
        procs.push({ stat, net, mnt, cmdline, tmpdir, tmpdirIsDir, stdout, stdoutIsFile, vrrpSocket });
      }
      return { wantedNet, selfMnt, journal, procs };
    },
    async readPidFiles(paths) {
      return Promise.all(
        paths.map(async (path) => {
          const n = Number((await readText(rfs, path))?.trim());
          return Number.isInteger(n) && n > 0 ? n : null;
        }),
      );
    },
  };
}

/**
 * /proc of the remote machine of an ssh host: one script for the scan, one for the pid
 * files (src/keepalived/runtime/remote.ts). "Ours" is the namespace the remote session
 * runs in: the node's (a lab node's sshd runs inside the node's namespace).
 */
export function remoteKeepalivedSource(host: Host, comm = 'keepalived'): KeepalivedSource {
  return {
    procRoot: '/proc',
    async snapshot() {
      const scan = await scanRemoteKeepalived(host, comm);
      if (!scan) return { wantedNet: null, selfMnt: null, journal: false, procs: [] };
      const procs: KeepalivedProcRecord[] = [];
      for (const r of scan.procs) {
        const stat = parseProcStat(r.statLine);
        if (!stat) continue;
        procs.push({
          stat,
          net: r.net,
          mnt: r.mnt,
          cmdline: r.cmdline,
          tmpdir: r.tmpdir,
          tmpdirIsDir: r.tmpdirIsDir,
          stdout: r.stdout,
          stdoutIsFile: r.stdoutIsFile,
          vrrpSocket: r.vrrpSocket,
        });
      }
      return { wantedNet: scan.selfNet, selfMnt: scan.selfMnt, journal: scan.journal, procs };
    },
    readPidFiles: (paths) => readRemotePidFiles(host, paths),
  };
}

/** Where this host's keepalived is looked for: the remote machine for an ssh host, else here. */
export function keepalivedSourceFor(host: Host, opts: RuntimeOptions = {}): KeepalivedSource {
  if (opts.source) return opts.source;
  if (host.remote && opts.fs === undefined && opts.procRoot === undefined) return remoteKeepalivedSource(host.machine(), opts.comm);
  return localKeepalivedSource(host, opts);
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
  const source = keepalivedSourceFor(host, opts);
  return selectKeepalived(await source.snapshot(), source);
}

/** keepalived processes of the machine that are zombies (they show up in `pidof` but run nothing). */
export async function findKeepalivedZombies(host: Host, opts: RuntimeOptions = {}): Promise<number[]> {
  const snap = await keepalivedSourceFor(host, opts).snapshot();
  return snap.procs.filter((p) => p.stat.state === 'Z').map((p) => p.stat.pid).sort((a, b) => a - b);
}

/** The live (not zombie, not dead) processes of a snapshot that run in its wanted namespace, by pid. */
export function ourProcesses(snap: Pick<KeepalivedSnapshot, 'procs' | 'wantedNet'>): KeepalivedProcRecord[] {
  return snap.procs.filter((p) => !isGone(p.stat) && inNetns(p, snap.wantedNet)).sort((a, b) => a.stat.pid - b.stat.pid);
}

/** Our namespace's parents (their parent is not a live keepalived), each described. Shared by both sources. */
export async function selectKeepalived(snap: KeepalivedSnapshot, source: Pick<KeepalivedSource, 'procRoot' | 'readPidFiles'>): Promise<KeepalivedProcess[]> {
  const wanted = snap.wantedNet;
  if (!wanted) return [];
  const pids = new Set(snap.procs.filter((p) => !isGone(p.stat)).map((p) => p.stat.pid));
  const ours = ourProcesses(snap);
  const parents = ours.filter((p) => !pids.has(p.stat.ppid));
  const proc = source.procRoot;
  const drafts = parents.map((parent) => {
    const children = ours.filter((p) => p.stat.ppid === parent.stat.pid);
    const options = parseKeepalivedArgs(parent.cmdline);
    const otherMountNamespace = snap.selfMnt !== null && parent.mnt !== null && snap.selfMnt !== parent.mnt;
    const onHost = (path: string): string => (otherMountNamespace ? `${proc}/${parent.stat.pid}/root${path}` : path);
    const pidFiles = {
      parent: options.pidFile ?? DEFAULT_PID_FILES.parent,
      vrrp: options.vrrpPidFile ?? DEFAULT_PID_FILES.vrrp,
      checkers: options.checkersPidFile ?? DEFAULT_PID_FILES.checkers,
    };
    return { parent, children, options, otherMountNamespace, onHost, pidFiles };
  });
  // Every pid file of every parent in one batch (one round trip over ssh).
  const wantedFiles = drafts.filter((d) => d.children.length > 0).flatMap((d) => [d.onHost(d.pidFiles.vrrp), d.onHost(d.pidFiles.checkers)]);
  const pidValues = await source.readPidFiles(wantedFiles);
  const pidOf = new Map(wantedFiles.map((path, i) => [path, pidValues[i] ?? null] as const));

  return drafts.map(({ parent, children, options, otherMountNamespace, onHost, pidFiles }) => {
    const pid = parent.stat.pid;
    const childPids = children.map((c) => c.stat.pid);
    const fromPidFile = (path: string): number | null => {
      const n = pidOf.get(onHost(path)) ?? null;
      return n !== null && childPids.includes(n) ? n : null;
    };
    let vrrpPid = fromPidFile(pidFiles.vrrp);
    let checkerPid = fromPidFile(pidFiles.checkers);
    if (vrrpPid === null) vrrpPid = children.find((c) => c.vrrpSocket === true)?.stat.pid ?? null;
    if (vrrpPid === null && childPids.length === 1 && options.vrrpOnly) vrrpPid = childPids[0]!;
    if (checkerPid === null && childPids.length === 1 && options.checkOnly) checkerPid = childPids[0]!;

    let tmpDir = '/tmp';
    let tmpDirSource: KeepalivedProcess['tmpDirSource'] = 'default';
    if (parent.tmpdir && parent.tmpdir.startsWith('/') && parent.tmpdirIsDir) {
      tmpDir = parent.tmpdir.replace(/\/+$/, '') || '/';
      tmpDirSource = 'TMPDIR';
    }
    const stdout = parent.stdout;
    const logTarget: LogTarget = {
      console: options.logConsole,
      file: options.logFile,
      syslog: !options.noSyslog,
      syslogFacility: options.logFacility,
      stdout,
      stdoutFile: parent.stdoutIsFile ? stdout : null,
      journal: snap.journal,
    };
    return {
      pid,
      vrrpPid,
      checkerPid,
      childPids,
      cmdline: parent.cmdline,
      configFile: options.configFile ?? DEFAULT_CONFIG_FILE,
      tmpDir,
      tmpDirSource,
      tmpDirOnHost: onHost(tmpDir),
      slashTmpOnHost: onHost('/tmp'),
      pidFiles,
      logTarget,
      netns: wanted,
      otherMountNamespace,
      options,
    };
  });
}

/** Does this process hold a raw socket for IP protocol 112 (0x70)? The VRRP child does. */
async function holdsVrrpSocket(pid: number, rfs: RuntimeFs, proc: string): Promise<boolean> {
  const vrrpInodes = new Set<string>();
  for (const table of ['raw', 'raw6']) {
    const text = (await readText(rfs, `${proc}/${pid}/net/${table}`)) ?? '';
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
      if (f.length >= 10 && /:0070$/i.test(f[1]!)) vrrpInodes.add(f[9]!);
    }
  }
  if (vrrpInodes.size === 0) return false;
  for (const fd of await rfs.readDir(`${proc}/${pid}/fd`)) {
    const link = await rfs.readLink(`${proc}/${pid}/fd/${fd}`);
    const m = link ? /^socket:\[(\d+)\]$/.exec(link) : null;
    if (m && vrrpInodes.has(m[1]!)) return true;
  }
  return false;
}

/** Resolve a path the daemon names to where we can read it. */
export function pathOnHost(kp: Pick<KeepalivedProcess, 'pid' | 'otherMountNamespace'>, path: string, procRoot = '/proc'): string {
  return kp.otherMountNamespace ? `${procRoot}/${kp.pid}/root${path}` : path;
}

function splitNul(b: Uint8Array): string[] {
  const text = new TextDecoder().decode(b);
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
