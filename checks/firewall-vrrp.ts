import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { result, runFixCommand } from '../src/doctor/result.js';
import { commandLine } from '../src/doctor/paths.js';
import { allowVrrpSteps, type FirewallStep } from '../src/firewall/vrrp.js';
import type { DoctorContext } from '../src/doctor/context.js';

/** A firewall step as one copy-pasteable shell line (a saved ruleset becomes a redirection). */
export function stepCommand(step: FirewallStep): string {
  const cmd = commandLine(step.argv);
  if (!step.saveTo) return cmd;
  if (!step.saveTo.header) return `${cmd} > ${step.saveTo.path}`;
  const header = step.saveTo.header.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/'/g, `'\\''`);
  return `(printf '${header}'; ${cmd}) > ${step.saveTo.path}`;
}

async function stepsFor(ctx: DoctorContext): Promise<FirewallStep[]> {
  const [facts, status, inst] = await Promise.all([ctx.facts(), ctx.firewall(), ctx.instance()]);
  return allowVrrpSteps(facts.firewall, {
    family: facts.distro.family,
    peers: [...new Set([...(inst?.unicastPeer ?? []), ...ctx.options.peers])],
    ipv6: Boolean(inst?.virtualIpaddress.some((v) => v.address.includes(':'))),
    blockingChains: status.blockingChains,
  });
}

export const firewallVrrp: Check = {
  id: 'firewall-vrrp',
  title: () => t('doctor.firewallVrrp.title'),
  appliesTo: () => true,
  async run(ctx) {
    const [facts, status] = await Promise.all([ctx.facts(), ctx.firewall()]);
    const fw = facts.firewall;
    const note = t('doctor.firewallVrrp.captureNote');
    const evidence = status.evidence ? [t('doctor.firewallVrrp.evidence', { evidence: status.evidence })] : [];
    if (status.allowed === null) return result('skip', t('doctor.common.needRoot', { what: t('doctor.firewallVrrp.what', { kind: fw.kind }) }), [note]);
    if (status.allowed) {
      return result('ok', fw.kind === 'none' ? t('doctor.firewallVrrp.okNone') : t('doctor.firewallVrrp.ok', { kind: fw.kind }), [...evidence, note]);
    }
    const steps = await stepsFor(ctx);
    const chains = status.blockingChains.length ? [t('doctor.firewallVrrp.chains', { chains: status.blockingChains.join(', ') })] : [];
    return result('fail', t('doctor.firewallVrrp.blocked', { kind: fw.kind }), [...evidence, ...chains, t('doctor.firewallVrrp.why'), note], {
      explain: t('doctor.firewallVrrp.fix'),
      commands: steps.map(stepCommand),
    });
  },
  async autoFix(ctx) {
    const actions: string[] = [];
    for (const step of await stepsFor(ctx)) {
      if (!step.saveTo) {
        actions.push(await runFixCommand(ctx, step.argv, step.why));
        continue;
      }
      const r = await ctx.host.exec(step.argv[0]!, step.argv.slice(1), { why: step.why, timeoutMs: 30_000 });
      if (r.exitCode !== 0) throw new Error(`${commandLine(step.argv)}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      const w = await ctx.host.writeFileAtomic(step.saveTo.path, (step.saveTo.header ?? '') + r.stdout, { mode: step.saveTo.mode, rootOwned: true, why: step.why });
      actions.push(`${stepCommand(step)}${w.backup ? ` (${t('doctor.fix.backup', { path: w.backup })})` : ''}`);
    }
    return actions;
  },
};
