/**
 * POSIX shell quoting, the one definition: for commands sent to a remote shell (ssh joins
 * its argv into one string the login shell parses again) and for commands printed for a
 * person to run. Pure.
 *
 * A plain word is made of characters no POSIX shell (nor bash, zsh, busybox sh) gives a
 * meaning anywhere in a word; it stays as it is, readable. Anything else goes inside single
 * quotes, where nothing is special except the quote itself ('\'' closes, escapes, reopens).
 * Two words made of plain characters still need quotes: a leading '=' (zsh expands `=ls` to
 * a path) and, as the first word of a command, NAME=VALUE (an assignment, not a command).
 */
const PLAIN = /^[A-Za-z0-9_./:@%+,=-]+$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Always in single quotes (a value pasted into a script, a completion table). */
export function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One argument: as it is when it is a plain word, else in single quotes. */
export function shellQuote(arg: string): string {
  return PLAIN.test(arg) && !arg.startsWith('=') ? arg : singleQuote(arg);
}

/**
 * A command line for an argv, every word quoted where needed; `env` is put in front as
 * NAME=VALUE assignments (names are taken as they are: they come from our own code).
 */
export function shellCommandLine(argv: readonly string[], env?: Readonly<Record<string, string>>): string {
  const words = argv.map((a, i) => (i === 0 && ASSIGNMENT.test(a) ? singleQuote(a) : shellQuote(a)));
  const assignments = Object.entries(env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [...assignments, ...words].join(' ');
}
