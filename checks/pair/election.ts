import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { electionNodeFromConfig, formatArithmetic, simulateElection } from '../../src/doctor/election.js';
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
    const fix = { explain: t('pair.doctor.fix.rerun'), commands: [pairSetupCommand(p, both[0])] };
    if (result.steadyHolder === null) return fail(t('pair.doctor.election.noHolder'), details, fix);
    if (result.problems.some((x) => x.kind === 'vip-stays')) return fail(t('pair.doctor.election.sticks', { holder: result.steadyHolder }), details, fix);
    if (result.problems.length > 0) return warn(t('pair.doctor.election.holder', { holder: result.steadyHolder }), details, fix);
    return ok(t('pair.doctor.election.holder', { holder: result.steadyHolder }), details);
  },
};
