import { appendFileSync, mkdirSync } from 'node:fs';
import { posix } from 'node:path';
import { backupStamp, type Host } from '../../host/types.js';
import { shellCommandLine } from '../../host/shell-quote.js';

export const LOG_DIR = '/var/log/ha-setup';

/**
 * The full output of every command of an install, appended as it arrives so that
 * `tail -f` follows a build. A log is append-only by nature (no atomic rewrite, no
 * backup); on a local host it lives under --root, on a dry run nowhere.
 */
export class InstallLog {
  /** The log as a path on the target system; null when nothing is written (dry run). */
  readonly path: string | null;
  private readonly realPath: string | null;
  /** What the current phase printed, for the error message when it fails. */
  private phase: string[] = [];

  /**
   * `dir`: where the log goes on the target (default /var/log/ha-setup under the host's
   * root). A staged install keeps it inside its prefix, with everything else it made.
   */
  constructor(host: Host, now = new Date(), dir = LOG_DIR) {
    if (host.kind === 'local' || host.kind === 'netns') {
      this.path = `${dir}/install-${backupStamp(now)}.log`;
      this.realPath = posix.join(host.root, this.path);
      mkdirSync(posix.dirname(this.realPath), { recursive: true, mode: 0o755 });
      appendFileSync(this.realPath, '', { mode: 0o640 });
    } else {
      this.path = null;
      this.realPath = null;
    }
  }

  /** Start a new phase: a header line in the log, and a fresh tail for error messages. */
  beginPhase(title: string): void {
    if (this.realPath) appendFileSync(this.realPath, '\n');
    this.phase = [];
    this.write(`==> ${title} (${new Date().toISOString()})\n`);
  }

  /** A command line, as it will run. */
  command(argv: string[], env?: Record<string, string>): void {
    this.write(`$ ${shellCommandLine(argv, env)}\n`);
  }

  write(chunk: string): void {
    this.phase.push(chunk);
    if (this.realPath) appendFileSync(this.realPath, chunk);
  }

  /** The last `n` lines the current phase wrote. */
  tail(n = 20): string[] {
    const lines = this.phase.join('').split('\n');
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    return lines.slice(-n);
  }

  /** Everything the current phase wrote. */
  phaseText(): string {
    return this.phase.join('');
  }
}
