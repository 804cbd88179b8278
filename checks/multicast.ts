/**
 * multicast: do the master's adverts reach this node, and does keepalived get them?
 *
 * The capture sees packets before netfilter, keepalived's socket after it (lab-facts.md):
 * - adverts on the wire and keepalived MASTER anyway / counting none -> a local firewall;
 * - nothing on the wire on a BACKUP -> the network drops multicast, or the master is down;
 * - MASTER hearing nobody is normal (a healthy backup is silent), unless another machine
 *   answers ARP for the VIP we hold: then its adverts do not reach us.
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { counter, outranks, stillAdvertising, appliesWithVrid, pairConfig, runtimeFacts, wireFacts, messagesMatching, currentEvents } from '../src/doctor/wire/pair.js';
import { firewallFix, setupCommand } from '../src/doctor/wire/fixes.js';
import { captureDetails, captureProblem, result } from '../src/doctor/wire/result.js';
import { REJECTIONS, acceptedBySender, otherHolders } from '../src/doctor/wire/diagnose.js';

export const check: Check = {
  id: 'multicast',
  title: () => t('wire.multicast.title'),
  perInstance: true,
  needsCapture: true,
  applies: (ctx) => appliesWithVrid(ctx, (pair) => pair.iface !== null),
  async run(ctx): Promise<CheckResult> {
    const pair = (await pairConfig(ctx))!;
    const wire = await wireFacts(ctx);
    const problem = await captureProblem(ctx, wire);
    if (problem || !wire) return result('skip', problem?.summary ?? t('wire.capture.none'), [], problem?.fix ?? null);
    const rt = (await runtimeFacts(ctx))!;
    const details = captureDetails(pair, wire);
    const received = counter(rt, (s) => s.advertisementsReceived);
    if (received.before !== null) details.push(t('wire.detail.counterReceived', { before: received.before, after: received.after ?? '-' }));
    const how = pair.unicastPeers.length ? t('wire.multicast.viaUnicast', { peers: pair.unicastPeers.join(', ') }) : t('wire.multicast.viaMulticast');
    const ourPriority = rt.effectivePriority ?? pair.priority;
    const ourAddress = pair.ourAddresses[0] ?? null;

    if (wire.sameVrid.length > 0) {
      // Adverts reach the interface. Does keepalived take them?
      const masters = wire.peers.filter((p) => outranks(p, ourPriority, ourAddress) && acceptedBySender(p, pair));
      const timeouts = currentEvents(rt, pair, ['receive-timeout']);
      // In FAULT keepalived ignores every advert (its counters stand still) until its own
      // check passes: that is its health check failing, not a firewall.
      if (rt.running && rt.state === 'FAULT') {
        const from = wire.sameVrid.map((s) => s.src).join(', ');
        return result('ok', t('wire.multicast.okFault', { from, how }), [...details, t('wire.multicast.faultIgnores')]);
      }
      if (rt.running && masters.length > 0 && (rt.state === 'MASTER' || received.grew === false || timeouts.length > 0)) {
        const m = masters[0]!;
        for (const e of timeouts) details.push(t('wire.detail.log', { line: e.message }));
        const fw = await ctx.firewall();
        if (fw.evidence) details.push(t('wire.detail.firewallRule', { rule: fw.evidence }));
        const fix = await firewallFix(ctx, pair);
        return result(
          'fail',
          t('wire.multicast.localDrop', { src: m.src, priority: m.priority, count: m.count, state: rt.state ?? '?' }),
          details,
          fix ?? { explain: t('wire.fix.firewallUnknown'), commands: [] },
        );
      }
      // We are MASTER and a lower-priority peer advertises too: it does not hear us.
      const lower = wire.peers.filter((p) => p.priority > 0 && p.count >= 2 && stillAdvertising(p, wire!) && !outranks(p, ourPriority, ourAddress) && acceptedBySender(p, pair));
      if (rt.running && rt.state === 'MASTER' && lower.length > 0) {
        const p = lower[0]!;
        return result('warn', t('wire.multicast.peerDeaf', { src: p.src, priority: p.priority }), details, {
          explain: t('wire.fix.peerDeaf', { src: p.src }),
          commands: [],
        });
      }
      const from = wire.sameVrid.map((s) => s.src).join(', ');
      return result('ok', t('wire.multicast.ok', { from, how }), details);
    }

    // Nobody else advertises our VRID during the capture. keepalived may still log that it
    // receives and rejects adverts (interval, password, VIPs, unicast source): transport works.
    const rejected = currentEvents(rt, pair, REJECTIONS);
    if (rejected.length > 0) {
      return result('ok', t('wire.multicast.rejected', { line: rejected[rejected.length - 1]!.message }), details);
    }
    if (rt.running && rt.state === 'MASTER') {
      const holders = await otherHolders(ctx, pair);
      if (holders.length > 0) {
        details.push(t('wire.detail.arp', { vip: pair.vips[0]!, macs: holders.join(', ') }));
        return result('fail', t('wire.multicast.notReaching', { vip: pair.vips[0]!, how }), details, {
          explain: t('wire.fix.multicastNetwork'),
          commands: [await setupCommand(ctx, pair, { peers: ctx.options.peers.length ? ctx.options.peers : ['PEER_ADDRESS'] })],
        });
      }
      const tookOver = pair.configuredState === 'BACKUP';
      const priorityZero = messagesMatching(rt, /received priority 0 advertisement/i).length > 0 || rt.events.some((e) => e.kind === 'priority-zero-sent');
      if (tookOver && !priorityZero) {
        return result('warn', t('wire.multicast.masterSilent', { how }), details, {
          explain: t('wire.fix.masterSilent'),
          commands: [],
        });
      }
      return result('ok', t('wire.multicast.okMaster'), details);
    }
    const state = rt.running ? (rt.state ?? '?') : t('wire.state.notRunning');
    return result('fail', t('wire.multicast.silence', { seconds: ((wire.capture?.durationMs ?? 0) / 1000).toFixed(1), how, state }), details, {
      explain: t('wire.fix.silence'),
      commands: [await setupCommand(ctx, pair, { peers: ctx.options.peers.length ? ctx.options.peers : ['PEER_ADDRESS'] })],
    });
  },
};
