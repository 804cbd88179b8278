import type { AppendOptions, ExecOptions, ExecResult, FileStat, Host, RuntimeFs, WriteOptions, WriteResult } from './types.js';

export type RecordedAction =
  | { kind: 'exec'; command: string[]; why: string | undefined }
  | { kind: 'write'; path: string; mode: number; content: string; previous: string | null; why: string | undefined }
  | { kind: 'append'; path: string; content: string }
  | { kind: 'remove'; path: string }
  | { kind: 'mkdir'; path: string; mode: number };

/**
 * Dry run: reads come from the real host underneath (so diffs are real), every change
 * is recorded instead of made. Commands "succeed" with empty output.
 */
export class PlanHost implements Host {
  readonly kind = 'plan' as const;
  readonly dryRun = true;
  readonly label: string;
  readonly root: string;
  readonly programDirs: readonly string[];
  readonly actions: RecordedAction[] = [];
  get recordedActions(): readonly RecordedAction[] {
    return this.actions;
  }
  get remote(): boolean {
    return this.inner.remote === true;
  }
  get labNode(): string | undefined {
    return this.inner.labNode;
  }
  get treeOnly(): boolean {
    return this.inner.treeOnly;
  }
  private readonly written = new Map<string, string | null>();

  constructor(private readonly inner: Host) {
    this.label = inner.label;
    this.root = inner.root;
    this.programDirs = inner.programDirs ?? [];
  }

  runtimePath(path: string): string {
    return this.inner.runtimePath(path);
  }

  commandPath(path: string): string {
    return this.inner.commandPath(path);
  }

  async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.actions.push({ kind: 'exec', command: [cmd, ...args], why: opts.why });
    return { command: [cmd, ...args], exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false };
  }

  async readFile(path: string): Promise<string | null> {
    if (this.written.has(path)) return this.written.get(path)!;
    return this.inner.readFile(path);
  }

  async writeFileAtomic(path: string, data: string, opts: WriteOptions): Promise<WriteResult> {
    const previous = await this.readFile(path);
    this.actions.push({ kind: 'write', path, mode: opts.mode, content: data, previous, why: opts.why });
    this.written.set(path, data);
    return { path, changed: previous !== data, backup: null };
  }

  async exists(path: string): Promise<boolean> {
    if (this.written.has(path)) return this.written.get(path) !== null;
    return this.inner.exists(path);
  }

  stat(path: string): Promise<FileStat | null> {
    return this.inner.stat(path);
  }

  modifiedAt(path: string): Promise<number | null> {
    return this.inner.modifiedAt(path);
  }

  readDir(path: string): Promise<string[]> {
    return this.inner.readDir(path);
  }

  async remove(path: string): Promise<void> {
    this.actions.push({ kind: 'remove', path });
    this.written.set(path, null);
  }

  async mkdir(path: string, mode: number): Promise<void> {
    this.actions.push({ kind: 'mkdir', path, mode });
  }

  async appendFile(path: string, data: string, _opts: AppendOptions): Promise<void> {
    this.actions.push({ kind: 'append', path, content: data });
  }

  async createExclusive(path: string, data: string, mode: number): Promise<boolean> {
    if (await this.exists(path)) return false;
    await this.writeFileAtomic(path, data, { mode });
    return true;
  }

  /** Reads of the machine are real; nothing is changed through it on a dry run either. */
  machine(): Host {
    return this.inner.machine();
  }

  /** Reads of the machine are real (they record nothing). */
  runtimeFs(): RuntimeFs {
    return this.inner.runtimeFs();
  }

  netns(): Promise<string | null> {
    return this.inner.netns();
  }

  ownInterfaces(): Promise<unknown[] | null> {
    return this.inner.ownInterfaces();
  }

  /** A plan reads what it would write: paths stay its own. */
  runtimeView(): Host {
    return this;
  }
}
