/**
 * Host: the ONLY place with side effects. Paths given to a Host are always the paths a
 * file has on the target system (e.g. /etc/keepalived/keepalived.conf); each
 * implementation decides where that really is (under --root, in a lab node's directory,
 * on a remote machine).
 */
import type { RecordedAction } from './plan.js';

export interface ExecOptions {
  /** Text fed to the command's standard input. */
  input?: string;
  /** Kill the command after this many milliseconds (exitCode then is null-ish: -1). */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Why this command runs; shown with --verbose and written to the audit log. */
  why?: string;
  /** Stream combined output here as it arrives (long steps, log files). */
  onOutput?: (chunk: string) => void;
  cwd?: string;
  /** 'buffer': keep stdout as raw bytes in ExecResult.stdoutBuffer (binary output, e.g. pcap). */
  encoding?: 'buffer';
}

export interface ExecResult {
  command: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** true when the command could not be started at all (ENOENT, EACCES). */
  notFound: boolean;
  timedOut: boolean;
  /** Raw stdout, only when ExecOptions.encoding was 'buffer' (then `stdout` is ''). */
  stdoutBuffer?: Uint8Array;
  /** The signal that ended the command ("SIGSEGV"), when one did (exitCode is then -1). */
  signal?: string;
}

export interface FileStat {
  mode: number;
  uid: number;
  gid: number;
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  ino?: number; // inode; /proc/PID/ns/net and /run/netns/NAME share it for one namespace
}

export interface WriteResult {
  path: string;
  changed: boolean;
  /** Where the previous content was kept, when there was one and it differed. */
  backup: string | null;
}

export interface WriteOptions {
  mode: number;
  /** chown to root:root (uid 0) where we are allowed to. */
  rootOwned?: boolean;
  why?: string;
  /** false: no backup of the previous content (a state file the tool alone rewrites). */
  backup?: boolean;
}

export interface AppendOptions {
  /** Mode of the file when this append creates it. */
  mode: number;
  /** Mode of the directories this append creates (default 0755). */
  dirMode?: number;
}

export interface RuntimeStat {
  ino: number;
  mtimeMs: number;
  isDirectory: boolean;
  isFile: boolean;
  size: number;
}

/**
 * The real file system as the machine's processes see it (read-only): /proc and the paths a
 * running daemon names (pid files, TMPDIR, its log). Not the host's files: those can live
 * under --root or a lab node's directory, while the kernel and the daemons see one "/".
 */
export interface RuntimeFs {
  readFile(path: string): Promise<Uint8Array | null>;
  readLink(path: string): Promise<string | null>;
  readDir(path: string): Promise<string[]>;
  stat(path: string): Promise<RuntimeStat | null>;
  /** At most the last `maxBytes` bytes of a file (logs can be large). */
  readTail(path: string, maxBytes: number): Promise<Uint8Array | null>;
  /** Each call is a round trip to another machine (an ssh host): poll less eagerly. */
  readonly remote?: boolean;
}

export interface Host {
  readonly kind: 'local' | 'plan' | 'netns' | 'ssh';
  /** Changes are recorded, not made (a dry run): nothing is written, nothing is logged. */
  readonly dryRun: boolean;
  /** A short human label: "local", "ha1", "root@192.0.2.11". */
  readonly label: string;
  /**
   * Directories searched for programs before the usual ones (a lab node's own keepalived,
   * `lab up --keepalived PATH`). None on most hosts.
   */
  readonly programDirs?: readonly string[];
  /** The directory that stands for "/" on this host (local and netns). */
  readonly root: string;
  /**
   * The path a process running on this host uses for `path` (what goes inside config
   * files). Usually `path` itself; a lab node's files live under its own directory.
   */
  runtimePath(path: string): string;
  /**
   * The path a command run through this host must be given for `path` of this host: under
   * --root the files are under the root while commands see the real file system.
   */
  commandPath(path: string): string;
  exec(cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<string | null>;
  writeFileAtomic(path: string, data: string, opts: WriteOptions): Promise<WriteResult>;
  exists(path: string): Promise<boolean>;
  stat(path: string): Promise<FileStat | null>;
  /** When the file was last modified (ms since the epoch), or null when it is not there. */
  modifiedAt(path: string): Promise<number | null>;
  readDir(path: string): Promise<string[]>;
  remove(path: string): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  /** Append to a log-like file (no backup, no atomic rewrite), creating it and its directory. */
  appendFile(path: string, data: string, opts: AppendOptions): Promise<void>;
  /**
   * Create `path` with `data` only if it does not exist yet (O_EXCL: one winner among
   * racing processes). true when this call created it, false when it was already there.
   */
  createExclusive(path: string, data: string, mode: number): Promise<boolean>;
  /**
   * The machine this host stands on: its real "/", its /proc and programs, commands run
   * where this host's run (a lab node's network namespace). The host itself when its "/"
   * is the real one.
   */
  machine(): Host;
  /**
   * The host through which the paths `runtimePath` gives (and a running daemon names) are
   * read: the host itself where those are its own paths, its machine where they are real ones.
   */
  runtimeView(): Host;
  /** The machine's processes and daemon files as they see them (see RuntimeFs). */
  runtimeFs(): RuntimeFs;
  /** The network namespace this host's commands run in, as the "net:[INODE]" link text. */
  netns(): Promise<string | null>;
  /**
   * The interfaces as this process sees them (systeminformation's list), or null where
   * this process's network namespace is not the host's (a lab node, a remote machine).
   */
  ownInterfaces(): Promise<unknown[] | null>;
  /**
   * The lab node this host stands for (its network namespace and directory, or the name
   * the node's sshd announced), else undefined.
   */
  readonly labNode?: string;
  /**
   * A directory tree that stands for another system (--root): its programs and processes
   * are not this machine's, so none of them is run or read to learn about it.
   */
  readonly treeOnly: boolean;
  /**
   * Every file and command goes over the network (an ssh host): worth avoiding a round
   * trip per chunk of output, e.g. an install log. Absent means false.
   */
  readonly remote?: boolean;
  /**
   * What a dry run recorded instead of doing it, in order; undefined on a host that makes
   * its changes.
   */
  readonly recordedActions?: readonly RecordedAction[];
}

/** Timestamp used for backup names: 20261123T103000Z (sortable, no colons). */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function backupPathFor(path: string, date = new Date()): string {
  return `${path}.bak-${backupStamp(date)}`;
}
