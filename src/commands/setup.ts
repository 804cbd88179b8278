import { Command, Option } from 'commander';
import { t } from '../i18n/index.js';
import { hostTargets } from './context.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  const setup = new Command('setup')
    .description(t('setup.description'))
    .addOption(new Option('--role <role>', t('setup.opt.role')))
    .option('--interface <name>', t('setup.opt.interface'))
    // Repeatable: every value is kept (and a second refused by validation, never dropped).
    .option('--vip <address/prefix>', t('setup.opt.vip'), collect)
    .option('--vrid <1-255>', t('setup.opt.vrid'))
    .option('--priority <1-254>', t('setup.opt.priority'))
    .option('--advert-int <seconds>', t('setup.opt.advertInt'))
    .option('--auth-pass <password>', t('setup.opt.authPass'))
    .option('--peer <address>', t('setup.opt.peer'), collect)
    .option('--router-id <name>', t('setup.opt.routerId'))
    .option('--nopreempt', t('setup.opt.nopreempt'))
    .option('--email <address>', t('setup.opt.email'))
    .option('--check-url <url>', t('setup.opt.checkUrl'))
    .option('--notify-webhook <url>', t('notify.opt.webhook'))
    .option('--notify-dingtalk <url>', t('notify.opt.dingtalk'))
    .option('--notify-dingtalk-secret <secret>', t('notify.opt.dingtalkSecret'))
    .option('--notify-wecom <url>', t('notify.opt.wecom'))
    .option('--notify-feishu <url>', t('notify.opt.feishu'))
    .option('--notify-feishu-secret <secret>', t('notify.opt.feishuSecret'))
    .option('--smtp-server <host[:port]>', t('notify.opt.smtpServer'))
    .option('--smtp-starttls', t('notify.opt.smtpStarttls'))
    .option('--smtp-user <name>', t('notify.opt.smtpUser'))
    .option('--smtp-password-file <file>', t('notify.opt.smtpPasswordFile'))
    .option('--allow-http', t('notify.opt.allowHttp'))
    .option('--mode <mode>', t('setup.opt.mode'))
    .option('--second-vip <address/prefix>', t('setup.opt.secondVip'), collect)
    .option('--second-vrid <1-255>', t('setup.opt.secondVrid'))
    .option('--second-priority <1-254>', t('setup.opt.secondPriority'))
    .option('--answers <file>', t('setup.opt.answers'))
    .option('--existing <choice>', t('setup.opt.existing'))
    .option('--method <method>', t('setup.opt.method'), 'package')
    .option('--source <path|url>', t('setup.opt.source'))
    .option('--no-install', t('setup.opt.noInstall'))
    .addHelpText(
      'after',
      `
${t('cli.help.examples')}
  $ ha-setup                                       # the guided wizard
  $ ha-setup setup --role master --vip 192.0.2.50/24 --yes
  $ ha-setup setup --role backup --vip 192.0.2.50/24 --vrid 50 --auth-pass 'k3pAl1ve' --yes
  $ ha-setup setup --role master --vip 10.0.0.100/24 --peer 10.0.0.12 --yes   # unicast (clouds)
  $ ha-setup setup --role master --vip 192.0.2.50/24 --vip 192.0.2.51/24 --yes   # two VIPs that move together
  $ ha-setup setup --role master --vip 192.0.2.50/24 --notify-dingtalk 'https://oapi.dingtalk.com/robot/send?access_token=TOKEN' --notify-dingtalk-secret SEC123 --yes
  $ ha-setup setup --role master --vip 192.0.2.50/24 --email ops@example.com --smtp-server smtp.example.com:587 --smtp-starttls --smtp-user ha --smtp-password-file /root/smtp.pass --yes
  $ ha-setup notify test                           # one test message through every channel
  $ ha-setup setup --mode active-active --role master --vip 192.0.2.50/24 --second-vip 192.0.2.51/24 --yes   # 双主: each node master of one VIP
  $ ha-setup setup --answers /etc/keepalived/ha-setup.answers.json --dry-run
  $ ha-setup setup --root /tmp/image --role master --interface eth0 --vip 192.0.2.50/24 --yes`,
    )
    .action(async (_opts, cmd: Command) => {
      const targets = hostTargets(cmd);
      // --host A --host B: both nodes over ssh, from one set of answers; else this node.
      process.exitCode = await (await import('./setup-action.js')).runSetupCommand(cmd, targets);
    });
  program.addCommand(setup, { isDefault: true });
}
