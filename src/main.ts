/**
 * The CLI behind the entry file: the program with every command registered, global flags,
 * error reporting and exit codes. Loaded by src/cli.ts for everything but `--version`.
 */
import { Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { setLang, t, type Lang, LANGS } from './i18n/index.js';
import { commandModules } from './commands/index.js';
import { output, reportError, styleHelp, watchOutputStreams } from './ui/output.js';
import { UserError } from './errors.js';
import { setAuditRun } from './audit/log.js';
import { EXIT } from './exit-codes.js';

export async function buildProgram(): Promise<Command> {
  const program = new Command('ha-setup');
  program
    .description(t('cli.description'))
    .version(pkg.version, '-V, --version', t('cli.opt.version'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .helpCommand('help [command]', t('cli.opt.helpCommand'))
    .option('--root <dir>', t('cli.opt.root'))
    .option('-n, --dry-run', t('cli.opt.dryRun'))
    .option('--json', t('cli.opt.json'))
    .option('-y, --yes', t('cli.opt.yes'))
    .addOption(new Option('--lang <lang>', t('cli.opt.lang')))
    .option('-q, --quiet', t('cli.opt.quiet'))
    .option('-v, --verbose', t('cli.opt.verbose'))
    .option('--host <[user@]host[:port]>', t('pair.opt.host'), (value: string, previous: string[] = []) => [...previous, value])
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${t('cli.help.exitCodes')}`);
  for (const command of commandModules) command.register(program);
  styleHelp(program);
  // Usage errors anywhere in the tree come back to main() (exit 64), not process.exit(1).
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  program.hook('preAction', (_this, action) => {
    const opts = action.optsWithGlobals() as { json?: boolean; quiet?: boolean; verbose?: boolean };
    output.json = Boolean(opts.json);
    output.quiet = Boolean(opts.quiet);
    output.verbose = Boolean(opts.verbose);
    // The audit log names the command and its (redacted) arguments on every line it writes.
    const names: string[] = [];
    for (let c: Command | null = action; c && c.parent; c = c.parent) names.unshift(c.name());
    setAuditRun({ command: names.join(' ') || 'ha-setup', argv: process.argv.slice(2) });
  });
  return program;
}

/**
 * setup is the default command, so a mistyped command (`ha-setup docter`) reached it as an
 * argument ("too many arguments for 'setup'"). setup takes no arguments: the first word that
 * is no option value must be a command, else it is refused with the closest one.
 */
export function refuseUnknownCommand(program: Command, args: string[]): void {
  const setup = program.commands.find((c) => c.name() === 'setup');
  const takesValue = new Set<string>();
  for (const o of [...program.options, ...(setup?.options ?? [])]) {
    if (o.required || o.optional) for (const flag of [o.long, o.short]) if (flag) takesValue.add(flag);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return;
    if (a.startsWith('-')) {
      if (!a.includes('=') && takesValue.has(a)) i++;
      continue;
    }
    const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    if (names.includes(a) || a === 'help') return;
    const closest = closestWord(a, names);
    throw new UserError({ field: 'command', value: a, accepted: names.join(', '), reason: closest ? t('cli.didYouMean', { command: closest }) : t('cli.noSuchCommand') });
  }
}

/** The known word within two edits of `word` (Levenshtein), nearest first; null if none. */
function closestWord(word: string, known: readonly string[]): string | null {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length]!;
  };
  const scored = known.map((k) => ({ k, d: distance(word, k) })).filter((x) => x.d <= 2).sort((x, y) => x.d - y.d);
  return scored[0]?.k ?? null;
}

/** --lang must be known before any help text is built, so it is read from argv first. */
function applyLanguageFlag(argv: string[]): void {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return;
  const value = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  if (!LANGS.includes(value as Lang)) {
    throw new UserError({ field: '--lang', value, accepted: LANGS.join(', ') });
  }
  setLang(value as Lang);
}

export async function main(argv: string[]): Promise<number> {
  try {
    // chalk (inside ora, inquirer) ignores NO_COLOR: tell it our decision through the variable it reads.
    if (!output.color) process.env.FORCE_COLOR = '0';
    applyLanguageFlag(argv.slice(2));
    const program = await buildProgram();
    refuseUnknownCommand(program, argv.slice(2));
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    // Ctrl-C at a question: nothing has been changed yet (every question comes before the
    // first change). Quietly out, with the exit code of an interrupt.
    if (err instanceof Error && err.name === 'ExitPromptError') {
      process.stderr.write(`\n${t('cli.interrupted')}\n`);
      return EXIT.interrupted;
    }
    const code = (err as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
      return 64;
    }
    return reportError(err);
  }
}

// A closed pipe (`ha-setup doctor | head`) is not an error worth a stack trace, and it never
// ends the process: a command that disturbed a node still puts it back (src/guard.ts).
watchOutputStreams();

main(process.argv).then((code) => {
  process.exitCode = code;
});
