import type { Command } from 'commander';
import { t, type MessageKey } from '../i18n/index.js';
import { globalOptions, factsHost } from './context.js';
import { displayWidth, output, paint, printJson, printLine } from '../ui/output.js';
import type { Facts } from '../system/facts.js';

/** `ha-setup detect`: print the host's facts (read-only). */
export function register(program: Command): void {
  program
    .command('detect')
    .description(t('detect.description'))
    .addHelpText(
      'after',
      [
        '',
        t('cli.help.examples'),
        `  $ ha-setup detect                      # ${t('detect.example.human')}`,
        `  $ ha-setup detect --json               # ${t('detect.example.json')}`,
        `  $ ha-setup detect --root /mnt/image    # ${t('detect.example.root')}`,
      ].join('\n'),
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { gatherFacts } = await import('../system/facts.js');
      const facts = await gatherFacts(factsHost(opts));
      if (opts.json || output.json) printJson(facts);
      else for (const line of renderFacts(facts)) printLine(line);
    });
}

const yesNo = (v: boolean) => t(v ? 'word.yes' : 'word.no');


/** The human summary, one labelled line (or block) per fact. */
export function renderFacts(f: Facts): string[] {
  const labels: MessageKey[] = [
    'detect.label.distro', 'detect.label.packageManager', 'detect.label.keepalivedFiles', 'detect.label.interfaces',
    'detect.label.cloud', 'detect.label.firewall', 'detect.label.keepalived', 'detect.label.nginx',
    'detect.label.systemd', 'detect.label.selinux', 'detect.label.root', 'detect.label.unavailable',
  ];
  const width = Math.max(...labels.map((k) => displayWidth(t(k)))) + 2;
  const row = (key: MessageKey, value: string) => `${paint('bold', t(key) + ' '.repeat(width - displayWidth(t(key))))}${value}`;
  const pad = ' '.repeat(width);
  const lines: string[] = [];
  const unknown = t('word.unknown');

  const d = f.distro;
  lines.push(
    row(
      'detect.label.distro',
      d.source === null
        ? t('detect.distro.unknown')
        : t('detect.distro.line', { name: d.prettyName ?? d.name ?? unknown, id: d.id ?? unknown, version: d.versionId ?? unknown, family: d.family, source: d.source }),
    ),
  );
  if (d.guessedFrom) lines.push(pad + paint('yellow', t('detect.distro.guessed', { id: d.id ?? '', field: d.guessedFrom.field, value: d.guessedFrom.value })));
  lines.push(row('detect.label.packageManager', d.packageManager ?? paint('yellow', t('detect.pm.unknown'))));
  lines.push(
    row(
      'detect.label.keepalivedFiles',
      t('detect.keepalivedFiles', {
        config: d.keepalived.configPath,
        unit: d.keepalived.unit ?? t('word.none'),
        options: d.keepalived.optionsFile ? `${d.keepalived.optionsFile} (${d.keepalived.optionsVariable})` : t('word.none'),
      }),
    ),
  );

  if (f.interfaces.length === 0) lines.push(row('detect.label.interfaces', t('detect.iface.none')));
  const nameWidth = Math.max(0, ...f.interfaces.map((i) => i.name.length)) + 2;
  f.interfaces.forEach((i, n) => {
    const parts = [i.name.padEnd(nameWidth) + t(i.up ? 'detect.iface.up' : 'detect.iface.down'), ...i.ipv4, ...i.ipv6];
    if (i.mac && !i.loopback) parts.push(i.mac);
    if (i.loopback) parts.push(`(${t('detect.iface.loopback')})`);
    let text = parts.join('  ');
    if (i.default) text += '  ' + paint('green', `<- ${t('detect.iface.default')}`);
    lines.push(n === 0 ? row('detect.label.interfaces', text) : pad + text);
  });
  if (f.interfacesSource === 'systeminformation') lines.push(pad + t('detect.iface.source.si'));

  const c = f.cloud;
  const vendor = c.vendor === null ? t('detect.cloud.unknown') : c.vendor === 'none' ? t('detect.cloud.none') : c.vendor + (c.evidence ? ` (${c.evidence})` : '');
  const mc = t(c.multicast === false ? 'detect.multicast.false' : c.multicast === true ? 'detect.multicast.true' : 'detect.multicast.null');
  lines.push(row('detect.label.cloud', `${vendor}; ${c.multicast === false ? paint('yellow', mc) : mc}`));

  const fw = f.firewall;
  lines.push(
    row(
      'detect.label.firewall',
      fw.kind === 'none'
        ? t('detect.firewall.none')
        : `${fw.kind}${fw.backend ? ` (${fw.backend})` : ''}, ${t(fw.running ? 'detect.firewall.running' : 'detect.firewall.stopped')}`,
    ),
  );

  for (const [key, s] of [['detect.label.keepalived', f.keepalived], ['detect.label.nginx', f.nginx]] as const) {
    const bits = s.installed ? [t('detect.service.installed', { path: s.path })] : [t('detect.service.notInstalled')];
    if (s.version) bits.push(t('detect.service.version', { version: s.version }));
    bits.push(
      s.running === null ? t('detect.service.runningUnknown') : s.running ? paint('green', t('detect.service.running', { pid: s.pid })) : t('detect.service.notRunning'),
    );
    lines.push(row(key, bits.join(', ')));
  }
  lines.push(row('detect.label.systemd', f.systemd === null ? unknown : t(f.systemd ? 'detect.systemd.yes' : 'detect.systemd.no')));
  lines.push(row('detect.label.selinux', f.selinux ? t(`detect.selinux.${f.selinux}` as MessageKey) : unknown));
  lines.push(row('detect.label.root', yesNo(f.root)));
  if (f.unavailable.length > 0) {
    const list = f.unavailable.map((u) => `${u.fact} (${t(`detect.reason.${u.reason}` as MessageKey)})`).join(', ');
    lines.push(row('detect.label.unavailable', paint('yellow', list)));
  }
  if (f.scope.host === 'netns') lines.push('', paint('dim', t('detect.scope.netns', { label: f.scope.host, root: f.scope.root })));
  else if (f.scope.root !== '/') lines.push('', paint('dim', t('detect.scope.root', { root: f.scope.root })));
  return lines;
}
