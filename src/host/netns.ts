import { LocalHost, type CommandObserver } from './local.js';

/**
 * A lab node: commands run inside network namespace `ns` through `ip netns exec`, files
 * live under the node's own directory (its "/"). All namespaces share one PID space and
 * one file system, so the directory is what keeps nodes apart.
 */
export class NetnsHost extends LocalHost {
  override readonly kind = 'netns' as const;
  override readonly label: string;
  readonly ns: string;

  constructor(ns: string, nodeRoot: string, observer?: CommandObserver) {
    super(nodeRoot, observer);
    this.ns = ns;
    this.label = ns;
  }

  /** keepalived and nginx in a lab node run on the shared file system: use the real path. */
  override runtimePath(path: string): string {
    return this.resolvePath(path);
  }

  protected override argvFor(cmd: string, args: string[]): string[] {
    return ['ip', 'netns', 'exec', this.ns, cmd, ...args];
  }
}
