/**
 * A LocalHost (files under a root directory, for real) whose commands are answered by a
 * script instead of being run: for what cannot run on this machine (keepalived releases
 * other than Debian's, yum/dnf against RHEL repositories). Every argv is recorded, so a
 * test asserts exactly what would have run.
 */
import { LocalHost } from '../../src/host/local.js';
import type { ExecOptions, ExecResult } from '../../src/host/types.js';

export type Answer = Partial<Omit<ExecResult, 'command'>>;

export class ScriptedHost extends LocalHost {
  readonly calls: string[][] = [];
  constructor(
    root: string,
    private readonly answer: (argv: string[], opts: ExecOptions) => Answer | undefined,
  ) {
    super(root);
  }

  override async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const argv = [cmd, ...args];
    this.calls.push(argv);
    const a = this.answer(argv, opts);
    if (!a) return { command: argv, exitCode: 127, stdout: '', stderr: `${cmd}: command not found`, notFound: true, timedOut: false };
    return { command: argv, exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false, ...a };
  }
}
