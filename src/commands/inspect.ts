import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { t } from '../i18n/index.js';
import { EXIT } from '../exit-codes.js';
import { globalOptions, factsHost } from './context.js';
import { paint, printJson, printLine } from '../ui/output.js';

const DEFAULT_CONFIG = '/etc/keepalived/keepalived.conf';

export function register(program: Command): void {
  program
    .command('inspect')
    .description(t('inspect.description'))
    .option('--config <file>', t('inspect.opt.config'))
    .option('--config-id <id>', t('inspect.opt.configId'))
    .option('--peer-config <file>', t('inspect.opt.peerConfig'))
    .addHelpText(
      'after',
      [
        '',
        t('cli.help.examples'),
        `  ha-setup inspect                                  # ${t('inspect.example.default')}`,
        `  ha-setup inspect --config ./keepalived.conf       # ${t('inspect.example.file')}`,
        `  ha-setup inspect --root /mnt/image --json         # ${t('inspect.example.json')}`,
        `  ha-setup inspect --peer-config ./ha2.conf         # ${t('inspect.example.peer')}`,
        '',
        t('inspect.exitCodes'),
      ].join('\n'),
    )
    .action(async (options: { config?: string; configId?: string; peerConfig?: string }, cmd: Command) => {
      process.exitCode = await runInspect(cmd, options.config ?? DEFAULT_CONFIG, options.configId, options.peerConfig);
    });
}

/**
 * A relative --config is a file in the current directory when --root is /, and a path
 * under the root otherwise (the root stands for /).
 */
function configPath(root: string, file: string): string {
  if (isAbsolute(file)) return file;
  return resolve(root === '/' ? process.cwd() : '/', file);
}

async function runInspect(cmd: Command, file: string, configId: string | undefined, peerFile: string | undefined): Promise<number> {
  const [{ parseConfig }, { validateConfig }, { summarize }, { formatPos }, { placementLines, placementReport }] = await Promise.all([
    import('../keepalived/parse.js'),
    import('../keepalived/validate.js'),
    import('../keepalived/summary.js'),
    import('../keepalived/diagnostics.js'),
    import('../doctor/placement-report.js'),
  ]);
  const opts = globalOptions(cmd);
  const host = factsHost(opts);
  const path = configPath(opts.root, file);
  const parsed = await parseConfig(host, path, { configId });
  const validated = await validateConfig(parsed.config, { host });
  const findings = [
    ...parsed.diagnostics.map((d) => ({
      severity: d.severity,
      path: formatPos(d),
      message: d.message,
      suggestion: '',
      rule: `parse/${d.code}`,
      location: formatPos(d),
    })),
    ...validated.map((f) => {
      const pos = parsed.locations.get(f.path);
      return { ...f, location: pos ? formatPos(pos) : null };
    }),
  ];
  // Where each VIP goes is read from the peer's own file when given (its findings are its own inspect's).
  const peerPath = peerFile === undefined ? null : configPath(opts.root, peerFile);
  const peer = peerPath === null ? null : { file: peerPath, config: (await parseConfig(host, peerPath, { configId })).config };
  // Said for several instances (dual-master) or a given peer; one instance's report stays as it was.
  const placement = peer || parsed.config.vrrpInstances.length > 1 ? { vip_placement: placementReport(parsed.config, peer) } : {};
  const report = { ...summarize(path, parsed.config, findings), ...placement };
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const code = errors ? EXIT.failure : warnings ? EXIT.warnings : EXIT.ok;
  if (opts.json) {
    printJson(report);
    return code;
  }
  const none = t('word.none');
  const show = (v: unknown) => (v === null || v === undefined ? none : String(v));
  printLine(paint('bold', t('inspect.file', { file: path })));
  printLine();
  if (!report.vrrp_instances.length) printLine(t('inspect.noInstances'));
  for (const i of report.vrrp_instances) {
    printLine(
      t('inspect.instance', { name: i.name, state: show(i.state), interface: show(i.interface), vrid: show(i.virtual_router_id), priority: show(i.priority), advert: show(i.advert_int) }),
    );
    printLine(`  ${t('inspect.instance.vips', { vips: i.virtual_ipaddress.join(', ') || none })}`);
    if (i.auth_type !== null || i.auth_pass !== null) printLine(`  ${t('inspect.instance.auth', { type: show(i.auth_type), pass: show(i.auth_pass) })}`);
    if (i.unicast_peer.length) printLine(`  ${t('inspect.instance.peers', { peers: i.unicast_peer.join(', ') })}`);
    if (i.track_script.length) printLine(`  ${t('inspect.instance.tracks', { scripts: i.track_script.join(', ') })}`);
    if (i.nopreempt) printLine(`  ${t('inspect.instance.nopreempt')}`);
  }
  for (const s of report.vrrp_scripts) {
    printLine(t('inspect.script', { name: s.name, script: show(s.script), interval: show(s.interval), weight: show(s.weight), fall: show(s.fall), rise: show(s.rise) }));
  }
  if (report.virtual_servers) printLine(t('inspect.virtualServers', { count: report.virtual_servers }));
  const placementText = report.vip_placement ? placementLines(report.vip_placement) : [];
  if (placementText.length) printLine();
  for (const line of placementText) printLine(line);
  printLine();
  if (!findings.length) {
    printLine(paint('green', t('inspect.noFindings')));
    return code;
  }
  printLine(paint('bold', t('inspect.findings', { errors, warnings })));
  for (const f of findings) {
    const label = f.severity === 'error' ? paint('red', t('inspect.error')) : paint('yellow', t('inspect.warning'));
    const where = f.location ? `${f.location} ` : '';
    printLine(`${label} ${where}${f.message} [${f.rule}]`);
    if (f.suggestion) printLine(`  ${t('inspect.fix')}: ${f.suggestion}`);
  }
  return code;
}
