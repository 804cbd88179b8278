/**
 * unicast: does the node advertise the way its configuration means it to?
 * - a unicast keyword without peers: keepalived logs `A unicast keyword has been specified
 *   without any unicast peers` and runs multicast (which clouds drop);
 * - adverts for our VRID and VIPs from a source not in unicast_peer: keepalived drops them
 *   (`unicast source address X not a unicast peer`): split brain;
 * - unicast configured but our own adverts go to the multicast group (or the reverse):
 *   the daemon runs another configuration than the file;
 * - one side unicast, the other multicast (`Expected unicast packet but received
 *   multicast packet`).
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { bareAddress, currentEvents, eventsSinceStart, messagesMatching, pairConfig } from '../src/doctor/wire/pair.js';
import { result, wireEvidence } from '../src/doctor/wire/result.js';
import { reloadCommand, setupCommand } from '../src/doctor/wire/fixes.js';

export const check: Check = {
  id: 'unicast',
  title: () => t('wire.unicast.title'),
  perInstance: true,
  needsCapture: true,
  async applies(ctx) {
    return (await pairConfig(ctx)) !== null || t('wire.skip.noInstance');
  },
  async run(ctx): Promise<CheckResult> {
    const { pair, wire, rt, problem, details } = await wireEvidence(ctx);
    const heardPeers = (wire?.peers ?? []).map((s) => s.src);
    const knownPeers = ctx.options.peers.length ? ctx.options.peers : heardPeers.length ? heardPeers : ['PEER_ADDRESS'];
    const noPeersLine = messagesMatching(rt!, /unicast keyword has been specified without any unicast peers/i);
    for (const m of noPeersLine.slice(-1)) details.push(t('wire.detail.log', { line: m.message }));
    for (const e of eventsSinceStart(rt!, ['unicast-source-not-peer', 'cast-mismatch']).slice(-3)) details.push(t('wire.detail.log', { line: e.message }));
    const ownAdverts = (wire?.own ?? []).filter((s) => s.vrid === pair.vrid);

    if (pair.unicastKeyword && pair.unicastPeers.length === 0) {
      return result('fail', t('wire.unicast.noPeers'), details, { explain: t('wire.fix.unicastPeers'), commands: [await setupCommand(ctx, pair, { peers: knownPeers })] });
    }
    const castMismatch = currentEvents(rt!, pair, ['cast-mismatch']);
    if (pair.unicastPeers.length > 0) {
      const strangers = (wire?.peers ?? []).filter((s) => !pair.unicastPeers.includes(bareAddress(s.src)));
      const notPeerLog = currentEvents(rt!, pair, ['unicast-source-not-peer']);
      if (strangers.length > 0 || notPeerLog.length > 0) {
        const srcs = [...new Set([...strangers.map((s) => s.src), ...notPeerLog.map((e) => e.from).filter((f): f is string => f !== null)])];
        return result('fail', t('wire.unicast.notAPeer', { src: srcs.join(', '), peers: pair.unicastPeers.join(', ') }), details, {
          explain: t('wire.fix.unicastAddPeer'),
          commands: [await setupCommand(ctx, pair, { peers: [...new Set([...pair.unicastPeers, ...srcs])] })],
        });
      }
      const multicastOut = ownAdverts.filter((s) => s.multicast);
      if (multicastOut.length > 0) {
        return result('fail', t('wire.unicast.sendsMulticast', { peers: pair.unicastPeers.join(', ') }), details, { explain: t('wire.fix.reload'), commands: [reloadCommand(ctx)] });
      }
      if (castMismatch.length > 0) {
        return result('fail', t('wire.unicast.otherSideMulticast', { from: castMismatch[0]!.from ?? '?' }), details, {
          explain: t('wire.fix.unicastBoth'),
          commands: [await setupCommand(ctx, pair, {})],
        });
      }
      if (problem) return result('skip', problem.summary, details, problem.fix);
      return result('ok', t('wire.unicast.okUnicast', { peers: pair.unicastPeers.join(', ') }), details);
    }
    // Multicast by configuration.
    const unicastOut = ownAdverts.filter((s) => s.unicast && !s.multicast);
    if (unicastOut.length > 0) {
      return result('fail', t('wire.unicast.sendsUnicast', { to: unicastOut[0]!.destinations.join(', ') }), details, { explain: t('wire.fix.reload'), commands: [reloadCommand(ctx)] });
    }
    const unicastIn = (wire?.peers ?? []).filter((s) => s.unicast && !s.multicast);
    if (unicastIn.length > 0 || castMismatch.length > 0) {
      const from = unicastIn[0]?.src ?? castMismatch[0]?.from ?? '?';
      return result('fail', t('wire.unicast.peerUnicast', { from }), details, {
        explain: t('wire.fix.unicastBoth'),
        commands: [await setupCommand(ctx, pair, { peers: unicastIn.length ? unicastIn.map((s) => s.src) : knownPeers })],
      });
    }
    if (problem) return result('skip', problem.summary, details, problem.fix);
    return result('ok', t('wire.unicast.okMulticast'), details);
  },
};
