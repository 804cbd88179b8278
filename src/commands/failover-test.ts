import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { globalOptions, hostTargets } from './context.js';

/** `ha-setup failover-test`: a measured, reversible failover of this master, or of a pair from outside (--host A --host B). */
export function register(program: Command): void {
  program
    .command('failover-test')
    .description(t('failover.description'))
    .option('--mode <mode>', t('failover.opt.mode'), 'drain')
    .option('--interval <ms>', t('failover.opt.interval'), '50')
    .option('--timeout <seconds>', t('failover.opt.timeout'), '60')
    .option('--peer <addr>', t('failover.opt.peer'))
    .option('--instance <name>', t('failover.opt.instance'))
    .option('--vip <address>', t('failover.opt.vip'))
    .addHelpText('after', `\n${t('cli.help.examples')}\n${t('failover.help.examples')}`)
    .action(async (raw: Record<string, string | undefined>, cmd: Command) => {
      const { parseFlags } = await import('../failover/flags.js');
      const flags = parseFlags(raw);
      const opts = globalOptions(cmd);
      const targets = hostTargets(cmd);
      // No --host: this node. --host A --host B: both nodes over ssh, the prober here, outside both.
      process.exitCode = await (await import('../failover/action.js')).failoverTestAction(flags, opts, targets);
    });
}
