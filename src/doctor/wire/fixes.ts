/**
 * The remedies the wire checks print: exact commands built from the same sources the
 * rest of ha-setup uses (allowVrrpSteps for the firewall, the setup command's own flags
 * for keepalived.conf), so doctor never invents a command setup would not run.
 */
import type { DoctorContext } from '../context.js';
import type { Fix } from '../../../checks/types.js';
import { allowVrrpSteps, type FirewallStep } from '../../firewall/vrrp.js';
import type { PackageManager } from '../../system/distro.js';
import { shCommandLine } from '../../host/ssh-shell.js';
import { t } from '../../i18n/index.js';
import type { PairConfig } from './pair.js';

/** One firewall step as a shell line: `argv`, or `argv > file` for the steps that persist a ruleset. */
export function formatStep(step: FirewallStep): string {
  const line = shCommandLine(step.argv);
  if (!step.saveTo) return line;
  if (step.saveTo.header) {
    const header = step.saveTo.header.replace(/\n/g, '\\n');
    return `{ printf '${header}'; ${line}; } > ${step.saveTo.path}`;
  }
  return `${line} > ${step.saveTo.path}`;
}

/** The commands that let VRRP through this node's firewall (the same ones setup runs). */
export async function firewallFix(ctx: DoctorContext, pair: PairConfig): Promise<Fix | null> {
  const [facts, status] = await Promise.all([ctx.facts(), ctx.firewall()]);
  const steps = allowVrrpSteps(
    { kind: facts.firewall.kind, running: facts.firewall.running },
    { family: facts.distro.family, peers: pair.unicastPeers, ipv6: pair.vips.some((v) => v.includes(':')), blockingChains: status.blockingChains },
  );
  if (steps.length === 0) return null;
  return { explain: t('wire.fix.firewall', { kind: facts.firewall.kind }), commands: steps.map(formatStep) };
}

/** The command that installs tcpdump (null: no package manager known). */
export function tcpdumpInstallCommand(pm: PackageManager | null): string | null {
  switch (pm) {
    case 'apt':
      return 'apt-get install -y tcpdump';
    case 'dnf':
      return 'dnf install -y tcpdump';
    case 'yum':
      return 'yum install -y tcpdump';
    case 'zypper':
      return 'zypper --non-interactive install tcpdump';
    case 'apk':
      return 'apk add tcpdump';
    default:
      return null;
  }
}

/**
 * `ha-setup setup` with this node's current answers and some changed: the exact command
 * that rewrites keepalived.conf with one value corrected and restarts keepalived.
 */
export function setupCommand(pair: PairConfig, change: { authPass?: string; vrid?: number; advertInt?: number; peers?: string[] }): string {
  const i = pair.instance;
  const argv = ['ha-setup', 'setup', '--role', (pair.configuredState ?? 'BACKUP').toLowerCase()];
  if (pair.iface) argv.push('--interface', pair.iface);
  for (const v of pair.vipCidrs) argv.push('--vip', v);
  const vrid = change.vrid ?? pair.vrid;
  if (vrid !== null) argv.push('--vrid', String(vrid));
  if (i.priority !== null) argv.push('--priority', String(i.priority));
  argv.push('--advert-int', String(change.advertInt ?? pair.advertIntMs / 1000));
  const line = shCommandLine(argv);
  // The password stays a shell variable ($AUTH_PASS) unless --show-secrets gave its value.
  const pass = change.authPass !== undefined ? ` --auth-pass ${change.authPass}` : pair.authType === 1 ? ' --auth-pass "$AUTH_PASS"' : '';
  const peers = (change.peers ?? pair.unicastPeers).map((p) => ` --peer ${shCommandLine([p])}`).join('');
  return `${line}${pass}${peers} --existing replace --yes`;
}

/** A free VRID for the fix of a clash: the next one after ours that nobody on the wire uses. */
export function freeVrid(ours: number, inUse: number[]): number {
  for (let i = 1; i < 255; i++) {
    const candidate = ((ours - 1 + i) % 255) + 1;
    if (!inUse.includes(candidate)) return candidate;
  }
  return ours;
}

/** How keepalived re-reads its configuration here: systemd's reload, else SIGHUP to the running daemon. */
export async function reloadCommand(ctx: DoctorContext): Promise<string> {
  if (ctx.services.kind === 'systemd') return 'systemctl reload keepalived';
  if (ctx.services.kind === 'sysv') return 'service keepalived reload';
  const kp = await ctx.keepalived();
  return kp ? `kill -HUP ${kp.pid}` : 'systemctl reload keepalived';
}
