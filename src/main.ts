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

export async function buildProgram(): Promise<Command> {
  const program = new Command('ha-setup');
  program
    .description(t('cli.description'))
    .version(pkg.version, '-V, --version', t('cli.opt.version'))
    .helpOption('-h, --help', t('cli.opt.help'))
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
    // chalk (inside ora, ink) ignores NO_COLOR: tell it our decision through the variable it reads.
    if (!output.color) process.env.FORCE_COLOR = '0';
    applyLanguageFlag(argv.slice(2));
    const program = await buildProgram();
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
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
