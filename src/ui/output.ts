/**
 * The only writer to the terminal besides the live views (live-lines.ts). Human lines go to stdout (or stderr
 * for diagnostics), JSON goes to stdout alone, so `--json | jq` always works.
 */
import { Help } from 'commander';
import { t, type MessageKey } from '../i18n/index.js';
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
    cmd.configureOutput({
      getOutHasColors: colourFor(process.stdout),
      getErrHasColors: colourFor(process.stderr),
      // commander's own usage errors, in the user's language.
      outputError: (text, write) => write(commanderError(text)),
    });
    // Merged into whatever help settings the command already has.
    cmd.configureHelp({
      ...cmd.configureHelp(),
      styleTitle: (s) => raw('bold', helpTitle(s)),
      optionDescription(option) {
        return helpExtras(Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(argument) {
        return helpExtras(Help.prototype.argumentDescription.call(this, argument));
      },
      styleCommandText: (s) => raw('cyan', s),
      styleSubcommandText: (s) => raw('cyan', s),
      styleOptionText: (s) => raw('cyan', s),
    });
    cmd.commands.forEach(visit);
  };
  visit(program);
}

const TITLES: Record<string, MessageKey> = {
  'Usage:': 'cli.help.title.usage',
  'Options:': 'cli.help.title.options',
  'Global Options:': 'cli.help.title.globalOptions',
  'Commands:': 'cli.help.title.commands',
  'Arguments:': 'cli.help.title.arguments',
};

/** commander's section titles (it passes them through styleTitle) from the catalogue. */
export function helpTitle(title: string): string {
  const key = TITLES[title];
  return key ? t(key) : title;
}

/** commander's "(default: ..., choices: ...)" after a description, in the user's language. */
export function helpExtras(text: string): string {
  return text.replace(/\((default|choices|preset|env): /g, (_m, word: string) => `(${t(`cli.help.extra.${word}` as MessageKey)}: `).replace(/, (choices|preset|env): /g, (_m, word: string) => `, ${t(`cli.help.extra.${word}` as MessageKey)}: `);
}

const COMMANDER_ERRORS: Array<[RegExp, MessageKey]> = [
  [/^error: unknown option '([^']*)'(?:\n\(Did you mean ([^?]*)\?\))?/, 'cli.error.unknownOption'],
  [/^error: unknown command '([^']*)'(?:\n\(Did you mean ([^?]*)\?\))?/, 'cli.error.unknownCommand'],
  [/^error: missing required argument '([^']*)'/, 'cli.error.missingArgument'],
  [/^error: option '([^']*)' argument missing/, 'cli.error.optionArgumentMissing'],
  [/^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\./, 'cli.error.tooManyArguments'],
];

/** A usage error commander prints (exit 64 follows), from the catalogue when its shape is known. */
export function commanderError(text: string): string {
  for (const [re, key] of COMMANDER_ERRORS) {
    const m = re.exec(text);
    if (!m) continue;
    const [, a = '', b = '', c = ''] = m;
    const message = t(key, { a, b, c, suggestion: b ? t('cli.error.suggestion', { b }) : '' });
    return `${t('error.prefix')}: ${message}\n`;
  }
  return text;
}

/**
 * Columns a string takes in a terminal: colour codes take none, East Asian wide and
 * full-width characters (CJK, full-width punctuation) two. Every table pads with it.
 */
export function displayWidth(text: string): number {
  let w = 0;
  // eslint-disable-next-line no-control-regex
  for (const ch of text.replace(/\u001b\[[0-9;]*m/g, '')) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** `text` padded with spaces to `width` terminal columns. */
export function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
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
