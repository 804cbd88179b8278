import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { displayWidth, output, paint, printInfo, printJson, printLine } from '../ui/output.js';
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
    .option('--active-active', t('lab.up.opt.activeActive'))
    .addHelpText('after', examples(t('lab.up.examples')))
    .action(async (opts: { recreate?: boolean; install: boolean; ssh?: boolean; keepalived?: string; activeActive?: boolean }) => {
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const { labUp } = await import('../lab/up.js');
      const { withLabLock } = await import('../lab/lock.js');
      const progress = (m: string) => printInfo(m);
      const report = await withLabLock(() => labUp({ recreate: opts.recreate, install: opts.install, ssh: opts.ssh, keepalived: opts.keepalived, mode: opts.activeActive ? 'active-active' : undefined, progress }), { progress });
      if (output.json) {
        printJson(report);
        return;
      }
      if (report.installed.length > 0) printLine(t('lab.up.installed', { packages: report.installed.join(' ') }));
      const { LAB_VIP, LAB_ADDRESSES } = await import('../lab/constants.js');
      const sshTry = () => {
        if (!opts.ssh) return;
        printLine(report.sshStarted.length ? t('lab.up.sshStarted', { nodes: report.sshStarted.join(', ') }) : t('lab.up.sshRunning'));
        printLine(`  sudo ha-setup lab exec client -- ha-setup doctor --host root@${LAB_ADDRESSES.ha1} --host root@${LAB_ADDRESSES.ha2}`);
      };
      if (report.alreadyUp) {
        printLine(opts.ssh && report.sshStarted.length ? t('lab.up.alreadySsh') : t('lab.up.already'));
        printStatus(report.status);
        sshTry();
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
      for (const v of report.status.vips.slice(1)) printLine(t('lab.up.doneVip', { vip: v.vip, holder: v.holder ?? '?', instance: v.instance }));
      printLine(t('lab.up.try'));
      for (const v of report.status.vips) printLine(`  sudo ip netns exec client curl -s http://${v.vip}/`);
      printLine(`  sudo ha-setup lab exec client -- curl -s http://${LAB_VIP}/`);
      printLine('  sudo ha-setup lab status');
      printLine('  sudo ha-setup lab exec ha1 -- ha-setup doctor');
      sshTry();
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
      const { withLabLock } = await import('../lab/lock.js');
      const report = await withLabLock(() => labDown(), { progress: (m) => printInfo(m) });
      const failed = report.processes.filter((p) => !p.stopped);
      if (failed.length > 0 || report.users.some((u) => !u.removed)) process.exitCode = EXIT.failure;
      if (output.json) {
        printJson(report);
        return;
      }
      for (const p of report.processes) {
        if (p.descendant && p.stopped) continue;
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
    .command('restart')
    .description(t('lab.restart.description'))
    .argument('[node]', t('lab.restart.arg.node'))
    .argument('[service]', t('lab.restart.arg.service'))
    .addHelpText('after', examples(t('lab.restart.examples')))
    .action(async (node: string | undefined, service: string | undefined) => {
      const { labRestart, labTargets } = await import('../lab/control.js');
      const targets = labTargets(node, service);
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const report = await labRestart(targets.nodes, targets.services);
      const failed = report.restarted.some((r) => !r.ok) || (report.waitedForVip && report.vipHolder === null);
      if (failed) process.exitCode = EXIT.failure;
      if (output.json) {
        printJson(report);
        return;
      }
      for (const r of report.restarted) {
        const params = { service: r.service, node: r.node, pid: r.pid ?? '?' };
        printLine(r.ok ? t('lab.restart.done', params) : paint('red', `${t('lab.restart.failed', params)}\n${r.message}`));
      }
      if (report.waitedForVip) {
        for (const v of report.vipHolders) printLine(v.holder ? t('lab.restart.vip', { holder: v.holder, vip: v.vip }) : paint('red', t('lab.restart.noVip', { vip: v.vip })));
      }
    });

  lab
    .command('logs')
    .description(t('lab.logs.description'))
    .argument('<node>', t('lab.logs.arg.node'))
    .argument('[service]', t('lab.logs.arg.service'))
    .option('--lines <count>', t('lab.logs.opt.lines'), '50')
    .addHelpText('after', examples(t('lab.logs.examples')))
    .action(async (node: string, service: string | undefined, opts: { lines: string }) => {
      const { labLogs, labTargets } = await import('../lab/control.js');
      const targets = labTargets(node, service);
      const lines = Number(opts.lines);
      if (!Number.isInteger(lines) || lines < 1) throw new UserError({ field: '--lines', value: opts.lines, accepted: t('lab.logs.accepted.lines') });
      const { requireLabRoot } = await import('../lab/root.js');
      requireLabRoot();
      const logs = await labLogs(targets.nodes[0]!, targets.services, lines);
      if (output.json) {
        printJson(logs);
        return;
      }
      logs.forEach((l, i) => {
        if (logs.length > 1) printLine(`${i > 0 ? '\n' : ''}==> ${l.path} <==`);
        if (l.lines.length === 0) printLine(paint('gray', t('lab.logs.empty', { path: l.path })));
        for (const line of l.lines) printLine(line);
      });
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
  for (const v of s.vips) {
    const holder =
      v.holders.length === 0
        ? paint('red', t('lab.status.vipNone'))
        : v.holders.length > 1
          ? paint('red', t('lab.status.vipSplit', { nodes: v.holders.join(', ') }))
          : paint(s.vips.length > 1 && v.holder !== v.master ? 'yellow' : 'green', v.holders[0]!);
    printLine(s.vips.length > 1 ? t('lab.status.vipOf', { vip: v.vip, instance: v.instance, holder }) : t('lab.status.vip', { vip: v.vip, holder }));
  }
  if (s.keepalived) printLine(t('lab.status.keepalived', { version: s.keepalived.version ?? t('word.unknown'), path: s.keepalived.path }));
  for (const v of s.vips) {
    const where = s.vips.length > 1 ? `${v.instance}: ` : '';
    if (v.masters.length > 1) printLine(paint('red', where + t('lab.status.mastersSplit', { nodes: v.masters.join(', ') })));
    else if (s.up && v.masters.length === 0) printLine(paint('red', where + t('lab.status.noMaster')));
  }
  const daemon = (name: string, d: { running: boolean; pid: number | null } | null) =>
    d === null ? '' : `${name} ${d.running ? t('lab.status.running', { pid: d.pid }) : paint('red', t('lab.status.stopped'))}`;
  const rows = s.members.map((m) => [
    m.name,
    m.address,
    m.namespace ? '' : paint('red', t('lab.status.noNamespace')),
    daemon('nginx', m.nginx),
    daemon('keepalived', m.keepalived),
    s.vips.length > 1 && m.keepalived ? s.vips.map((v) => `${v.instance} ${m.states[v.instance] ?? '-'}`).join(', ') : (m.vrrpState ?? ''),
    s.vips.length > 1 ? (m.holds.length ? paint('green', t('lab.status.holdsVips', { vips: m.holds.join(', ') })) : '') : m.holdsVip ? paint('green', t('lab.status.holdsVip')) : '',
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]!))));
  const used = widths.map((w) => w > 0);
  for (const r of rows) {
    const cells = r.map((cell, i) => cell + ' '.repeat(widths[i]! - displayWidth(cell))).filter((_, i) => used[i]);
    printLine('  ' + cells.join('  ').trimEnd());
  }
}
