import { LocalHost, type CommandObserver } from './local.js';
import type { ExecOptions, ExecResult, Host } from './types.js';
import { realFs } from './runtime-fs.js';

/**
 * The namespace behind `ip netns` name NAME, as a process's /proc/PID/ns/net link names it
 * ("net:[INODE]"): `ip netns add` bind-mounts it on /run/netns/NAME, whose inode is its id.
 * null when there is none.
 */
export async function namedNetnsId(name: string): Promise<string | null> {
  const st = await realFs.stat(`/run/netns/${name}`);
  return st ? `net:[${st.ino}]` : null;
}

/**
 * A lab node: commands run inside network namespace `ns` through `ip netns exec`, files
 * live under the node's own directory (its "/"). All namespaces share one PID space and
 * one file system, so the directory is what keeps nodes apart.
 */
export class NetnsHost extends LocalHost {
  override readonly kind = 'netns' as const;
  override readonly label: string;
  readonly ns: string;
  /**
   * Directories searched for programs before the machine's PATH: a lab node can run
   * another keepalived than the machine's (`lab up --keepalived PATH`), and every command
   * of the node (`keepalived -t`, `keepalived -v`) must find that one.
   */
  readonly programDirs: readonly string[];
  /** Set when this is a lab node's namespace and directory (see Host.labNode). */
  readonly labNode: string | undefined;

  constructor(ns: string, nodeRoot: string, observer?: CommandObserver, programDirs: readonly string[] = [], labNode?: string) {
    super(nodeRoot, observer);
    this.ns = ns;
    this.label = ns;
    this.programDirs = programDirs;
    this.labNode = labNode;
  }

  /** The node's daemons and programs are this machine's, in the node's namespace. */
  override get treeOnly(): boolean {
    return false;
  }

  override async ownInterfaces(): Promise<null> {
    return null;
  }

  override netns(): Promise<string | null> {
    return namedNetnsId(this.ns);
  }

  /**
   * A path that already lies under the node's directory is what the node's daemons name in
   * their configs (runtimePath): it is taken as it is, not placed under the node again.
   */
  override resolvePath(path: string): string {
    return path.startsWith(`${this.root}/`) ? path : super.resolvePath(path);
  }

  /** keepalived and nginx in a lab node run on the shared file system: use the real path. */
  override runtimePath(path: string): string {
    return this.resolvePath(path);
  }

  private view: NetnsHost | undefined;

  /** The real "/" of this machine, commands still in the node's network namespace. */
  override machine(): NetnsHost {
    if (this.root === '/') return this;
    this.view ??= new NetnsHost(this.ns, '/', this.observer, this.programDirs);
    return this.view;
  }

  /** The node's daemons name real paths. */
  override runtimeView(): Host {
    return this.machine();
  }

  /** `ip netns exec` reports a missing program as its own exit 1: make that "not found", as locally. */
  override async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.programDirs.length > 0 && opts.env?.PATH === undefined) {
      opts = { ...opts, env: { ...opts.env, PATH: [...this.programDirs, process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'].join(':') } };
    }
    const r = await super.exec(cmd, args, opts);
    if (r.exitCode !== 0 && /^exec of "[^"]*" failed: No such file or directory/m.test(r.stderr)) {
      return { ...r, exitCode: 127, notFound: true };
    }
    return r;
  }

  protected override argvFor(cmd: string, args: string[]): string[] {
    return ['ip', 'netns', 'exec', this.ns, cmd, ...args];
  }
}
