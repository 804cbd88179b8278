import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import type { DoctorFlags } from '../doctor/flags.js';
import { globalOptions, hostTargets } from './context.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `ha-setup doctor`: flags and help only; the work (and the live view) is loaded in the action. */
export function register(program: Command): void {
  program
    .command('doctor')
    .description(t('doctor.cmd.description'))
    .option('--config <file>', t('doctor.opt.config'))
    .option('--log <file>', t('doctor.opt.log'))
    .option('--check <id>', t('doctor.opt.check'))
    .option('--fix', t('doctor.opt.fix'))
    .option('--show-secrets', t('doctor.opt.showSecrets'))
    .option('--listen <ms>', t('doctor.opt.listen'))
    .option('--peer <address>', t('doctor.opt.peer'), collect)
    .addHelpText(
      'after',
      [
        '',
        t('cli.help.examples'),
        `  ha-setup doctor                                   # ${t('doctor.example.default')}`,
        `  ha-setup doctor --check check-script              # ${t('doctor.example.check')}`,
        `  ha-setup doctor --fix --yes                       # ${t('doctor.example.fix')}`,
        `  ha-setup doctor --json | jq '.checks[] | select(.status != "ok")'   # ${t('doctor.example.json')}`,
        `  ha-setup doctor --json | jq '.checks[] | select(.instance == "VI_2")'   # ${t('doctor.example.instance')}`,
        `  ha-setup lab exec ha1 -- ha-setup doctor          # ${t('doctor.example.lab')}`,
        '',
        t('doctor.exitCodes'),
      ].join('\n'),
    )
    .action(async (flags: DoctorFlags, cmd: Command) => {
      // No --host: this node; --host A [--host B]: the nodes over ssh, and the pair checks.
      process.exitCode = await (await import('../doctor/action.js')).doctorAction(globalOptions(cmd), flags, hostTargets(cmd));
    });
}
