import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import type { FirewallStep } from '../src/firewall/vrrp.js';
import { firewallPlanSteps } from '../src/setup/plan.js';
import { firewallCommands, firewallSteps } from '../src/doctor/wire/fixes.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { configuredInstances } from '../src/doctor/instances.js';

/** The firewall is the node's: one rule for the peers of every instance (and IPv6 when any instance has an IPv6 VIP). */
async function stepsFor(ctx: DoctorContext): Promise<FirewallStep[]> {
  const all = await configuredInstances(ctx);
  const peers = [...new Set([...all.flatMap((i) => i.unicastPeer), ...ctx.options.peers])];
  return firewallSteps(ctx, peers, all.some((i) => i.virtualIpaddress.some((v) => v.address.includes(':'))));
}

export const firewallVrrp: Check = {
  id: 'firewall-vrrp',
  critical: true,
  title: () => t('doctor.firewallVrrp.title'),
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
      explain: t(ctx.shell.boots ? 'doctor.firewallVrrp.fix' : 'doctor.firewallVrrp.fixNoBoot'),
      commands: await firewallCommands(ctx, steps),
    });
  },
  async fixSteps(ctx) {
    return firewallPlanSteps(await stepsFor(ctx));
  },
};
