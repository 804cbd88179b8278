import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result } from '../src/doctor/result.js';
import { ownAddresses, seenPeers } from '../src/doctor/peers.js';
import { electionNodeFromConfig, formatArithmetic, simulateElection, type ElectionNode, type ElectionProblem } from '../src/doctor/election.js';
import { effectiveState } from '../src/keepalived/model.js';
import { DEFAULTS } from '../src/defaults.js';

const THIS = 'this node';

function describe(p: ElectionProblem, peerLabel: string): string {
  const name = (n: string) => (n === THIS ? t('doctor.election.thisNode') : peerLabel);
  switch (p.kind) {
    case 'untracked':
      return t('doctor.election.untracked', { node: name(p.node) });
    case 'nopreempt-ignored':
      return t(p.because === 'owner' ? 'doctor.election.nopreemptOwner' : 'doctor.election.nopreemptMaster');
    case 'vip-stays':
      if (p.reason === 'owner') return t('doctor.election.staysOwner', { node: name(p.node) });
      if (p.reason === 'nopreempt') return t('doctor.election.staysNopreempt', { arithmetic: formatArithmetic(p), other: name(p.other), otherPriority: p.otherPriority, failed: p.failed.join(', ') });
      return t('doctor.election.staysWeight', {
        arithmetic: formatArithmetic(p),
        cmp: p.effective === p.otherPriority ? '=' : '>',
        otherPriority: p.otherPriority,
        other: name(p.other),
        failed: p.failed.join(', '),
      });
  }
}

function fixFor(p: ElectionProblem, gap: number): string {
  switch (p.kind) {
    case 'untracked':
      return t('doctor.election.untracked.fix');
    case 'nopreempt-ignored':
      return t('doctor.election.nopreempt.fix');
    case 'vip-stays':
      return p.reason === 'nopreempt' ? t('doctor.election.staysNopreempt.fix') : t('doctor.election.staysWeight.fix', { weight: -(gap + 1) });
  }
}

export const election: Check = {
  id: 'election',
  perInstance: true,
  title: () => t('doctor.election.title'),
  applies: async (ctx) => (await ctx.instance()) !== null || t('doctor.common.noInstance'),
  async run(ctx) {
    const inst = (await ctx.instance())!;
    const loaded = (await ctx.config())!;
    const own = (await ownAddresses(ctx)).find((a) => a !== '127.0.0.1' && !a.includes(':')) ?? null;
    const me = electionNodeFromConfig(THIS, loaded.parsed.config, inst, inst.unicastSrcIp ?? own);
    const seen = (await seenPeers(ctx)) ?? [];
    const details: string[] = [];
    let peer: ElectionNode;
    let assumed = false;
    if (seen.length > 0) {
      const p = seen.sort((a, b) => b.priority - a.priority)[0]!;
      peer = { name: p.src, priority: p.priority, wantsMaster: false, nopreempt: false, scripts: [], scriptsKnown: false, address: p.src };
      details.push(t('doctor.election.peerSeen', { src: p.src, priority: p.priority }));
    } else {
      assumed = true;
      const priority = effectiveState(inst) === 'MASTER' ? DEFAULTS.priority.backup : DEFAULTS.priority.master;
      peer = { name: 'peer', priority, wantsMaster: effectiveState(inst) !== 'MASTER', nopreempt: false, scripts: [], scriptsKnown: false, address: null };
      details.push(t('doctor.election.peerAssumed', { priority }));
    }
    const peerLabel = assumed ? t('doctor.election.thePeer') : peer.name;
    const sim = simulateElection([me, peer]);
    const label = (n: string | null) => (n === null ? t('doctor.election.nobody') : n === THIS ? t('doctor.election.thisNode') : peerLabel);
    details.push(t('doctor.election.steady', { holder: label(sim.steadyHolder), mine: me.priority, peer: peer.priority }));
    for (const o of sim.outcomes) {
      const failed = o.failed[THIS] ?? [];
      if (failed.length === 0) continue;
      const eff = o.effective[THIS];
      details.push(t('doctor.election.outcome', { failed: failed.join(', '), effective: eff === 'FAULT' ? 'FAULT' : String(eff), holder: label(o.holder) }));
    }
    const problems = sim.problems.filter((p) => p.node === THIS || p.kind === 'vip-stays');
    if (problems.length === 0) {
      // The simulation says where the VIP belongs; where it is now is vip-placement's to
      // explain. Say both, so the two never read as contradicting each other.
      const vip = inst.virtualIpaddress[0]?.address;
      const holdsNow = vip ? await ctx.holdsAddress(vip).catch(() => null) : null;
      const here = sim.steadyHolder === THIS;
      const elsewhere = holdsNow === null || sim.steadyHolder === null ? null : here ? !holdsNow : holdsNow;
      const key = elsewhere ? (here ? 'doctor.election.okNotHere' : 'doctor.election.okHereNow') : 'doctor.election.ok';
      return result('ok', t(key, { holder: label(sim.steadyHolder) }), details);
    }
    const gap = Math.abs(me.priority - peer.priority);
    const messages = problems.map((p) => describe(p, peerLabel));
    // A verdict that rests on a guessed peer priority is a warning; one from the wire or pair mode a failure.
    const dependsOnPeer = problems.some((p) => p.kind === 'vip-stays' && p.reason === 'weight-too-small');
    const status = assumed && dependsOnPeer && problems.every((p) => p.kind === 'vip-stays') ? 'warn' : 'fail';
    return result(status, messages[0]!, [...messages.slice(1), ...details], {
      explain: [...new Set(problems.map((p) => fixFor(p, gap)))].join(' '),
      commands: restartCommands(ctx.services, 'keepalived', 'reload'),
    });
  },
};
