/**
 * The only writer to the terminal outside ink views. Human lines go to stdout (or stderr
 * for diagnostics), JSON goes to stdout alone, so `--json | jq` always works.
 */
import { t } from '../i18n/index.js';
import { UserError, OperationError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export interface OutputSettings {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

export const output: OutputSettings = {
  json: false,
  quiet: false,
  verbose: false,
  color: decideColor(process.env, Boolean(process.stdout.isTTY)),
};

/** Colour only on a TTY; NO_COLOR (any value) turns it off, FORCE_COLOR (not "0") on. */
export function decideColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

/**
 * commander decides colour for its own help and errors by its own rules (FORCE_COLOR=0 and
 * TERM=dumb differ from ours): make every command of the program follow decideColor, and
 * give help its colours from the same palette as everything else.
 */
export function styleHelp(program: import('commander').Command): void {
  const colourFor = (stream: NodeJS.WriteStream) => () => decideColor(process.env, Boolean(stream.isTTY));
  const visit = (cmd: import('commander').Command) => {
    cmd.configureOutput({ getOutHasColors: colourFor(process.stdout), getErrHasColors: colourFor(process.stderr) });
    // Merged into whatever help settings the command already has.
    cmd.configureHelp({
      ...cmd.configureHelp(),
      styleTitle: (s) => raw('bold', s),
      styleCommandText: (s) => raw('cyan', s),
      styleSubcommandText: (s) => raw('cyan', s),
      styleOptionText: (s) => raw('cyan', s),
    });
    cmd.commands.forEach(visit);
  };
  visit(program);
}

/** An SGR sequence regardless of output.color: commander strips it when colour is off. */
function raw(colour: Colour, text: string): string {
  return `\u001b[${codes[colour]}m${text}\u001b[0m`;
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

export function paint(colour: Colour, text: string): string {
  return output.color ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

/**
 * The sink every line goes through. A stream whose reader went away (`ha-setup ... | head`,
 * a closed terminal) takes no more output, and that never ends the command: what it still
 * has to do (restore a node, roll back) runs to its end. Whoever must stop when nobody
 * reads any more (failover-test) listens with onOutputClosed.
 */
const closedStreams = new Set<NodeJS.WriteStream>();
const closedListeners = new Set<() => void>();

function markClosed(stream: NodeJS.WriteStream): void {
  if (closedStreams.has(stream)) return;
  closedStreams.add(stream);
  for (const fn of [...closedListeners]) fn();
}

/** Called once at start-up: an error on stdout/stderr (EPIPE, a destroyed stream) closes that stream for us. */
export function watchOutputStreams(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) stream.on('error', () => markClosed(stream));
}

/** Run `fn` when stdout or stderr has been closed by its reader; returns the unsubscribe function. */
export function onOutputClosed(fn: () => void): () => void {
  if (closedStreams.size > 0) {
    fn();
    return () => undefined;
  }
  closedListeners.add(fn);
  return () => closedListeners.delete(fn);
}

export function outputClosed(): boolean {
  return closedStreams.size > 0;
}

/** Write to a stream unless its reader is gone; never throws. */
export function writeOut(stream: NodeJS.WriteStream, text: string): void {
  if (closedStreams.has(stream) || stream.destroyed) return;
  try {
    stream.write(text);
  } catch {
    markClosed(stream);
  }
}

export function printLine(text = ''): void {
  if (output.json) return;
  writeOut(process.stdout, text + '\n');
}

/** Progress and chatter: hidden by --quiet and --json. */
export function printInfo(text: string): void {
  if (output.json || output.quiet) return;
  writeOut(process.stderr, text + '\n');
}

export function printVerbose(text: string): void {
  if (!output.verbose) return;
  writeOut(process.stderr, paint('gray', text) + '\n');
}

export function printJson(value: unknown): void {
  writeOut(process.stdout, JSON.stringify(value, null, 2) + '\n');
}

/** Print an error the way users should see it and return the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    writeOut(process.stderr, `${paint('red', t('error.prefix'))}: ${err.message}\n`);
    if (output.json) printJson({ error: { kind: 'usage', field: err.field, value: err.value ?? null, accepted: err.accepted, message: err.message } });
    return err.exitCode;
  }
  if (err instanceof OperationError) {
    writeOut(process.stderr, `${paint('red', t('error.prefix'))}: ${err.message}\n`);
    for (const line of err.details) writeOut(process.stderr, `  ${line}\n`);
    if (err.hint) writeOut(process.stderr, `${paint('bold', t('error.hint'))}: ${err.hint}\n`);
    if (output.json) printJson({ error: { kind: 'operation', message: err.message, details: err.details, hint: err.hint ?? null } });
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  writeOut(process.stderr, `${paint('red', t('error.prefix'))}: ${t('error.unexpected', { message })}\n`);
  return EXIT.failure;
}
