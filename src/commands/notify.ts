import { Command } from 'commander';
import { t } from '../i18n/index.js';

/** `ha-setup notify test`: one test message through each channel setup configured on this node. */
export function register(program: Command): void {
  const notify = new Command('notify').description(t('notify.description'));
  notify
    .command('test')
    .description(t('notify.test.description'))
    .addHelpText('after', `\n${t('cli.help.examples')}\n${t('notify.test.examples')}`)
    .action(async (_opts, cmd: Command) => {
      process.exitCode = await (await import('./notify-action.js')).notifyTestCommand(cmd);
    });
  program.addCommand(notify);
}
