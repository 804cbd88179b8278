/**
 * Conclusions more than one wire check draws: would keepalived accept a sender's adverts,
 * who else answers for the VIP, and why a pair is in split brain (firewall, multicast,
 * auth, VRID, interval: the order in which they are likely and cheap to rule out).
 */
import type { DoctorContext } from '../context.js';
import type { Fix } from '../../../checks/types.js';
import type { VrrpSenderSummary } from '../../vrrp/capture.js';
import type { LogEventKind } from '../../keepalived/runtime/logs.js';
import { t } from '../../i18n/index.js';
import { AUTH_PASS_LEN, bareAddress, counter, stillAdvertising, currentEvents, sameAddressSet, type PairConfig, type RuntimeFacts, type WireFacts } from './pair.js';
import { firewallFix, freeVrid, setupCommand } from './fixes.js';
import { singleQuote } from '../../host/shell-quote.js';

/** Log lines that prove an advert reached keepalived (it was then rejected or lost the election). */
export const REJECTIONS: LogEventKind[] = [
  'invalid-password',
  'auth-type-mismatch',
  'advert-interval-mismatch',
  'vip-set-mismatch',
  'address-count-mismatch',
  'unicast-source-not-peer',
  'cast-mismatch',
  'lower-priority-advert',
  'forcing-election',
];

export type Mismatch = 'auth-type' | 'password' | 'interval' | 'vips' | 'unicast';

/** Why keepalived here would reject this sender's adverts (empty: it accepts them). */
export function mismatches(s: VrrpSenderSummary, pair: PairConfig): Mismatch[] {
  const out: Mismatch[] = [];
  if (s.version === 2 && pair.version === 2) {
    const theirs = s.authType ?? 0;
    if (theirs !== pair.authType) out.push('auth-type');
    else if (theirs === 1 && (s.authData ?? '').slice(0, AUTH_PASS_LEN) !== (pair.pass ?? '')) out.push('password');
    // v2 drops a differing interval; v3 adopts the master's.
    if (s.advertIntervalMs !== pair.advertIntMs) out.push('interval');
  }
  // Before 2.3.3 a different VIP set is rejected; from 2.3.3 it is only logged.
  if (!pair.modernLogs && !sameAddressSet(s.addresses, pair.vips)) out.push('vips');
  // A unicast instance takes adverts only from its unicast peers, and only unicast ones.
  if (pair.unicastPeers.length > 0 && (!pair.unicastPeers.includes(bareAddress(s.src)) || !s.unicast)) out.push('unicast');
  if (pair.unicastPeers.length === 0 && s.unicast && !s.multicast) out.push('unicast');
  return out;
}

export function acceptedBySender(s: VrrpSenderSummary, pair: PairConfig): boolean {
  return mismatches(s, pair).length === 0;
}

const holdersStore = new WeakMap<DoctorContext, Promise<string[]>>();

/** MACs of other machines answering ARP for the (first IPv4) VIP while this node holds it. */
export function otherHolders(ctx: DoctorContext, pair: PairConfig): Promise<string[]> {
  let p = holdersStore.get(ctx);
  if (!p) {
    p = (async () => {
      const vip = pair.vips.find((v) => !v.includes(':'));
      if (!vip || !(await ctx.holdsAddress(vip))) return [];
      const [probe, facts] = await Promise.all([ctx.probeAddress(vip), ctx.facts()]);
      const ours = new Set(facts.interfaces.map((i) => i.mac?.toLowerCase()).filter((m): m is string => Boolean(m)));
      return probe.inUse ? probe.macs.filter((m) => !ours.has(m.toLowerCase())) : [];
    })();
    holdersStore.set(ctx, p);
  }
  return p;
}

export type CauseKind = 'firewall' | 'multicast' | 'auth' | 'vrid' | 'vips' | 'interval' | 'unicast' | 'peer';

export interface Cause {
  kind: CauseKind;
  /** Evidence found for this cause (null: none, it is only listed as a thing to check). */
  evidence: string | null;
  fix: Fix | null;
}

/** The likely causes of a split brain, in order, each with what points at it and its fix. */
export async function splitBrainCauses(ctx: DoctorContext, pair: PairConfig, wire: WireFacts | null, rt: RuntimeFacts): Promise<Cause[]> {
  const causes: Cause[] = [];
  const fw = await ctx.firewall();
  const received = counter(rt, (s) => s.advertisementsReceived);
  const accepted = wire?.peers.filter((p) => p.priority > 0 && acceptedBySender(p, pair)) ?? [];
  let fwEvidence: string | null = null;
  if (fw.allowed === false) fwEvidence = t('wire.cause.firewallRule', { rule: fw.evidence ?? fw.blockingChains.join(', ') });
  else if (accepted.length > 0 && rt.state === 'MASTER' && received.grew !== true)
    fwEvidence = t('wire.cause.firewallWire', { src: accepted[0]!.src });
  causes.push({ kind: 'firewall', evidence: fwEvidence, fix: await firewallFix(ctx, pair) });

  const heard = (wire?.sameVrid.length ?? 0) > 0;
  causes.push({
    kind: 'multicast',
    evidence: wire?.listened && !heard && currentEvents(rt, pair, REJECTIONS).length === 0 ? t('wire.cause.multicast') : null,
    fix: { explain: t('wire.fix.multicastNetwork'), commands: [await setupCommand(ctx, pair, { peers: ctx.options.peers.length ? ctx.options.peers : ['PEER_ADDRESS'] })] },
  });

  const badAuth = wire?.sameVrid.filter((s) => mismatches(s, pair).some((m) => m === 'password' || m === 'auth-type')) ?? [];
  const authLog = currentEvents(rt, pair, ['invalid-password', 'auth-type-mismatch', 'ah-mismatch', 'invalid-auth-type']);
  causes.push({
    kind: 'auth',
    evidence: badAuth.length ? t('wire.cause.authWire', { src: badAuth[0]!.src }) : authLog.length ? t('wire.cause.log', { line: authLog[0]!.message }) : null,
    fix: await authFix(ctx, pair, ctx.options.showSecrets, badAuth[0]?.src ?? null),
  });

  const vridLog = currentEvents(rt, pair, ['vip-set-mismatch', 'address-count-mismatch']);
  const foreign = wire?.foreign ?? [];
  const peerVips = wire?.peerMismatch ?? [];
  causes.push({
    kind: 'vrid',
    evidence: foreign.length ? t('wire.cause.vridWire', { src: foreign[0]!.src, vips: foreign[0]!.addresses.join(', ') }) : vridLog.length && !peerVips.length ? t('wire.cause.log', { line: vridLog[0]!.message }) : null,
    fix: await vridFix(ctx, pair, wire?.vridsInUse ?? []),
  });
  // The other node of this pair with other VIPs is not another group: their configs differ.
  causes.push({
    kind: 'vips',
    evidence: peerVips.length ? t('wire.cause.peerVips', { src: peerVips[0]!.src, vips: peerVips[0]!.addresses.join(', ') }) : null,
    fix: peerVips.length ? { explain: t('wire.fix.peerVips', { src: peerVips[0]!.src }), commands: [] } : null,
  });

  if (pair.version === 2) {
    const diff = wire?.sameVrid.find((s) => s.version === 2 && s.advertIntervalMs !== pair.advertIntMs);
    const ivLog = currentEvents(rt, pair, ['advert-interval-mismatch']);
    causes.push({
      kind: 'interval',
      evidence: diff ? t('wire.cause.intervalWire', { src: diff.src, theirs: diff.advertIntervalMs / 1000, ours: pair.advertIntMs / 1000 }) : ivLog.length ? t('wire.cause.log', { line: ivLog[0]!.message }) : null,
      fix: await intervalFix(ctx, pair, diff ? diff.advertIntervalMs / 1000 : null),
    });
  }
  const notPeer = wire?.sameVrid.find((s) => mismatches(s, pair).includes('unicast'));
  const unicastLog = currentEvents(rt, pair, ['unicast-source-not-peer', 'cast-mismatch']);
  causes.push({
    kind: 'unicast',
    evidence: notPeer ? t('wire.cause.unicastWire', { src: notPeer.src }) : unicastLog.length ? t('wire.cause.log', { line: unicastLog[0]!.message }) : null,
    fix: notPeer
      ? { explain: t('wire.fix.unicastAddPeer'), commands: [await setupCommand(ctx, pair, { peers: pair.unicastPeers.length ? [...new Set([...pair.unicastPeers, notPeer.src])] : [notPeer.src] })] }
      : { explain: t('wire.fix.unicastBoth'), commands: [await setupCommand(ctx, pair, {})] },
  });

  // Nothing on this side: a lower-priority peer advertising as MASTER does not hear us.
  const deaf = wire?.peers.find((p) => p.priority > 0 && p.count >= 2 && stillAdvertising(p, wire!) && rt.state === 'MASTER' && p.priority < (rt.effectivePriority ?? pair.priority) && acceptedBySender(p, pair));
  causes.push({
    kind: 'peer',
    evidence: deaf ? t('wire.cause.peerDeaf', { src: deaf.src }) : null,
    fix: deaf ? { explain: t('wire.fix.peerDeaf', { src: deaf.src }), commands: [] } : null,
  });
  return causes;
}

/**
 * The password fix for THIS node: its own setup command (role, priority, router_id stay its
 * own), named for this node; the other node gets its own command from doctor there.
 */
export async function authFix(ctx: DoctorContext, pair: PairConfig, showSecrets: boolean, peer: string | null = null): Promise<Fix> {
  const value = showSecrets && pair.pass ? singleQuote(pair.pass) : '"$AUTH_PASS"';
  const other = peer ?? pair.unicastPeers[0] ?? ctx.options.peers[0] ?? t('wire.fix.auth.otherNode');
  return { explain: t('wire.fix.auth', { node: ctx.shell.node, peer: other }), commands: [await setupCommand(ctx, pair, { authPass: value })] };
}

export async function vridFix(ctx: DoctorContext, pair: PairConfig, inUse: number[]): Promise<Fix> {
  const free = freeVrid(pair.vrid ?? 1, inUse);
  return { explain: t('wire.fix.vrid', { vrid: free }), commands: [await setupCommand(ctx, pair, { vrid: free })] };
}

export async function intervalFix(ctx: DoctorContext, pair: PairConfig, theirs: number | null): Promise<Fix> {
  return {
    explain: t('wire.fix.interval', { ours: pair.advertIntMs / 1000, theirs: theirs ?? '?' }),
    commands: [await setupCommand(ctx, pair, { advertInt: pair.advertIntMs / 1000 })],
  };
}
