import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result } from '../src/doctor/result.js';
import { seenPeers } from '../src/doctor/peers.js';
import { effectiveState } from '../src/keepalived/model.js';
import { PRIORITY_OWNER } from '../src/keepalived/ranges.js';
import { DEFAULTS } from '../src/defaults.js';

export const priority: Check = {
  id: 'priority',
  perInstance: true,
  title: () => t('doctor.priority.title'),
  applies: async (ctx) => (await ctx.instance()) !== null || t('doctor.common.noInstance'),
  async run(ctx) {
    const inst = (await ctx.instance())!;
    const loaded = (await ctx.config())!;
    const state = effectiveState(inst);
    const reload = restartCommands(ctx.services, 'keepalived');
    const where = loaded.parsed.locations.get(`vrrp_instance[${inst.name}].priority`) ?? loaded.parsed.locations.get(`vrrp_instance[${inst.name}].state`);
    const at = where ? `${where.file}:${where.line}` : loaded.path;
    const wanted = state === 'MASTER' ? DEFAULTS.priority.master : DEFAULTS.priority.backup;
    if (inst.priority === PRIORITY_OWNER) {
      return result('fail', t('doctor.priority.owner', { name: inst.name }), [t('doctor.priority.ownerWhy'), t('doctor.common.at', { at })], {
        explain: t('doctor.priority.owner.fix', { priority: wanted }),
        commands: reload,
      });
    }
    if (inst.priority === null && state === 'MASTER') {
      return result('fail', t('doctor.priority.impliedOwner', { name: inst.name }), [t('doctor.priority.ownerWhy'), t('doctor.common.at', { at })], {
        explain: t('doctor.priority.owner.fix', { priority: wanted }),
        commands: reload,
      });
    }
    const mine = inst.priority ?? 100;
    const details = [t('doctor.priority.mine', { priority: mine, state: state ?? t('word.unknown') })];
    const peers = await seenPeers(ctx);
    if (!peers || peers.length === 0) {
      details.push(peers ? t('doctor.priority.noPeerAdverts') : t('doctor.priority.noCapture'));
      return result('ok', t('doctor.priority.okAlone', { priority: mine }), details);
    }
    for (const p of peers) details.push(t('doctor.priority.peer', { src: p.src, priority: p.priority }));
    const equal = peers.find((p) => p.priority === mine);
    const higher = peers.filter((p) => p.priority > mine);
    if (state === 'BACKUP' && higher.length === 0 && !equal) {
      return result('fail', t('doctor.priority.backupAbove', { priority: mine, peers: peers.map((p) => `${p.src} ${p.priority}`).join(', ') }), details, {
        explain: t('doctor.priority.backupAbove.fix'),
        commands: reload,
      });
    }
    if (state === 'MASTER' && higher.length > 0) {
      return result('fail', t('doctor.priority.masterBelow', { priority: mine, peers: higher.map((p) => `${p.src} ${p.priority}`).join(', ') }), details, {
        explain: t('doctor.priority.backupAbove.fix'),
        commands: reload,
      });
    }
    if (equal) {
      return result('warn', t('doctor.priority.equal', { priority: mine, src: equal.src }), details, { explain: t('doctor.priority.equal.fix'), commands: reload });
    }
    return result('ok', t('doctor.priority.ok', { priority: mine, state: state ?? '-' }), details);
  },
};
