import { backupStamp, type Host } from '../../host/types.js';
import { shellCommandLine } from '../../host/shell-quote.js';

export const LOG_DIR = '/var/log/ha-setup';

/**
 * The full output of every command of an install, appended as it arrives so that
 * `tail -f` follows a build. A log is append-only by nature (no atomic rewrite, no
 * backup); on a local host it lives under --root, on a dry run nowhere. Appends go
 * through the Host in order; `flush` waits for them and reports the first that failed.
 */
export class InstallLog {
  /** The log as a path on the target system; null when nothing is written (dry run). */
  readonly path: string | null;
  private readonly host: Host;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  /** What the current phase printed, for the error message when it fails. */
  private phase: string[] = [];

  /**
   * `dir`: where the log goes on the target (default /var/log/ha-setup under the host's
   * root). A staged install keeps it inside its prefix, with everything else it made.
   */
  constructor(host: Host, now = new Date(), dir = LOG_DIR) {
    this.host = host;
    // A remote node's log would cost a round trip per chunk of output: only this machine's hosts keep one.
    this.path = !host.dryRun && !host.remote ? `${dir}/install-${backupStamp(now)}.log` : null;
    this.append('');
  }

  private append(chunk: string): void {
    const path = this.path;
    if (path === null) return;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.host.appendFile(path, chunk, { mode: 0o640 });
      } catch (e) {
        this.failure = e as Error;
      }
    });
  }

  /** Wait until everything so far is in the file; throws what an append failed with. */
  async flush(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }

  /** Start a new phase: a header line in the log, and a fresh tail for error messages. */
  beginPhase(title: string): void {
    this.append('\n');
    this.phase = [];
    this.write(`==> ${title} (${new Date().toISOString()})\n`);
  }

  /** A command line, as it will run. */
  command(argv: string[], env?: Record<string, string>): void {
    this.write(`$ ${shellCommandLine(argv, env)}\n`);
  }

  write(chunk: string): void {
    this.phase.push(chunk);
    this.append(chunk);
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
