/**
 * Long-running steps (package installs, builds, downloads) shown one at a time with the
 * time they took. On a TTY: an ora spinner with a live elapsed-time counter. Elsewhere
 * (CI logs, pipes): one plain line per finished step, no escape codes. --quiet and
 * --json silence it entirely; errors are reported by the caller, not here.
 */
import { output, paint } from './output.js';
import { formatElapsed, silentProgress, type Progress, type StepHandle } from '../progress.js';

export { formatBytes, formatElapsed, silentProgress, type Progress, type StepHandle } from '../progress.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Defaults to the stream's own isTTY. */
  isTTY?: boolean;
  /** Defaults to output.quiet || output.json. */
  silent?: boolean;
}

export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const silent = opts.silent ?? (output.quiet || output.json);
  const isTTY = opts.isTTY ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  if (silent) return silentProgress();
  // A pty that reports 0 columns (script(1), some serial consoles) makes a spinner's
  // line arithmetic divide by zero and flood the terminal: plain lines there.
  const columns = (stream as NodeJS.WriteStream).columns ?? 80;
  return isTTY && columns > 0 ? spinnerProgress(stream as NodeJS.WriteStream) : plainProgress(stream);
}

function plainProgress(stream: NodeJS.WritableStream): Progress {
  return {
    async step(label, fn) {
      const started = Date.now();
      let lastDetailAt = 0;
      const handle: StepHandle = {
        // Without a TTY every update is a new line, so updates are thinned to one per 2 s.
        update(detail) {
          const now = Date.now();
          if (now - lastDetailAt < 2000) return;
          lastDetailAt = now;
          stream.write(`     ${label}: ${detail}\n`);
        },
      };
      try {
        const result = await fn(handle);
        stream.write(`ok   ${label} (${formatElapsed(Date.now() - started)})\n`);
        return result;
      } catch (e) {
        stream.write(`FAIL ${label} (${formatElapsed(Date.now() - started)})\n`);
        throw e;
      }
    },
    note: (text) => void stream.write(`     ${text}\n`),
    warn: (text) => void stream.write(`WARN ${text}\n`),
  };
}

function spinnerProgress(stream: NodeJS.WriteStream): Progress {
  return {
    async step(label, fn) {
      const { default: ora } = await import('ora');
      const started = Date.now();
      let detail = '';
      const render = () => `${label} ${paint('gray', `(${formatElapsed(Date.now() - started)})`)}${detail ? ` ${detail}` : ''}`;
      const spinner = ora({ text: render(), stream, discardStdin: false }).start();
      const timer = setInterval(() => {
        spinner.text = render();
      }, 100);
      try {
        const result = await fn({
          update(d) {
            detail = d;
            spinner.text = render();
          },
        });
        detail = '';
        spinner.succeed(render());
        return result;
      } catch (e) {
        detail = '';
        spinner.fail(render());
        throw e;
      } finally {
        clearInterval(timer);
      }
    },
    note: (text) => void stream.write(`  ${text}\n`),
    warn: (text) => void stream.write(`${paint('yellow', '!')} ${text}\n`),
  };
}

/** One step with the default progress display: the simple form for callers with one step. */
export function runStep<T>(label: string, fn: (step: StepHandle) => Promise<T>, progress: Progress = createProgress()): Promise<T> {
  return progress.step(label, fn);
}
