import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { electionNodeFromConfig } from '../../src/doctor/election.js';
import { fail, ok, warn, type PairCheck } from './types.js';
import { bothInstancesOrReason, pairSetupCommand } from './same.js';

/**
 * Distinct priorities, the intended MASTER above the BACKUP. Equal priorities leave the
 * choice to the higher IP address (not to the operator); a BACKUP-state node above the
 * MASTER-state one takes the VIP as soon as it starts.
 */
export const priorities: PairCheck = {
  id: 'pair-priorities',
  title: () => t('pair.doctor.priorities.title'),
  perInstance: true,
  applies: bothInstancesOrReason,
  async run(p) {
    const both = (await bothInstances(p))!;
    const nodes = both.map((n) => electionNodeFromConfig(n.label, n.config, n.instance));
    const details = both.map((n, i) => `${n.label}: state ${n.instance.state ?? 'BACKUP'}, priority ${nodes[i]!.priority}`);
    const fix = { explain: t('pair.doctor.fix.rerun'), commands: [pairSetupCommand(p, both[0])] };
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    if (a.priority === b.priority) return fail(t('pair.doctor.priorities.equal', { priority: a.priority }), details, fix);
    const masters = nodes.filter((n) => n.wantsMaster);
    if (masters.length === 2) return warn(t('pair.doctor.priorities.twoMasters'), details, fix);
    if (masters.length === 1) {
      const m = masters[0]!;
      const other = nodes.find((n) => n !== m)!;
      if (other.priority > m.priority) return fail(t('pair.doctor.priorities.inverted', { master: m.name, backup: other.name }), details, fix);
    }
    const high = a.priority > b.priority ? a : b;
    return ok(t('pair.doctor.priorities.ok', { node: high.name, high: high.priority, low: Math.min(a.priority, b.priority) }), details);
  },
};
