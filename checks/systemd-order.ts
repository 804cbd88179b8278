import type { Check } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import type { Host } from '../src/host/types.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import { DEFAULTS, MODES } from '../src/defaults.js';
import { loadTemplate } from '../src/templates.js';
import type { NodeShell } from '../src/system/node-shell.js';

/** The argv doctor asks systemd with (exported so tests assert exactly this). */
export const SYSTEMCTL_SHOW_ARGV = ['show', '-p', 'LoadState', '-p', 'After', '-p', 'Requires', '-p', 'BindsTo', 'keepalived.service'] as const;

export interface UnitOrder {
  loadState: string | null;
  after: string[];
  requires: string[];
  bindsTo: string[];
}

/** `systemctl show -p KEY ...` output: KEY=value lines, lists space-separated. */
export function parseSystemctlShow(text: string): UnitOrder {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const list = (key: string) => (values.get(key) ?? '').split(/\s+/).filter(Boolean);
  return { loadState: values.get('LoadState') ?? null, after: list('After'), requires: list('Requires'), bindsTo: list('BindsTo') };
}

export async function readUnitOrder(host: Host): Promise<{ order: UnitOrder | null; error: string | null }> {
  const r = await host.exec('systemctl', [...SYSTEMCTL_SHOW_ARGV], { why: 'is keepalived ordered after nginx', timeoutMs: 10_000 });
  if (r.exitCode !== 0) return { order: null, error: (r.stderr || r.stdout).trim() || `exit ${r.exitCode}` };
  return { order: parseSystemctlShow(r.stdout), error: null };
}

/** One-line shell commands that write the drop-in (its non-comment lines) and reload systemd. */
export function dropInCommands(shell: NodeShell): string[] {
  const lines = loadTemplate('keepalived-after-nginx.conf').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  return [shell.save(['printf', '%s\\n', ...lines], DEFAULTS.paths.systemdDropIn, { mkdir: true }), shell.run(['systemctl', 'daemon-reload'])];
}

async function dropInDetails(ctx: DoctorContext): Promise<string[]> {
  return (await ctx.host.exists(DEFAULTS.paths.systemdDropIn)) ? [t('doctor.systemdOrder.dropIn', { path: DEFAULTS.paths.systemdDropIn })] : [];
}

export const systemdOrder: Check = {
  id: 'systemd-order',
  title: () => t('doctor.systemdOrder.title'),
  async applies(ctx) {
    const systemd = (await ctx.facts()).systemd;
    return systemd === true || (systemd === false ? t('doctor.systemdOrder.noSystemd') : t('doctor.systemdOrder.unknownInit'));
  },
  async run(ctx) {
    const { order, error } = await readUnitOrder(ctx.host);
    if (!order) return result('skip', t('doctor.systemdOrder.cannotAsk', { error: error ?? '-' }));
    const details = [t('doctor.systemdOrder.after', { after: order.after.join(' ') || t('word.none') }), ...(await dropInDetails(ctx))];
    if (order.loadState === 'not-found') {
      return result('fail', t('doctor.systemdOrder.noUnit'), details, { explain: t('doctor.systemdOrder.noUnit.fix'), commands: [ctx.shell.haSetup(['install'])] });
    }
    const fixCommands = dropInCommands(ctx.shell);
    const hard = [...order.requires, ...order.bindsTo].includes('nginx.service');
    if (hard) {
      return result('warn', t('doctor.systemdOrder.hard', { how: order.bindsTo.includes('nginx.service') ? 'BindsTo' : 'Requires' }), details, {
        explain: t('doctor.systemdOrder.hard.fix'),
        commands: [ctx.shell.run(['systemctl', 'cat', 'keepalived']), ...fixCommands],
      });
    }
    if (!order.after.includes('nginx.service')) {
      return result('warn', t('doctor.systemdOrder.missing'), details, { explain: t('doctor.systemdOrder.missing.fix', { path: DEFAULTS.paths.systemdDropIn }), commands: fixCommands });
    }
    return result('ok', t('doctor.systemdOrder.ok'), details);
  },
  async fixSteps(ctx) {
    const path = DEFAULTS.paths.systemdDropIn;
    const previous = await ctx.host.readFile(path);
    return [
      { kind: 'write', path, content: loadTemplate('keepalived-after-nginx.conf'), mode: MODES.dropIn, rootOwned: true, previous, configTest: false, why: 'start keepalived after nginx at boot' },
      { kind: 'exec', argv: ['systemctl', 'daemon-reload'], why: 'make systemd read the drop-in' },
    ];
  },
};
