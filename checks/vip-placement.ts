/**
 * vip-placement: is the VIP where keepalived says it should be?
 *
 * The VIP's actual owner beats any log line: we look at our interface, ask the network
 * who else answers ARP for it (duplicate-address detection: catches split brain even when
 * multicast is broken), and compare with keepalived's state and the adverts on the wire.
 * - held while keepalived is not running: a stale address;
 * - held while keepalived is BACKUP/FAULT: added by hand (keepalived never re-removes it);
 * - held while another machine answers for it, or a higher-priority master advertises:
 *   split brain, with its likely causes in order (firewall, multicast, auth, VRID);
 * - held by a node configured BACKUP while nobody else advertises: takeover (warn): the
 *   master is down, in FAULT or unreachable. Fault (e) of the lab matrix ends here.
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { outranks, pairConfig, stillAdvertising, runtimeFacts, wireFacts } from '../src/doctor/wire/pair.js';
import { captureDetails, result } from '../src/doctor/wire/result.js';
import { otherHolders, splitBrainCauses } from '../src/doctor/wire/diagnose.js';

export const check: Check = {
  id: 'vip-placement',
  title: () => t('wire.vipPlacement.title'),
  perInstance: true,
  needsCapture: true,
  async applies(ctx) {
    const pair = await pairConfig(ctx);
    return (pair !== null && pair.vips.length > 0) || t('wire.skip.noVip');
  },
  async run(ctx): Promise<CheckResult> {
    const pair = (await pairConfig(ctx))!;
    const iface = pair.iface ?? 'eth0';
    const holds = await Promise.all(pair.vips.map((v) => ctx.holdsAddress(v)));
    const held = pair.vipCidrs.filter((_, i) => holds[i]);
    const rt = (await runtimeFacts(ctx))!;
    const delCommands = held.map((cidr) => ctx.shell.run(['ip', 'addr', 'del', cidr.includes('/') ? cidr : `${cidr}/32`, 'dev', iface]));
    const details: string[] = [t('wire.vipPlacement.detail', { held: held.join(', ') || '-', state: rt.running ? (rt.state ?? '?') : t('wire.state.notRunning'), configured: pair.configuredState ?? '?' })];

    if (held.length > 0 && !rt.running) {
      return result('fail', t('wire.vipPlacement.stale', { vip: held.join(', '), iface }), details, { explain: t('wire.fix.stale'), commands: delCommands });
    }
    // A capture helps but is not needed: the VIP's owner is the primary evidence.
    const wire = await wireFacts(ctx);
    if (wire?.listened) details.push(...captureDetails(pair, wire));
    const holders = held.length > 0 ? await otherHolders(ctx, pair) : [];
    if (holders.length) details.push(t('wire.detail.arp', { vip: pair.vips[0]!, macs: holders.join(', ') }));

    if (held.length > 0 && (rt.state === 'BACKUP' || rt.state === 'FAULT' || rt.state === 'INIT')) {
      return result('fail', t('wire.vipPlacement.byHand', { vip: held.join(', '), state: rt.state, iface }), details, {
        explain: t('wire.fix.byHand'),
        commands: delCommands,
      });
    }
    if (held.length > 0) {
      const ourPriority = rt.effectivePriority ?? pair.priority;
      const higher = (wire?.peers ?? []).filter((p) => outranks(p, ourPriority, pair.ourAddresses[0] ?? null));
      const otherMaster = (wire?.peers ?? []).filter((p) => p.priority > 0 && p.count >= 2 && stillAdvertising(p, wire!));
      const split = holders.length > 0 || higher.length > 0 || (pair.configuredState === 'BACKUP' && otherMaster.length > 0);
      if (split) {
        const causes = await splitBrainCauses(ctx, pair, wire, rt);
        const found = causes.filter((c) => c.evidence !== null);
        for (const c of causes) details.push(t('wire.vipPlacement.cause', { kind: t(`wire.causeName.${c.kind}`), evidence: c.evidence ?? t('wire.vipPlacement.noEvidence') }));
        const who = holders.length ? t('wire.vipPlacement.whoMac', { macs: holders.join(', ') }) : t('wire.vipPlacement.whoAdvert', { src: (higher[0] ?? otherMaster[0])!.src });
        const first = found[0] ?? null;
        const summary = t('wire.vipPlacement.splitBrain', { vip: held.join(', '), who, cause: first ? t(`wire.causeName.${first.kind}`) : t('wire.vipPlacement.causeUnknown') });
        return result('fail', summary, details, first?.fix ?? { explain: t('wire.fix.splitBrainUnknown'), commands: causes[0]?.fix?.commands ?? [] });
      }
      if (rt.state === 'MASTER' && pair.configuredState === 'BACKUP') {
        return result('warn', t('wire.vipPlacement.takeover', { vip: held.join(', ') }), details, { explain: t('wire.fix.takeover'), commands: [] });
      }
      return result('ok', t('wire.vipPlacement.okHeld', { vip: held.join(', '), iface }), details);
    }

    // We do not hold it.
    if (rt.running && rt.state === 'MASTER') {
      const cidrs = pair.vipCidrs;
      return result('fail', t('wire.vipPlacement.masterWithout', { vip: cidrs.join(', '), iface }), details, {
        explain: t('wire.fix.masterWithout'),
        commands: cidrs.map((c) => ctx.shell.run(['ip', 'addr', 'add', c.includes('/') ? c : `${c}/32`, 'dev', iface])),
      });
    }
    const master = (wire?.peers ?? []).find((p) => p.priority > 0);
    return result('ok', master ? t('wire.vipPlacement.okElsewhere', { src: master.src }) : t('wire.vipPlacement.okNotHere'), details);
  },
};
