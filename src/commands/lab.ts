import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { output, paint, printInfo, printJson, printLine } from '../ui/output.js';
import type { LabStatus } from '../lab/status.js';

const examples = (text: string) => `\n${t('cli.help.examples')}\n${text}`;

export function register(program: Command): void {
  const lab = program
    .command('lab')
    .description(t('lab.description'))
    .addHelpText('after', examples(t('lab.help.examples')));

  lab
    .command('up')
    .description(t('lab.up.description'))
    .option('--recreate', t('lab.up.opt.recreate'))
    .option('--no-install', t('lab.up.opt.noInstall'))
    .option('--ssh', t('pair.lab.opt.ssh'))
    .option('--keepalived <path>', t('lab.up.opt.keepalived'))
    .addHelpText('after', examples(t('lab.up.examples')))
    .action(async (opts: { recreate?: boolean; install: boolean; ssh?: boolean; keepalived?: string }) => {
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const { labUp } = await import('../lab/up.js');
      const report = await labUp({ recreate: opts.recreate, install: opts.install, ssh: opts.ssh, keepalived: opts.keepalived, progress: (m) => printInfo(m) });
      if (output.json) {
        printJson(report);
        return;
      }
      if (report.installed.length > 0) printLine(t('lab.up.installed', { packages: report.installed.join(' ') }));
      if (report.alreadyUp) {
        printLine(t('lab.up.already'));
        printStatus(report.status);
        return;
      }
      printLine(
        t('lab.up.done', {
          total: (report.totalMs / 1000).toFixed(1),
          vip: report.status.vip,
          holder: report.status.vipHolder ?? '?',
          seconds: ((report.vipAfterMs ?? 0) / 1000).toFixed(1),
        }),
      );
      const { LAB_VIP } = await import('../lab/constants.js');
      printLine(t('lab.up.try'));
      printLine(`  sudo ip netns exec client curl -s http://${LAB_VIP}/`);
      printLine(`  sudo ha-setup lab exec client -- curl -s http://${LAB_VIP}/`);
      printLine('  sudo ha-setup lab status');
    });

  lab
    .command('down')
    .description(t('lab.down.description'))
    .addHelpText('after', examples(t('lab.down.examples')))
    .action(async () => {
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const { labDown } = await import('../lab/down.js');
      const { LAB_STATE_DIR } = await import('../lab/constants.js');
      const report = await labDown();
      const failed = report.processes.filter((p) => !p.stopped);
      if (failed.length > 0 || report.users.some((u) => !u.removed)) process.exitCode = EXIT.failure;
      if (output.json) {
        printJson(report);
        return;
      }
      for (const p of report.processes) {
        const params = { service: p.service ?? '?', member: p.member ?? '?', pid: p.pid };
        printLine(p.stopped ? t('lab.down.stopped', params) : paint('red', t('lab.down.notStopped', params)));
      }
      if (report.namespaces.length > 0) printLine(t('lab.down.namespaces', { namespaces: report.namespaces.join(', ') }));
      for (const u of report.users) printLine(u.removed ? t('lab.down.user', { user: u.user }) : paint('red', t('lab.down.userFailed', { user: u.user, error: u.error })));
      if (report.stateDirRemoved) printLine(t('lab.down.stateDir', { dir: LAB_STATE_DIR }));
      if (report.processes.length === 0 && report.namespaces.length === 0 && !report.stateDirRemoved) printLine(t('lab.down.nothing'));
    });

  lab
    .command('status')
    .description(t('lab.status.description'))
    .addHelpText('after', examples(t('lab.status.examples')))
    .action(async () => {
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const { labStatus } = await import('../lab/status.js');
      const status = await labStatus();
      process.exitCode = status.healthy ? EXIT.ok : status.present ? EXIT.warnings : EXIT.failure;
      if (output.json) printJson(status);
      else printStatus(status);
    });

  lab
    .command('exec')
    .description(t('lab.exec.description'))
    .argument('<member>', t('lab.exec.arg.member'))
    .argument('<command...>', t('lab.exec.arg.command'))
    .addHelpText('after', examples(t('lab.exec.examples')))
    .action(async (member: string, command: string[]) => {
      const { isLabMember } = await import('../lab/constants.js');
      if (!isLabMember(member)) throw new UserError({ field: 'NODE', value: member, accepted: t('lab.exec.accepted') });
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const { labExec } = await import('../lab/exec.js');
      process.exitCode = await labExec(member, command);
    });
}

function printStatus(s: LabStatus): void {
  if (!s.present) {
    printLine(t('lab.status.none'));
    return;
  }
  printLine(s.up ? t('lab.status.up', { dir: s.stateDir }) : paint('yellow', t('lab.status.partial', { namespaces: s.namespaces.join(', ') || t('word.none') })));
  const holder =
    s.vipHolders.length === 0
      ? paint('red', t('lab.status.vipNone'))
      : s.vipHolders.length > 1
        ? paint('red', t('lab.status.vipSplit', { nodes: s.vipHolders.join(', ') }))
        : paint('green', s.vipHolders[0]!);
  printLine(t('lab.status.vip', { vip: s.vip, holder }));
  if (s.keepalived) printLine(t('lab.status.keepalived', { version: s.keepalived.version ?? t('word.unknown'), path: s.keepalived.path }));
  const daemon = (name: string, d: { running: boolean; pid: number | null } | null) =>
    d === null ? '' : `${name} ${d.running ? t('lab.status.running', { pid: d.pid }) : paint('red', t('lab.status.stopped'))}`;
  const rows = s.members.map((m) => [
    m.name,
    m.address,
    m.namespace ? '' : paint('red', t('lab.status.noNamespace')),
    daemon('nginx', m.nginx),
    daemon('keepalived', m.keepalived),
    m.vrrpState ?? '',
    m.holdsVip ? paint('green', t('lab.status.holdsVip')) : '',
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visibleLength(r[i]!))));
  const used = widths.map((w) => w > 0);
  for (const r of rows) {
    const cells = r.map((cell, i) => cell + ' '.repeat(widths[i]! - visibleLength(cell))).filter((_, i) => used[i]);
    printLine('  ' + cells.join('  ').trimEnd());
  }
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '').length;
}
