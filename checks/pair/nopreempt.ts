import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { electionNodeFromConfig, nopreemptEffective } from '../../src/doctor/election.js';
import { ok, warn, type PairCheck } from './types.js';
import { bothInstancesOrReason, pairSetupCommand } from './same.js';

/**
 * nopreempt works only on a node that starts as BACKUP (state MASTER or priority 255
 * clear it), and for the pair only when set on both: the higher node must be the one
 * that does not take the VIP back.
 */
export const nopreempt: PairCheck = {
  id: 'pair-nopreempt',
  title: () => t('pair.doctor.nopreempt.title'),
  perInstance: true,
  applies: bothInstancesOrReason,
  async run(p) {
    const both = (await bothInstances(p))!;
    const nodes = both.map((n) => electionNodeFromConfig(n.label, n.config, n.instance));
    const details = nodes.map((n) => `${n.name}: nopreempt ${n.nopreempt ? 'yes' : 'no'}${n.nopreempt && !nopreemptEffective(n) ? ` (${t('pair.doctor.nopreempt.ignored')})` : ''}`);
    if (!nodes.some((n) => n.nopreempt)) return ok(t('pair.doctor.nopreempt.none'), details);
    const fix = { explain: t('pair.doctor.fix.rerunNopreempt'), commands: [`${pairSetupCommand(p, both[0])} --nopreempt`] };
    const ignored = nodes.filter((n) => n.nopreempt && !nopreemptEffective(n));
    if (ignored.length > 0) return warn(t('pair.doctor.nopreempt.ignoredOn', { nodes: ignored.map((n) => n.name).join(', ') }), details, fix);
    if (!nodes.every((n) => n.nopreempt)) return warn(t('pair.doctor.nopreempt.oneSided'), details, fix);
    return ok(t('pair.doctor.nopreempt.both'), details);
  },
};
