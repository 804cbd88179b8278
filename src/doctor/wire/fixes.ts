/**
 * The remedies the doctor checks print: exact commands built from the same sources the
 * rest of ha-setup uses (allowVrrpSteps for the firewall, the setup command's own flags
 * for keepalived.conf), so doctor never invents a command setup would not run, each spelled
 * for the node it is printed for (ctx.shell: its root, `lab exec`, its service manager).
 */
import type { DoctorContext } from '../context.js';
import type { Fix } from '../../../checks/types.js';
import { allowVrrpSteps, readFirewallBoot, type FirewallStep } from '../../firewall/vrrp.js';
import type { NodeShell } from '../../system/node-shell.js';
import { DEFAULTS } from '../../defaults.js';
import { t } from '../../i18n/index.js';
import type { PairConfig } from './pair.js';
import type { VrrpInstance } from '../../keepalived/model.js';

/** One firewall step as the node's shell takes it: `argv`, or `argv > file` for a step that saves a ruleset. */
export function formatStep(step: FirewallStep, shell: NodeShell, missingDirs: readonly string[] = []): string {
  if (!step.saveTo) return shell.run(step.argv);
  const dir = step.saveTo.path.slice(0, step.saveTo.path.lastIndexOf('/'));
  return shell.save(step.argv, step.saveTo.path, { header: step.saveTo.header, mkdir: missingDirs.includes(dir) });
}

/** The firewall steps of this node (the same ones setup runs), from its facts. */
export async function firewallSteps(ctx: DoctorContext, peers: string[], ipv6: boolean): Promise<FirewallStep[]> {
  const [facts, status] = await Promise.all([ctx.facts(), ctx.firewall()]);
  const boot = await readFirewallBoot(ctx.host, facts.firewall, { boots: ctx.shell.boots, systemd: facts.systemd, family: facts.distro.family, packageManager: facts.distro.packageManager });
  return allowVrrpSteps(facts.firewall, { family: facts.distro.family, peers, ipv6, blockingChains: status.blockingChains, boot });
}

/** The steps as commands for this node; a ruleset saved where no directory is yet gets its `mkdir -p`. */
export async function firewallCommands(ctx: DoctorContext, steps: FirewallStep[]): Promise<string[]> {
  const dirs = [...new Set(steps.flatMap((s) => (s.saveTo ? [s.saveTo.path.slice(0, s.saveTo.path.lastIndexOf('/'))] : [])))];
  const missing: string[] = [];
  for (const d of dirs) if (!(await ctx.host.exists(d))) missing.push(d);
  return steps.map((s) => formatStep(s, ctx.shell, missing));
}

/** The commands that let VRRP through this node's firewall (the same ones setup runs). */
export async function firewallFix(ctx: DoctorContext, pair: PairConfig): Promise<Fix | null> {
  const facts = await ctx.facts();
  const steps = await firewallSteps(ctx, pair.unicastPeers, pair.vips.some((v) => v.includes(':')));
  if (steps.length === 0) return null;
  return { explain: t(ctx.shell.boots ? 'wire.fix.firewall' : 'wire.fix.firewallNoBoot', { kind: facts.firewall.kind }), commands: await firewallCommands(ctx, steps) };
}

/**
 * `ha-setup setup` for this node with some values changed: the exact command that rewrites
 * keepalived.conf with one value corrected and restarts keepalived. Where setup saved its
 * answers, they are the base (router_id, e-mail, check URL, peers and all) and only the
 * change is given as flags; otherwise every value comes from the running configuration.
 */
export async function setupCommand(ctx: DoctorContext, pair: PairConfig, change: { authPass?: string; vrid?: number; advertInt?: number; peers?: string[] }): Promise<string> {
  const args = ['setup'];
  let pass = change.authPass;
  // A dual-master config (two instances, as `--mode active-active` writes them): the first
  // instance is setup's --vip/--vrid, the second its --second-*; a change is for the instance at hand.
  const all = (await ctx.config())?.parsed.config.vrrpInstances ?? [];
  const dual = all.length === 2 ? (all as [VrrpInstance, VrrpInstance]) : null;
  const onSecond = dual !== null && dual[1].name === pair.instance.name;
  if (await ctx.host.exists(DEFAULTS.paths.answers)) {
    args.push('--answers', ctx.shell.path(DEFAULTS.paths.answers));
    if (change.vrid !== undefined) args.push(onSecond ? '--second-vrid' : '--vrid', String(change.vrid));
    if (change.advertInt !== undefined) args.push('--advert-int', String(change.advertInt));
    for (const p of change.peers ?? []) args.push('--peer', p);
  } else {
    const i = dual ? dual[0] : pair.instance;
    const vridOf = (x: VrrpInstance) => (change.vrid !== undefined && x.name === pair.instance.name ? change.vrid : x.virtualRouterId);
    const globals = (await ctx.config())?.parsed.config.globalDefs;
    if (dual) args.push('--mode', 'active-active');
    args.push('--role', i.state === 'MASTER' ? 'master' : 'backup');
    if (i.interface) args.push('--interface', i.interface);
    for (const v of i.virtualIpaddress) args.push('--vip', v.address);
    const vrid = vridOf(i);
    if (vrid !== null) args.push('--vrid', String(vrid));
    if (i.priority !== null) args.push('--priority', String(i.priority));
    if (dual) {
      for (const v of dual[1].virtualIpaddress) args.push('--second-vip', v.address);
      const second = vridOf(dual[1]);
      if (second !== null) args.push('--second-vrid', String(second));
      if (dual[1].priority !== null) args.push('--second-priority', String(dual[1].priority));
    }
    args.push('--advert-int', String(change.advertInt ?? pair.advertIntMs / 1000));
    if (globals?.routerId) args.push('--router-id', globals.routerId);
    if (i.nopreempt) args.push('--nopreempt');
    if (globals?.notificationEmail?.[0]) args.push('--email', globals.notificationEmail[0]);
    for (const p of change.peers ?? pair.unicastPeers) args.push('--peer', p);
    if (pair.authType === 1) pass ??= '"$AUTH_PASS"';
  }
  // The password is a shell variable ($AUTH_PASS) unless --show-secrets gave its value: not quoted again.
  return `${ctx.shell.haSetup(args)}${pass !== undefined ? ` --auth-pass ${pass}` : ''} --existing replace --yes`;
}

/** A free VRID for the fix of a clash: the next one after ours that nobody on the wire uses. */
export function freeVrid(ours: number, inUse: number[]): number {
  for (let i = 1; i < 255; i++) {
    const candidate = ((ours - 1 + i) % 255) + 1;
    if (!inUse.includes(candidate)) return candidate;
  }
  return ours;
}

/** How keepalived re-reads its configuration on this node (its service manager's reload). */
export function reloadCommand(ctx: DoctorContext): string {
  return ctx.services.commandLines('reload', 'keepalived')[0]!;
}
