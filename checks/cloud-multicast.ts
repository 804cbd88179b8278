import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import { setupCommand } from '../src/doctor/wire/fixes.js';
import { pairConfig } from '../src/doctor/wire/pair.js';

export const cloudMulticast: Check = {
  id: 'cloud-multicast',
  perInstance: true,
  title: () => t('doctor.cloudMulticast.title'),
  applies: async (ctx) => (await ctx.instance()) !== null || t('doctor.common.noInstance'),
  async run(ctx) {
    const [facts, inst] = await Promise.all([ctx.facts(), ctx.instance()]);
    const cloud = facts.cloud;
    const evidence = cloud.evidence ? [t('doctor.cloudMulticast.evidence', { evidence: cloud.evidence })] : [];
    if (cloud.multicast === null) return result('skip', t('doctor.cloudMulticast.unknown', { vendor: cloud.vendor ?? t('word.unknown') }), evidence);
    if (cloud.multicast) return result('ok', t('doctor.cloudMulticast.okMulticast'), evidence);
    if (inst!.unicastPeer.length > 0) {
      return result('ok', t('doctor.cloudMulticast.okUnicast', { vendor: cloud.vendor, peers: inst!.unicastPeer.join(', ') }), [...evidence, t('doctor.cloudMulticast.securityGroup')]);
    }
    return result('fail', t('doctor.cloudMulticast.fail', { vendor: cloud.vendor, name: inst!.name }), [...evidence, t('doctor.cloudMulticast.why')], {
      explain: t('doctor.cloudMulticast.fix'),
      commands: [await setupCommand(ctx, (await pairConfig(ctx))!, { peers: ctx.options.peers.length ? ctx.options.peers : ['PEER_ADDRESS'] })],
    });
  },
};
