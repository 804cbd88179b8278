import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, isAbsolute, posix } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { AppendOptions, ExecOptions, ExecResult, FileStat, Host, RuntimeFs, WriteOptions, WriteResult } from './types.js';
import { commandRuntimeFs } from './runtime-fs.js';
import { backupPathFor } from './types.js';
import { runArgv, type CommandObserver } from './local.js';
import { OperationError, UserError } from '../errors.js';
import { t, type MessageKey } from '../i18n/index.js';
import {
  classifySshFailure,
  MISSING,
  parseSshTarget,
  parseStatLine,
  READ_DIR_SCRIPT,
  READ_FILE_SCRIPT,
  shCommandLine,
  shScript,
  sshMessage,
  STAT_SCRIPT,
  MTIME_SCRIPT,
  WRITE_PROBE_SCRIPT,
  WRITE_SCRIPT,
  type SshFailureKind,
  type SshTarget,
} from './ssh-shell.js';

export interface SshHostOptions {
  /** Used when the target names no port; otherwise ssh_config decides (default 22). */
  port?: number;
  /** A private key to use (-i); only this key is offered then (IdentitiesOnly=yes). */
  identityFile?: string;
  /** known_hosts to check the server's key against (default: the user's own). */
  knownHostsFile?: string;
  /** An ssh_config file (-F); 'none' ignores the user's config. Default: the user's. */
  configFile?: string;
  /** Where ControlMaster sockets live. Default: a private 0700 directory per process. */
  controlDir?: string;
  /** ConnectTimeout in seconds (default 10). */
  connectTimeoutSec?: number;
  /** Allow ssh to ask for a password; honoured only when stdin is a TTY. */
  interactive?: boolean;
  /** Record an unknown host key on first contact (StrictHostKeyChecking=accept-new). Off by default. */
  acceptNewHostKey?: boolean;
  /** One connection per node, shared by all commands (ControlMaster). Default true. */
  multiplex?: boolean;
  /** Seconds an idle master connection stays up (ControlPersist, default 60). */
  persistSec?: number;
  /** Extra ssh arguments, placed first so they win over ours (ssh keeps the first value of an option). */
  extraOptions?: string[];
  /** A command prefix that launches ssh, e.g. ['ip', 'netns', 'exec', 'client']. */
  via?: string[];
  /** Called with each remote argv before it runs (--verbose, audit log). */
  observer?: CommandObserver;
  /**
   * Sandbox: the directory that stands for "/" on the remote side (like LocalHost's
   * --root and a lab node's directory). Every path given to this host, and runtimePath(),
   * is resolved under it there. Without it, the server may name one for the session with
   * `SetEnv HA_SETUP_ROOT=DIR` in its sshd_config (the lab's sshd does); learned on first
   * contact. '/' ignores what the server says.
   */
  root?: string;
}

/** What every view of one connection shares (views differ only in their root). */
interface Connection {
  connecting: Promise<void> | undefined;
  masterMayExist: boolean;
  /** From the session environment (SetEnv HA_SETUP_ROOT / HA_SETUP_LAB_NODE), on first contact. */
  serverRoot: string | undefined;
  serverNode: string | undefined;
}

/** Prints the sandbox variables the server set for the session (nothing on a normal server). */
const SESSION_ENV_SCRIPT = 'printf \'%s\\n%s\\n\' "${HA_SETUP_ROOT-}" "${HA_SETUP_LAB_NODE-}"';

const DEFAULT_CONNECT_TIMEOUT_SEC = 10;
/**
 * Longest unix socket path Linux accepts is 107 bytes; "/<8 hex>-%C" takes 50 of them, and
 * ssh first binds the master at that path plus ".<16 random characters>" (17 more).
 */
const MAX_CONTROL_DIR_LENGTH = 107 - 50 - 17;

let processControlDir: string | undefined;

/** Where the private socket directory ("<base>/ha-setup-ssh-XXXXXX") goes: TMPDIR when short enough. */
export function controlDirBase(tmp: string): string {
  return tmp.length + '/ha-setup-ssh-XXXXXX'.length > MAX_CONTROL_DIR_LENGTH ? '/tmp' : tmp;
}
const openHosts = new Set<SshHost>();

/** $1 file, $2 mode of a directory it makes, $3 mode of a file it makes; stdin is appended. */
const APPEND_SCRIPT = 'd=${1%/*}; [ -d "$d" ] || mkdir -p -m "$2" -- "$d" || exit; [ -e "$1" ] || { (umask 077 && : > "$1") && chmod "$3" -- "$1"; } || exit; exec cat >> "$1"';
const EXISTS = 3;
/** $1 file, $2 its mode: created from stdin only if it was not there (noclobber opens with O_EXCL). */
const CREATE_EXCLUSIVE_SCRIPT = `mkdir -p -- "\${1%/*}" || exit; if (set -C; umask 077; cat > "$1") 2>/dev/null; then exec chmod "$2" -- "$1"; fi; [ -e "$1" ] && exit ${EXISTS}; exit 1`;

/** One private directory for every master socket of this process, removed at exit. */
function defaultControlDir(): string {
  if (processControlDir) return processControlDir;
  const dir = mkdtempSync(join(controlDirBase(tmpdir()), 'ha-setup-ssh-'));
  chmodSync(dir, 0o700);
  processControlDir = dir;
  process.once('exit', () => {
    // A master left open (close() not called) would linger for ControlPersist seconds.
    for (const host of openHosts) host.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * A remote server through the system `ssh` client. Nothing but POSIX sh and coreutils
 * (or busybox) is needed on the other side: every operation is either the caller's argv,
 * quoted for the remote shell, or a fixed sh script whose data arrives as positional
 * parameters. The user's ssh_config, keys, agent and known_hosts are used as they are;
 * host keys are checked strictly and passwords are never asked for unless the user sits
 * at a terminal and asked for it.
 */
/** Printed by the remote shell right before our command: what comes before it is login noise. */
const OUTPUT_MARK = 'ha-setup-output-begins-3f9c1e';
const MARK_LINE = `${OUTPUT_MARK}\n`;

export function afterMark(text: string): string {
  const i = text.indexOf(MARK_LINE);
  return i < 0 ? text : text.slice(i + MARK_LINE.length);
}

function afterMarkBytes(bytes: Uint8Array): Uint8Array {
  const mark = new TextEncoder().encode(MARK_LINE);
  const limit = Math.min(bytes.length - mark.length, 64 * 1024);
  outer: for (let i = 0; i <= limit; i++) {
    for (let j = 0; j < mark.length; j++) if (bytes[i + j] !== mark[j]) continue outer;
    return bytes.subarray(i + mark.length);
  }
  return bytes;
}

export class SshHost implements Host {
  readonly kind = 'ssh' as const;
  readonly dryRun = false;
  readonly remote = true;
  /** A sandboxed node on the remote machine still runs that machine's programs and daemons. */
  readonly treeOnly = false;
  readonly recordedActions: Host['recordedActions'] = undefined;
  readonly label: string;
  readonly target: SshTarget;
  private readonly opts: SshHostOptions;
  private readonly controlDir: string | undefined;
  private readonly conn: Connection;

  constructor(target: string, opts: SshHostOptions = {}, shared?: Connection) {
    this.target = parseSshTarget(target);
    this.label = target;
    this.opts = opts;
    if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
      throw new UserError({ field: 'port', value: opts.port, accepted: '1-65535' });
    }
    if (opts.root !== undefined && !isAbsolute(opts.root)) {
      throw new UserError({ field: 'root', value: opts.root, accepted: t('ssh.path.accepted') });
    }
    const multiplex = opts.multiplex ?? true;
    this.controlDir = multiplex ? (opts.controlDir ?? defaultControlDir()) : undefined;
    this.conn = shared ?? { connecting: undefined, masterMayExist: false, serverRoot: undefined, serverNode: undefined };
  }

  /**
   * The remote directory that stands for "/": the root option, else what the server set
   * for the session (known after the first contact: call checkConnection() first), else "/".
   */
  get root(): string {
    return posix.resolve(this.opts.root ?? this.conn.serverRoot ?? '/');
  }

  /** The lab node name the server announced (SetEnv HA_SETUP_LAB_NODE), if any. */
  get labNode(): string | undefined {
    return this.conn.serverNode;
  }

  /**
   * The same server and connection with the real "/" as root: /proc, programs and the
   * paths a running daemon names (what LocalHost('/') is for a lab node on this machine).
   */
  machine(): SshHost {
    if (this.root === '/') return this;
    return new SshHost(this.label, { ...this.opts, root: '/' }, this.conn);
  }

  commandPath(path: string): string {
    return this.runtimePath(path);
  }

  private runtime: RuntimeFs | undefined;

  /** The remote machine's /proc and daemon files, one command each over the connection. */
  runtimeFs(): RuntimeFs {
    this.runtime ??= commandRuntimeFs(this.machine());
    return this.runtime;
  }

  async ownInterfaces(): Promise<null> {
    return null;
  }

  async netns(): Promise<string | null> {
    const r = await this.exec('readlink', ['/proc/self/ns/net'], { why: 'which network namespace this host runs in' });
    return r.exitCode === 0 ? r.stdout.trim() || null : null;
  }

  /** A sandboxed node's daemons name the remote machine's real paths. */
  runtimeView(): Host {
    return this.machine();
  }

  /** Where a path of this host is on the remote side (under the sandbox root, if any). */
  resolvePath(path: string): string {
    this.checkPath(path);
    const root = this.root;
    const normal = posix.resolve('/', path);
    if (root === '/') return normal;
    return posix.join(root, normal);
  }

  /** The port connections go to, as far as we know it (ssh_config may still say otherwise). */
  get port(): number {
    return this.target.port ?? this.opts.port ?? 22;
  }

  /** A sandboxed node's daemons run on the remote machine's real file system: the path under the root. */
  runtimePath(path: string): string {
    return this.root === '/' ? path : this.resolvePath(path);
  }

  /**
   * %C names the destination only; hosts of this process that reach the same server
   * with another key, known_hosts or config must not borrow each other's master
   * connection (it would skip their own host key check and login).
   */
  private optionsKey(interactive: boolean): string {
    const o = this.opts;
    const relevant = [o.identityFile, o.knownHostsFile, o.configFile, o.acceptNewHostKey, o.via, o.extraOptions, interactive];
    return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 8);
  }

  /** The ssh argv (with the `via` prefix) for one remote command line. */
  sshArgv(remoteCommand: string | undefined, extra: string[] = []): string[] {
    const o = this.opts;
    const interactive = Boolean(o.interactive && process.stdin.isTTY);
    const args: string[] = [...(o.extraOptions ?? [])];
    if (o.configFile) args.push('-F', o.configFile);
    args.push('-T');
    if (!interactive) args.push('-o', 'BatchMode=yes');
    args.push(
      '-o', `ConnectTimeout=${o.connectTimeoutSec ?? DEFAULT_CONNECT_TIMEOUT_SEC}`,
      '-o', `StrictHostKeyChecking=${o.acceptNewHostKey ? 'accept-new' : 'yes'}`,
      '-o', 'LogLevel=ERROR',
      // A peer that vanishes mid-command must not leave us waiting forever.
      '-o', 'ServerAliveInterval=15',
      '-o', 'ServerAliveCountMax=3',
    );
    if (this.controlDir) {
      args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${this.controlDir}/${this.optionsKey(interactive)}-%C`, '-o', `ControlPersist=${o.persistSec ?? 60}`);
    } else {
      args.push('-o', 'ControlMaster=no', '-o', 'ControlPath=none');
    }
    if (o.identityFile) args.push('-i', o.identityFile, '-o', 'IdentitiesOnly=yes');
    if (o.knownHostsFile) args.push('-o', `UserKnownHostsFile=${o.knownHostsFile}`);
    if (this.target.port ?? o.port) args.push('-p', String(this.target.port ?? o.port));
    if (this.target.user) args.push('-l', this.target.user);
    args.push(...extra, '--', this.target.host);
    if (remoteCommand !== undefined) args.push(remoteCommand);
    return [...(o.via ?? []), 'ssh', ...args];
  }

  /** One ssh invocation; ssh's own failures are turned into classified OperationErrors. */
  private async run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    // The remote login shell may print before our command runs (a .bashrc that warns, a
    // banner): a marker on both streams tells its noise apart from the command's output.
    const remote = `printf '%s\\n' ${OUTPUT_MARK}; printf '%s\\n' ${OUTPUT_MARK} >&2; ${shCommandLine(argv)}`;
    const sshArgv = this.sshArgv(remote, opts.input === undefined ? ['-n'] : []);
    const r = await runArgv(sshArgv, {
      input: opts.input,
      timeoutMs: opts.timeoutMs,
      onOutput: opts.onOutput,
      encoding: opts.encoding,
    });
    if (r.notFound) {
      throw new OperationError(t('ssh.error.clientMissing'), { hint: t('ssh.hint.clientMissing'), details: [r.stderr.trim()] });
    }
    const failure = classifySshFailure(r.exitCode, r.stderr);
    if (failure) throw this.connectionError(failure, r.stderr);
    // 127/126: the remote shell could not find or run the command.
    const notFound = r.exitCode === 127 || r.exitCode === 126;
    return { ...r, stdout: afterMark(r.stdout), stderr: afterMark(r.stderr), stdoutBuffer: r.stdoutBuffer && afterMarkBytes(r.stdoutBuffer), command: argv, notFound };
  }

  /**
   * The first contact opens the master connection, alone: commands started together
   * (doctor runs checks concurrently) would otherwise each race to become the master
   * and each pay a handshake.
   */
  private ready(): Promise<void> {
    if (!this.controlDir) return Promise.resolve();
    this.conn.connecting ??= this.probeConnection().then(
      () => {
        this.conn.masterMayExist = true;
        openHosts.add(this);
      },
      (e: unknown) => {
        this.conn.connecting = undefined;
        throw e;
      },
    );
    return this.conn.connecting;
  }

  private async probeConnection(): Promise<void> {
    const seconds = (this.opts.connectTimeoutSec ?? DEFAULT_CONNECT_TIMEOUT_SEC) + 20;
    const interactive = Boolean(this.opts.interactive && process.stdin.isTTY);
    // The first command also reads the sandbox variables the server may set for sessions.
    const r = await this.run(['sh', '-c', SESSION_ENV_SCRIPT], interactive ? {} : { timeoutMs: seconds * 1000 });
    if (r.timedOut) {
      throw new OperationError(t('ssh.error.timeout', { target: this.label, seconds }), { hint: t('ssh.hint.timeout') });
    }
    if (r.exitCode !== 0) {
      throw new OperationError(t('ssh.error.connection', { target: this.label, port: this.port, reason: sshMessage(r.stderr) || `exit ${r.exitCode}` }), {
        hint: t('ssh.hint.connection', { target: this.label, port: this.port }),
      });
    }
    const [root, node] = r.stdout.split('\n');
    this.conn.serverRoot = root && isAbsolute(root) ? root : undefined;
    this.conn.serverNode = node || undefined;
  }

  /** Connect (or reuse the connection) and run `true`; throws a classified OperationError. */
  async checkConnection(): Promise<void> {
    if (this.controlDir) {
      await this.ready();
      // The master may have expired since; run through it once more to be sure.
      const r = await this.run(['true']);
      if (r.exitCode !== 0) throw this.connectionError('connection', r.stderr);
    } else {
      await this.probeConnection();
    }
  }

  private connectionError(kind: SshFailureKind, stderr: string): OperationError {
    const reason = sshMessage(stderr);
    const host = this.target.host;
    const port = this.port;
    const target = this.label;
    const user = this.target.user ?? process.env.USER ?? 'root';
    const knownHosts = this.opts.knownHostsFile ?? '~/.ssh/known_hosts';
    const knownHostsName = port === 22 ? host : `[${host}]:${port}`;
    const params = { host, port, target, user, knownHosts, knownHostsName, reason };
    const keys: Record<SshFailureKind, [MessageKey, MessageKey]> = {
      hostKeyUnknown: ['ssh.error.hostKeyUnknown', 'ssh.hint.hostKeyUnknown'],
      hostKeyChanged: ['ssh.error.hostKeyChanged', 'ssh.hint.hostKeyChanged'],
      loginRefused: ['ssh.error.loginRefused', 'ssh.hint.loginRefused'],
      resolve: ['ssh.error.resolve', 'ssh.hint.resolve'],
      unreachable: ['ssh.error.unreachable', 'ssh.hint.unreachable'],
      connection: ['ssh.error.connection', 'ssh.hint.connection'],
    };
    const [message, hint] = keys[kind];
    const error = new OperationError(t(message, params), { hint: t(hint, params), details: reason ? [reason] : [] });
    return Object.assign(error, { sshFailure: kind });
  }

  async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    let argv = [cmd, ...args];
    if (opts.env && Object.keys(opts.env).length > 0) {
      for (const name of Object.keys(opts.env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError({ field: 'env', value: name, accepted: 'a variable name ([A-Za-z_][A-Za-z0-9_]*)' });
      }
      argv = ['env', ...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`), ...argv];
    }
    if (opts.cwd) argv = shScript('cd -- "$1" && shift && exec "$@"', [opts.cwd, ...argv]);
    // A time limit is enforced on the remote side too (coreutils/busybox `timeout`): killing
    // the local ssh client leaves the remote command running and loses what it still had
    // to say (tcpdump's capture and counters). SIGINT lets such a command finish cleanly.
    let local = opts;
    if (opts.timeoutMs !== undefined) {
      argv = ['timeout', '-s', 'INT', '-k', '2', (opts.timeoutMs / 1000).toFixed(1), ...argv];
      local = { ...opts, timeoutMs: opts.timeoutMs + 5000 };
    }
    this.opts.observer?.([cmd, ...args], opts.why);
    await this.ready();
    const r = await this.run(argv, local);
    const timedOut = r.timedOut || (opts.timeoutMs !== undefined && r.exitCode === 124);
    return { ...r, timedOut, command: [cmd, ...args] };
  }

  private checkPath(path: string): void {
    if (!isAbsolute(path)) throw new UserError({ field: 'path', value: path, accepted: t('ssh.path.accepted') });
  }

  /** Run one of our fixed scripts; a failure other than `okCodes` becomes an OperationError. */
  private async script(op: MessageKey, path: string, script: string, params: string[], okCodes: number[], input?: string): Promise<ExecResult> {
    this.checkPath(path);
    await this.ready();
    // Only after the first contact is the server's sandbox root known.
    params = params.map((p, i) => (i === 0 ? this.resolvePath(p) : p));
    const r = await this.run(shScript(script, params), input === undefined ? {} : { input });
    if (!okCodes.includes(r.exitCode)) {
      throw new OperationError(
        t('ssh.error.remote', { op: t(op), path, target: this.label, reason: sshMessage(r.stderr) || `exit ${r.exitCode}` }),
        { details: [r.stderr.trim()].filter(Boolean) },
      );
    }
    return r;
  }

  /** Waits for the first contact (and so for the root), for callers that resolve paths themselves. */
  async connected(): Promise<void> {
    await this.ready();
  }

  async readFile(path: string): Promise<string | null> {
    const r = await this.script('ssh.op.read', path, READ_FILE_SCRIPT, [path], [0, MISSING]);
    return r.exitCode === MISSING ? null : r.stdout;
  }

  async exists(path: string): Promise<boolean> {
    const r = await this.script('ssh.op.exists', path, '[ -e "$1" ]', [path], [0, 1]);
    return r.exitCode === 0;
  }

  async stat(path: string): Promise<FileStat | null> {
    const r = await this.script('ssh.op.stat', path, STAT_SCRIPT, [path], [0, MISSING]);
    if (r.exitCode === MISSING) return null;
    const s = parseStatLine(r.stdout);
    if (!s) throw new OperationError(t('ssh.error.remote', { op: t('ssh.op.stat'), path, target: this.label, reason: r.stdout.trim() }));
    return s;
  }

  async modifiedAt(path: string): Promise<number | null> {
    const r = await this.script('ssh.op.stat', path, MTIME_SCRIPT, [path], [0, MISSING]);
    if (r.exitCode === MISSING) return null;
    const seconds = /^\d+$/.exec(r.stdout.trim());
    if (!seconds) throw new OperationError(t('ssh.error.remote', { op: t('ssh.op.stat'), path, target: this.label, reason: r.stdout.trim() }));
    return Number(seconds[0]) * 1000;
  }

  async readDir(path: string): Promise<string[]> {
    const r = await this.script('ssh.op.list', path, READ_DIR_SCRIPT, [path], [0, MISSING]);
    if (r.exitCode === MISSING) return [];
    return r.stdout.split('\0').filter((n) => n !== '').sort();
  }

  async remove(path: string): Promise<void> {
    await this.script('ssh.op.remove', path, 'exec rm -rf -- "$1"', [path], [0]);
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await this.script('ssh.op.mkdir', path, 'exec mkdir -p -m "$2" -- "$1"', [path, mode.toString(8)], [0]);
  }

  async appendFile(path: string, data: string, opts: AppendOptions): Promise<void> {
    const modes = [(opts.dirMode ?? 0o755).toString(8), opts.mode.toString(8)];
    await this.script('ssh.op.append', path, APPEND_SCRIPT, [path, ...modes], [0], data);
  }

  async createExclusive(path: string, data: string, mode: number): Promise<boolean> {
    const r = await this.script('ssh.op.write', path, CREATE_EXCLUSIVE_SCRIPT, [path, mode.toString(8)], [0, EXISTS], data);
    return r.exitCode === 0;
  }

  /**
   * Same contract as LocalHost.writeFileAtomic: identical content and mode (and owner,
   * when root ownership is asked for and possible) change nothing; different previous
   * content is kept as PATH.bak-<UTC stamp>; the new content goes to a temporary file in
   * the same directory (stdin -> cat), gets its owner and mode, and is renamed over the
   * file. Two round trips: one to look, one script to write.
   */
  async writeFileAtomic(path: string, data: string, opts: WriteOptions): Promise<WriteResult> {
    const probe = await this.script('ssh.op.write', path, WRITE_PROBE_SCRIPT, [path], [0]);
    const out = probe.stdout;
    const nl1 = out.indexOf('\n');
    const nl2 = out.indexOf('\n', nl1 + 1);
    const uid = Number(out.slice(0, nl1));
    const statLine = out.slice(nl1 + 1, nl2);
    const current = statLine === 'missing' ? null : parseStatLine(statLine);
    const previous = statLine === 'missing' ? null : out.slice(nl2 + 1);
    if (statLine !== 'missing' && !current) {
      throw new OperationError(t('ssh.error.remote', { op: t('ssh.op.write'), path, target: this.label, reason: statLine }));
    }
    const canChown = uid === 0;
    if (previous === data && current && current.mode === opts.mode && (!opts.rootOwned || !canChown || current.uid === 0)) {
      return { path, changed: false, backup: null };
    }
    const backup = previous !== null && previous !== data && opts.backup !== false ? backupPathFor(path) : null;
    const backupReal = backup === null ? null : this.resolvePath(backup);
    const backupMode = current ? current.mode & 0o600 : 0o600;
    const tmpName = `.${randomBytes(6).toString('hex')}.ha-setup.tmp`;
    await this.script(
      'ssh.op.write',
      path,
      WRITE_SCRIPT,
      [path, opts.mode.toString(8), backupReal ?? '', backupMode.toString(8), opts.rootOwned && canChown ? '1' : '', tmpName],
      [0],
      data,
    );
    return { path, changed: true, backup };
  }

  /** Stop the master connection, if one may be running. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.controlDir || !this.conn.masterMayExist) return;
    this.conn.masterMayExist = false;
    this.conn.connecting = undefined;
    openHosts.delete(this);
    await runArgv(this.sshArgv(undefined, ['-O', 'exit']), { timeoutMs: 5000 });
  }

  /** close() for process exit, where nothing asynchronous runs any more. */
  closeSync(): void {
    if (!this.controlDir || !this.conn.masterMayExist) return;
    this.conn.masterMayExist = false;
    openHosts.delete(this);
    const [cmd, ...args] = this.sshArgv(undefined, ['-O', 'exit']);
    spawnSync(cmd!, args, { stdio: 'ignore', timeout: 5000 });
  }
}

/** The classification of an error thrown by SshHost, if it was ssh's own failure. */
export function sshFailureOf(e: unknown): SshFailureKind | undefined {
  return (e as { sshFailure?: SshFailureKind } | null)?.sshFailure;
}
