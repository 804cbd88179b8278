import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { globalOptions } from './context.js';

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
    .addHelpText('after', `\n${t('cli.help.examples')}\n${t('failover.help.examples')}`)
    .action(async (flags: Record<string, string | undefined>, cmd: Command) => {
      const { failoverTestAction } = await import('../failover/action.js');
      const { hostTargets } = await import('./pair.js');
      process.exitCode = await failoverTestAction(flags, globalOptions(cmd), hostTargets(cmd));
    });
}
