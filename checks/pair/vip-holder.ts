import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { fail, ok, type PairCheck } from './types.js';
import { bothInstancesOrReason } from './same.js';

/** Seen from both sides at once: every VIP on exactly one node (none: an outage; both: split brain). */
export const vipHolder: PairCheck = {
  id: 'pair-vip-holder',
  title: () => t('pair.doctor.holder.title'),
  perInstance: true,
  applies: bothInstancesOrReason,
  async run(p) {
    const [a] = (await bothInstances(p))!;
    const vips = a.instance.virtualIpaddress.map((v) => v.address.split('/')[0]!);
    const details: string[] = [];
    const problems: string[] = [];
    for (const vip of vips) {
      const [onA, onB] = await Promise.all([p.a.holdsAddress(vip), p.b.holdsAddress(vip)]);
      const holders = [onA ? p.labels.a : null, onB ? p.labels.b : null].filter((x): x is string => x !== null);
      details.push(`${vip}: ${holders.join(', ') || t('word.none')}`);
      if (holders.length === 0) problems.push(t('pair.doctor.holder.none', { vip }));
      if (holders.length === 2) problems.push(t('pair.doctor.holder.both', { vip }));
    }
    if (problems.length) {
      return fail(problems.join('; '), details, {
        explain: t('pair.doctor.holder.fix'),
        commands: [`ha-setup doctor --host ${p.labels.a}`, `ha-setup doctor --host ${p.labels.b}`],
      });
    }
    return ok(t('pair.doctor.holder.ok'), details);
  },
};
