import { promises as fs, constants as fsConstants } from 'node:fs';
import { dirname, join, resolve, isAbsolute, relative } from 'node:path';
import type { AppendOptions, ExecOptions, ExecResult, FileStat, Host, RuntimeFs, WriteOptions, WriteResult } from './types.js';
import { backupPathFor } from './types.js';
import { realFs } from './runtime-fs.js';
import { UserError } from '../errors.js';

export type CommandObserver = (argv: string[], why: string | undefined) => void;

/** Runs a command with an argument array (never a shell string) and never throws on exit codes. */
export async function runArgv(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  // Loaded on first use: execa and the stream/child_process internals it pulls in are
  // the largest part of the start-up cost, and --help/--version never run a command.
  const { execa } = await import('execa');
  const child = execa(cmd!, args, {
    reject: false,
    input: opts.input,
    timeout: opts.timeoutMs,
    env: opts.env,
    cwd: opts.cwd,
    stripFinalNewline: false,
    all: Boolean(opts.onOutput),
    buffer: true,
    ...(opts.encoding === 'buffer' ? { encoding: 'buffer' as const } : {}),
  });
  if (opts.onOutput) {
    child.stdout?.on('data', (b: Buffer) => opts.onOutput!(b.toString()));
    child.stderr?.on('data', (b: Buffer) => opts.onOutput!(b.toString()));
  }
  const r = await child;
  const code = (r as { code?: string }).code;
  const notFound = code === 'ENOENT' || code === 'EACCES';
  // With encoding 'buffer' execa keeps stdout bytes even when the timeout killed the command.
  const raw = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : undefined);
  return {
    ...(r.stdout instanceof Uint8Array ? { stdoutBuffer: r.stdout } : {}),
    command: argv,
    exitCode: typeof r.exitCode === 'number' ? r.exitCode : r.timedOut ? -1 : notFound ? 127 : -1,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: raw(r.stderr) ?? (notFound ? `${cmd}: command not found` : ''),
    notFound,
    timedOut: Boolean(r.timedOut),
    ...(typeof r.signal === 'string' && !r.timedOut ? { signal: r.signal } : {}),
  };
}

/**
 * The local machine, with every path resolved under `root` (default "/"). Tests and
 * image builders point root at a directory; nothing outside it is read or written.
 */
export class LocalHost implements Host {
  readonly kind: Host['kind'] = 'local';
  readonly label: string = 'local';
  readonly dryRun = false;
  readonly remote: boolean = false;
  readonly recordedActions: Host['recordedActions'] = undefined;
  readonly root: string;
  observer: CommandObserver | undefined;

  constructor(root = '/', observer?: CommandObserver) {
    this.root = resolve(root);
    this.observer = observer;
  }

  /** Where a system path lives on this machine. Refuses paths that escape the root. */
  resolvePath(path: string): string {
    if (!isAbsolute(path)) {
      throw new UserError({ field: 'path', value: path, accepted: 'an absolute path such as /etc/keepalived/keepalived.conf' });
    }
    const full = resolve(this.root, '.' + resolve('/', path));
    const rel = relative(this.root, full);
    if (rel.startsWith('..')) {
      throw new UserError({ field: 'path', value: path, accepted: `a path inside ${this.root}` });
    }
    return full;
  }

  runtimePath(path: string): string {
    return path;
  }

  commandPath(path: string): string {
    return this.resolvePath(path);
  }

  protected argvFor(cmd: string, args: string[]): string[] {
    return [cmd, ...args];
  }

  async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const argv = this.argvFor(cmd, args);
    this.observer?.(argv, opts.why);
    const result = await runArgv(argv, opts);
    return { ...result, command: [cmd, ...args] };
  }

  async readFile(path: string): Promise<string | null> {
    try {
      return await fs.readFile(this.resolvePath(path), 'utf8');
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.access(this.resolvePath(path), fsConstants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await fs.stat(this.resolvePath(path));
      return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, ino: s.ino };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async modifiedAt(path: string): Promise<number | null> {
    try {
      return (await fs.stat(this.resolvePath(path))).mtimeMs;
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async readDir(path: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.resolvePath(path))).sort();
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await fs.mkdir(this.resolvePath(path), { recursive: true, mode });
  }

  async remove(path: string): Promise<void> {
    await fs.rm(this.resolvePath(path), { force: true, recursive: true });
  }

  async appendFile(path: string, data: string, opts: AppendOptions): Promise<void> {
    const full = this.resolvePath(path);
    await fs.mkdir(dirname(full), { recursive: true, mode: opts.dirMode ?? 0o755 });
    await fs.appendFile(full, data, { mode: opts.mode });
  }

  async createExclusive(path: string, data: string, mode: number): Promise<boolean> {
    const full = this.resolvePath(path);
    await fs.mkdir(dirname(full), { recursive: true, mode: 0o755 });
    let handle;
    try {
      handle = await fs.open(full, 'wx', mode);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') return false;
      throw e;
    }
    try {
      await handle.writeFile(data, 'utf8');
    } finally {
      await handle.close();
    }
    return true;
  }

  /** Under --root the files are an image, but /proc and the programs running are this machine's. */
  machine(): Host {
    return this.root === '/' ? this : new LocalHost('/', this.observer);
  }

  runtimeView(): Host {
    return this;
  }

  runtimeFs(): RuntimeFs {
    return realFs;
  }

  netns(): Promise<string | null> {
    return realFs.readLink('/proc/self/ns/net');
  }

  async ownInterfaces(): Promise<unknown[] | null> {
    const si = await import('systeminformation');
    const list = (await si.networkInterfaces()) as unknown;
    return Array.isArray(list) ? list : [list];
  }

  /** Under --root the files stand for another system; a lab node's directory is its own "/". */
  get treeOnly(): boolean {
    return this.root !== '/';
  }

  /**
   * Write through a temporary file in the same directory, fsync, set the mode, rename.
   * Identical content is left alone (a second run changes nothing); different previous
   * content is kept beside the file as PATH.bak-<UTC timestamp>.
   */
  async writeFileAtomic(path: string, data: string, opts: WriteOptions): Promise<WriteResult> {
    const full = this.resolvePath(path);
    const previous = await this.readFile(path);
    const current = await this.stat(path);
    if (previous === data && current && current.mode === opts.mode && (!opts.rootOwned || !canChown() || current.uid === 0)) {
      return { path, changed: false, backup: null };
    }
    await fs.mkdir(dirname(full), { recursive: true, mode: 0o755 });
    let backup: string | null = null;
    if (previous !== null && previous !== data && opts.backup !== false) {
      backup = backupPathFor(path);
      await fs.copyFile(this.resolvePath(path), this.resolvePath(backup));
      await fs.chmod(this.resolvePath(backup), current ? current.mode & 0o600 : 0o600);
    }
    // node:crypto is loaded here, not at start-up: only a write needs a random name.
    const { randomBytes } = await import('node:crypto');
    const tmp = join(dirname(full), `.${randomBytes(6).toString('hex')}.ha-setup.tmp`);
    const handle = await fs.open(tmp, 'wx', opts.mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.chmod(opts.mode);
      if (opts.rootOwned && canChown()) await handle.chown(0, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, full);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    return { path, changed: true, backup };
  }
}

function canChown(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function isMissing(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
