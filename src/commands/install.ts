import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { applyHost, audited, factsHost, globalOptions, isRoot, type GlobalOptions } from './context.js';
import { AUDIT_LOG_PATH } from '../audit/log.js';
import { OperationError, UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { output, printJson, printLine } from '../ui/output.js';
import type { RawInstallFlags } from '../keepalived/install/options.js';
import type { RecordedAction } from '../host/plan.js';
import { shellCommandLine } from '../host/shell-quote.js';

/** `ha-setup install`: keepalived from the distribution packages or from a source tarball. */
export function register(program: Command): void {
  program
    .command('install')
    .description(t('install.cmd.description'))
    .option('--method <method>', t('install.opt.method'))
    .option('--source <path|url>', t('install.opt.source'))
    .option('--sha256 <hex>', t('install.opt.sha256'))
    .option('--prefix <dir>', t('install.opt.prefix'))
    .option('--skip-deps', t('install.opt.skipDeps'))
    .option('--patch-system-headers', t('install.opt.patchHeaders'))
    .option('-j, --jobs <n>', t('install.opt.jobs'))
    .addHelpText('after', ['', t('cli.help.examples'), t('install.help.examples')].join('\n'))
    .action(async (flags: RawInstallFlags, cmd: Command) => {
      await runInstall(flags, globalOptions(cmd));
    });
}

async function runInstall(flags: RawInstallFlags, opts: GlobalOptions): Promise<void> {
  const install = await import('../keepalived/install/index.js');
  const { readDistro } = await import('../system/distro.js');
  const { createProgress, silentProgress } = await import('../ui/progress.js');
  // Every flag is checked before anything happens.
  const options = install.validateInstallFlags(flags);
  const facts = factsHost(opts);
  const distro = await readDistro(facts);
  // A staged build may run as any user (it skips the build dependencies then); anything live needs root.
  const live = options.method === 'package' || install.isLiveInstall(options.prefix, opts.root);
  if (!opts.dryRun && !isRoot() && live) {
    throw new OperationError(t('error.needRoot'), { exitCode: EXIT.noPermission });
  }
  if (!opts.dryRun && !opts.yes) {
    const question =
      options.method === 'package'
        ? t('install.confirm.package', { manager: distro.packageManager ?? '?' })
        : t('install.confirm.source', { source: options.source, prefix: options.prefix ?? install.sourceLayout(options, opts.root).prefix });
    if (!process.stdin.isTTY || output.json) {
      throw new UserError({ field: '--yes', accepted: t('install.accept.yes'), reason: t('install.reason.needYes') });
    }
    const { confirm } = await import('../ui/prompts.js');
    if (!(await confirm({ message: question, default: true }))) {
      printLine(t('install.aborted'));
      return;
    }
  }
  // A staged build writes nothing outside its prefix: its audit log goes there too.
  const host = opts.dryRun || live ? applyHost(opts, facts) : audited(facts, `${install.sourceLayout(options, opts.root).prefix}${AUDIT_LOG_PATH}`);
  // A dry run shows the plan, not a row of zero-second steps.
  const progress = opts.dryRun ? silentProgress() : createProgress();
  const result = await install.installKeepalived(host, distro, options, progress);
  if (opts.dryRun && host.recordedActions) {
    const lines = host.recordedActions.map(describeAction);
    if (options.source && install.isUrl(options.source)) lines.unshift(`download ${options.source}${options.sha256 ? ` (sha256 ${options.sha256})` : ''}`);
    if (output.json) {
      printJson({ dryRun: true, method: options.method, actions: lines });
      return;
    }
    printLine(t('install.result.dryRun'));
    for (const line of lines) printLine(`  ${line}`);
    return;
  }
  if (output.json) {
    printJson(result);
    return;
  }
  printLine(t('install.result.installed', { version: result.version ?? t('word.unknown'), binary: result.binary }));
  if (result.method === 'source' && !result.live) printLine(t('install.result.staged', { prefix: result.prefix, binary: result.binary }));
  if (result.live) printLine(t('install.result.liveNext'));
}


/** One line per recorded action, as a user would type it. */
export function describeAction(a: RecordedAction): string {
  switch (a.kind) {
    case 'exec':
      return `$ ${shellCommandLine(a.command)}`;
    case 'write':
      return `write ${a.path} (mode ${a.mode.toString(8).padStart(4, '0')})`;
    case 'mkdir':
      return `mkdir ${a.path}`;
    case 'remove':
      return `remove ${a.path}`;
    case 'append':
      return `append to ${a.path}`;
  }
}
