import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './paths.js';
import { singleQuote } from '../../src/host/shell-quote.js';

/**
 * A real terminal for interactive tests: tmux runs the program in a pseudo-terminal, we
 * type with send-keys and read the screen with capture-pane, as a person would.
 */
export class Terminal {
  /** A tmux server of this terminal's own (its socket in a temporary directory of the test file). */
  private readonly socket = join(tempDir('ha-setup-tmux-'), 'socket');

  constructor(readonly session: string) {}

  private tmux(args: string[], opts: { encoding?: 'utf8'; stdio?: 'ignore' } = {}): string {
    return String(execFileSync('tmux', ['-S', this.socket, ...args], opts) ?? '');
  }

  static start(session: string, command: string[], size = { cols: 120, rows: 50 }): Terminal {
    const term = new Terminal(session);
    const line = command.map(singleQuote).join(' ');
    term.tmux(['new-session', '-d', '-s', session, '-x', String(size.cols), '-y', String(size.rows), `${line}; echo "EXIT=$?"; sleep 60`]);
    return term;
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-500', '-t', this.session], { encoding: 'utf8' });
  }

  type(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.session, ...keys]);
  }

  /** Wait until the screen shows `pattern` (after `after` occurrences of it), or fail with the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Answer the prompt currently asking `question`: wait for it, type, press Enter. */
  async answer(question: RegExp, text: string | null): Promise<void> {
    await this.waitFor(new RegExp(`\\? ${question.source}`));
    if (text) this.type('-l', text);
    this.type('Enter');
    await this.waitFor(new RegExp(`✔ ${question.source}`));
  }

  /** Ends the session and with it this terminal's tmux server. */
  kill(): void {
    try {
      this.tmux(['kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
