/**
 * advert-interval: the peers advertise another interval than ours. VRRPv2: keepalived
 * drops such adverts ("to prevent concurrent VRID running"), the backup times out and
 * takes the VIP too: split brain. VRRPv3: the backup adopts the master's interval (logged
 * `advertisement interval updated from X ms to Y ms by master`). keepalived's
 * "Advertisement Interval" packet-error counter is never incremented in any version, so
 * it is not used; the wire and the log line `advertisement interval mismatch` are.
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { currentEvents, eventsSinceStart, appliesWithVrid } from '../src/doctor/wire/pair.js';
import { result, wireEvidence } from '../src/doctor/wire/result.js';
import { intervalFix } from '../src/doctor/wire/diagnose.js';
import { reloadCommand } from '../src/doctor/wire/fixes.js';

export const check: Check = {
  id: 'advert-interval',
  title: () => t('wire.advertInterval.title'),
  perInstance: true,
  needsCapture: true,
  applies: (ctx) => appliesWithVrid(ctx),
  async run(ctx): Promise<CheckResult> {
    const { pair, wire, rt, problem, details } = await wireEvidence(ctx);
    details.push(t('wire.advertInterval.counterUnused'));
    const ours = pair.advertIntMs / 1000;
    for (const e of eventsSinceStart(rt!, ['advert-interval-mismatch', 'advert-interval-updated']).slice(-3)) details.push(t('wire.detail.log', { line: e.message }));

    const differing = (wire?.sameVrid ?? []).filter((s) => s.advertIntervalMs !== pair.advertIntMs);
    if (differing.length > 0) {
      const s = differing[0]!;
      const theirs = s.advertIntervalMs / 1000;
      const list = differing.map((d) => `${d.src} ${d.advertIntervalMs / 1000} s`).join(', ');
      if (pair.version === 2 && s.version === 2) {
        return result('fail', t('wire.advertInterval.v2', { list, ours }), details, await intervalFix(ctx, pair, theirs));
      }
      return result('warn', t('wire.advertInterval.v3', { list, ours }), details, await intervalFix(ctx, pair, theirs));
    }
    // Our own adverts disagree with keepalived.conf: the daemon runs an older configuration.
    const own = (wire?.own ?? []).find((s) => s.vrid === pair.vrid && s.advertIntervalMs !== pair.advertIntMs);
    if (own) {
      return result('warn', t('wire.advertInterval.notReloaded', { running: own.advertIntervalMs / 1000, ours }), details, {
        explain: t('wire.fix.reload'),
        commands: [reloadCommand(ctx)],
      });
    }
    const mismatch = currentEvents(rt!, pair, ['advert-interval-mismatch']);
    if (mismatch.length > 0) {
      const e = mismatch[0]!;
      const theirs = typeof e.details.received === 'number' ? (e.details.unit === 'centi-sec' ? e.details.received / 100 : e.details.received) : null;
      const status = e.details.unit === 'centi-sec' ? 'warn' : 'fail';
      return result(status, t('wire.advertInterval.log', { from: e.from ?? '?', theirs: theirs ?? '?', ours }), details, await intervalFix(ctx, pair, theirs));
    }
    const updated = currentEvents(rt!, pair, ['advert-interval-updated']);
    if (updated.length > 0) {
      const e = updated[0]!;
      return result('warn', t('wire.advertInterval.adopted', { from: Number(e.details.fromMs) / 1000, to: Number(e.details.toMs) / 1000 }), details, await intervalFix(ctx, pair, Number(e.details.toMs) / 1000));
    }
    if (problem) return result('skip', problem.summary, details, problem.fix);
    const heard = wire?.sameVrid.map((s) => s.src) ?? [];
    return result('ok', heard.length ? t('wire.advertInterval.ok', { ours, src: heard.join(', ') }) : t('wire.advertInterval.okNoPeer', { ours }), details);
  },
};
