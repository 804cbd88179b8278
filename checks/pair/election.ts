import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { electionNodeFromConfig, formatArithmetic, simulateElection, vipPlacements } from '../../src/doctor/election.js';
import { fail, ok, warn, type PairCheck } from './types.js';
import { bothInstancesOrReason, pairSetupCommand } from './same.js';

/**
 * The election simulated across both configurations: who holds the VIP with every check
 * passing, and does it move when the holder's checks fail?
 */
export const election: PairCheck = {
  id: 'pair-election',
  title: () => t('pair.doctor.election.title'),
  perInstance: true,
  applies: bothInstancesOrReason,
  async run(p) {
    const both = (await bothInstances(p))!;
    const result = simulateElection(both.map((n) => electionNodeFromConfig(n.label, n.config, n.instance)));
    const details: string[] = [];
    for (const pr of result.problems) {
      if (pr.kind === 'vip-stays') details.push(t('pair.doctor.election.stays', { node: pr.node, arithmetic: formatArithmetic(pr), other: pr.other, priority: pr.otherPriority }));
      else if (pr.kind === 'untracked') details.push(t('pair.doctor.election.untracked', { node: pr.node }));
      else details.push(t('pair.doctor.election.nopreemptIgnored', { node: pr.node }));
    }
    // Each VIP of this instance: where it is, and where it goes when nginx dies on either node.
    const none = t('word.none');
    for (const v of vipPlacements(both.map((n) => ({ name: n.label, config: { ...n.config, vrrpInstances: [n.instance] } })))) {
      const [a, b] = both.map((n) => n.label) as [string, string];
      details.push(t('pair.doctor.election.vip', { vip: v.vip, holder: v.holder ?? none, a, aDown: v.whenNginxDies[a] ?? none, b, bDown: v.whenNginxDies[b] ?? none }));
    }
    const fix = { explain: t('pair.doctor.fix.rerun'), commands: [pairSetupCommand(p, both[0])] };
    if (result.steadyHolder === null) return fail(t('pair.doctor.election.noHolder'), details, fix);
    if (result.problems.some((x) => x.kind === 'vip-stays')) return fail(t('pair.doctor.election.sticks', { holder: result.steadyHolder }), details, fix);
    if (result.problems.length > 0) return warn(t('pair.doctor.election.holder', { holder: result.steadyHolder }), details, fix);
    return ok(t('pair.doctor.election.holder', { holder: result.steadyHolder }), details);
  },
};
