/**
 * vrid-conflict: another cluster on this LAN uses our VRID. On the wire: adverts with our
 * VRID but another VIP set. keepalived's side: `ip address associated with VRID N not
 * present in MASTER advert` (2.0-2.3.2; 2.3.3+ `... in advert from X`), `expected N VIPs
 * but received M`, the "Packet Errors: Address List" counter. Before 2.3.3 such adverts
 * are rejected (the backup times out: split brain); from 2.3.3 they are accepted, so a
 * foreign master with a higher priority silently becomes "our" master.
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { counter, currentEvents, eventsSinceStart, appliesWithVrid } from '../src/doctor/wire/pair.js';
import { result, wireEvidence } from '../src/doctor/wire/result.js';
import { vridFix } from '../src/doctor/wire/diagnose.js';

const VRID_EVENTS = ['vip-set-mismatch', 'address-count-mismatch'] as const;

export const check: Check = {
  id: 'vrid-conflict',
  title: () => t('wire.vridConflict.title'),
  perInstance: true,
  needsCapture: true,
  applies: (ctx) => appliesWithVrid(ctx),
  async run(ctx): Promise<CheckResult> {
    const { pair, wire, rt, problem, details } = await wireEvidence(ctx);
    const inUse = wire?.vridsInUse ?? [];
    if (wire && !problem) details.push(t('wire.vridConflict.inUse', { vrids: inUse.join(', ') || '-' }));
    const addressList = counter(rt!, (s) => s.packetErrors.addressList);
    if (addressList.before !== null) details.push(t('wire.detail.counterAddressList', { before: addressList.before, after: addressList.after ?? '-' }));
    for (const e of eventsSinceStart(rt!, [...VRID_EVENTS]).slice(-3)) details.push(t('wire.detail.log', { line: e.message }));
    const consequence = pair.modernLogs ? t('wire.vridConflict.accepted') : t('wire.vridConflict.rejected');
    const fix = await vridFix(ctx, pair, inUse);

    const foreign = wire?.foreign ?? [];
    if (foreign.length > 0) {
      const list = foreign.map((s) => t('wire.vridConflict.sender', { src: s.src, vips: s.addresses.join(', ') || '-', priority: s.priority })).join('; ');
      return result('fail', t('wire.vridConflict.wire', { vrid: pair.vrid!, list, consequence }), details, fix);
    }
    // The other node of this pair with other VIPs: the two configs differ, no VRID to move.
    const peer = wire?.peerMismatch[0];
    const peerFix = peer ? { explain: t('wire.fix.peerVips', { src: peer.src }), commands: [] } : null;
    if (peer) return result('fail', t('wire.vridConflict.peerVips', { src: peer.src, theirs: peer.addresses.join(', ') || '-', ours: pair.vips.join(', ') }), details, peerFix);
    const current = currentEvents(rt!, pair, [...VRID_EVENTS]);
    const known = new Set([...pair.unicastPeers, ...ctx.options.peers]);
    if (current.length > 0 || addressList.grew === true) {
      const from = [...new Set(current.map((e) => e.from).filter((f): f is string => f !== null))];
      if (from.length > 0 && from.every((f) => known.has(f))) {
        return result('fail', t('wire.vridConflict.peerVipsLog', { src: from.join(', ') }), details, { explain: t('wire.fix.peerVips', { src: from.join(', ') }), commands: [] });
      }
      return result('fail', t('wire.vridConflict.log', { vrid: pair.vrid!, from: from.join(', ') || '?', consequence }), details, fix);
    }
    if ((addressList.before ?? 0) > 0 || eventsSinceStart(rt!, [...VRID_EVENTS]).length > 0) {
      // History: once the capture shows no such advert now, nothing is left to fix.
      if (wire?.listened) return result('ok', t('wire.vridConflict.earlier', { vrid: pair.vrid! }), details);
      return result('warn', t('wire.vridConflict.earlier', { vrid: pair.vrid! }), details, fix);
    }
    if (problem) return result('skip', problem.summary, details, problem.fix);
    return result('ok', t('wire.vridConflict.ok', { vrid: pair.vrid!, vrids: inUse.join(', ') || '-' }), details);
  },
};
