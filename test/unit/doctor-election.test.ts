import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { effectivePriority, electionNodeFromConfig, formatArithmetic, mirroredConfig, nopreemptEffective, simulateElection, vipPlacements, type ElectionNode } from '../../src/doctor/election.js';
import { sample } from './doctor-fake-context.js';
import { DUAL_VIPS, dualMasterA, dualMasterB } from '../helpers/dual-master.js';

const node = (name: string, priority: number, scripts: ElectionNode['scripts'] = [], over: Partial<ElectionNode> = {}): ElectionNode => ({
  name,
  priority,
  wantsMaster: false,
  nopreempt: false,
  scripts,
  scriptsKnown: true,
  address: null,
  ...over,
});
const chk = (weight: number, name = 'chk_nginx', reverse = false) => ({ name, weight, reverse });

test('effective priority: negative weight while failing, positive while passing, clamped, FAULT on weight 0', () => {
  assert.equal(effectivePriority(node('a', 150, [chk(-20)]), new Set()), 150);
  assert.equal(effectivePriority(node('a', 150, [chk(-20)]), new Set(['chk_nginx'])), 130);
  assert.equal(effectivePriority(node('a', 100, [chk(30)]), new Set()), 130);
  assert.equal(effectivePriority(node('a', 100, [chk(30)]), new Set(['chk_nginx'])), 100);
  assert.equal(effectivePriority(node('a', 250, [chk(30)]), new Set()), 254);
  assert.equal(effectivePriority(node('a', 10, [chk(-50)]), new Set(['chk_nginx'])), 1);
  assert.equal(effectivePriority(node('a', 150, [chk(0)]), new Set(['chk_nginx'])), 'FAULT');
  assert.equal(effectivePriority(node('a', 150, [chk(-20, 'chk_nginx', true)]), new Set()), 130);
  // An address owner ignores weighted scripts, not weight-0 ones.
  assert.equal(effectivePriority(node('a', 255, [chk(-20)]), new Set(['chk_nginx'])), 255);
  assert.equal(effectivePriority(node('a', 255, [chk(0)]), new Set(['chk_nginx'])), 'FAULT');
});

test('150 - 20 = 130 > 100: the VIP stays on a master whose nginx is down', () => {
  const r = simulateElection([node('master', 150, [chk(-20)], { wantsMaster: true }), node('backup', 100, [chk(-20)])]);
  assert.equal(r.steadyHolder, 'master');
  const stays = r.problems.find((p) => p.kind === 'vip-stays');
  assert.ok(stays && stays.kind === 'vip-stays');
  assert.equal(stays.node, 'master');
  assert.equal(stays.effective, 130);
  assert.equal(stays.otherPriority, 100);
  assert.equal(stays.reason, 'weight-too-small');
  assert.equal(formatArithmetic(stays), '150 - 20 = 130');
  // The outcome table agrees: master's check failing, VIP still on master.
  const o = r.outcomes.find((x) => (x.failed.master ?? []).length === 1 && !x.failed.backup)!;
  assert.equal(o.holder, 'master');
});

test('a weight larger than the gap moves the VIP; equal priority after the drop does not', () => {
  const moves = simulateElection([node('master', 150, [chk(-60)], { wantsMaster: true }), node('backup', 100)]);
  assert.equal(moves.problems.filter((p) => p.kind === 'vip-stays').length, 0);
  const o = moves.outcomes.find((x) => x.failed.master)!;
  assert.equal(o.holder, 'backup');
  const equal = simulateElection([node('master', 150, [chk(-50)], { wantsMaster: true }), node('backup', 100)]);
  const p = equal.problems.find((x) => x.kind === 'vip-stays');
  assert.ok(p && p.kind === 'vip-stays' && p.effective === 100 && p.otherPriority === 100);
});

test('weight 0 / no weight: FAULT moves the VIP', () => {
  const r = simulateElection([node('master', 150, [chk(0)], { wantsMaster: true }), node('backup', 100, [chk(0)])]);
  assert.deepEqual(r.problems, []);
  const o = r.outcomes.find((x) => x.failed.master && !x.failed.backup)!;
  assert.equal(o.effective.master, 'FAULT');
  assert.equal(o.holder, 'backup');
  // Both failing: nobody can hold it.
  assert.equal(r.outcomes.find((x) => x.failed.master && x.failed.backup)!.holder, null);
});

test('nopreempt on the backup keeps the VIP on a master whose weight dropped below it', () => {
  const r = simulateElection([node('a', 150, [chk(-60)]), node('b', 100, [], { nopreempt: true, scriptsKnown: false })]);
  const p = r.problems.find((x) => x.kind === 'vip-stays');
  assert.ok(p && p.kind === 'vip-stays' && p.reason === 'nopreempt' && p.effective === 90);
  assert.equal(nopreemptEffective(node('m', 150, [], { nopreempt: true, wantsMaster: true })), false);
});

test('nopreempt where keepalived ignores it, and a node that tracks nothing', () => {
  const r = simulateElection([node('a', 150, [], { nopreempt: true, wantsMaster: true }), node('b', 255, [chk(0)], { nopreempt: true })]);
  assert.deepEqual(
    r.problems.filter((p) => p.kind !== 'vip-stays'),
    [
      { kind: 'nopreempt-ignored', node: 'a', because: 'state-master' },
      { kind: 'nopreempt-ignored', node: 'b', because: 'owner' },
      { kind: 'untracked', node: 'a' },
    ],
  );
});

test('one of several scripts failing alone: keepalived upstream sample vrrp.localcheck (100, +2 / -2 ...) keeps the VIP', async () => {
  const parsed = await parseConfigText(sample('upstream-vrrp.localcheck.conf'));
  const me = electionNodeFromConfig('this', parsed.config, parsed.config.vrrpInstances[0]!);
  assert.equal(me.priority, 100);
  assert.ok(me.scripts.length >= 5);
  const r = simulateElection([me, node('peer', 100, [], { scriptsKnown: false })]);
  // Healthy: 100 + 2 (chk_haproxy passing) = 102 > 100.
  assert.equal(r.steadyHolder, 'this');
  const alone = r.problems.filter((p) => p.kind === 'vip-stays' && p.failed.length === 1).map((p) => (p.kind === 'vip-stays' ? `${p.failed[0]} ${formatArithmetic(p)}` : ''));
  assert.ok(alone.includes('chk_http_port 100 + 2 - 2 = 100'), alone.join('; '));
});

test('priority implied by state MASTER is 255; track_script weight overrides the vrrp_script weight', async () => {
  const parsed = await parseConfigText(
    `vrrp_script chk { script /bin/true\n weight -5 }\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 1\n track_script {\n  chk weight -30\n  missing\n }\n}\n`,
  );
  const n = electionNodeFromConfig('x', parsed.config, parsed.config.vrrpInstances[0]!);
  assert.equal(n.priority, 255);
  assert.deepEqual(n.scripts, [{ name: 'chk', weight: -30, reverse: false }]);
});

// ---- several instances: where each VIP goes --------------------------------------------

test('dual-master, chk_nginx weight 0 on both instances: nginx dead on a node moves both its VIPs to the other', async () => {
  const [a, b] = await Promise.all([parseConfigText(dualMasterA()), parseConfigText(dualMasterB())]);
  const placed = vipPlacements([
    { name: 'ha1', config: a.config },
    { name: 'ha2', config: b.config },
  ]);
  assert.deepEqual(placed, [
    { vip: DUAL_VIPS.VI_1, instance: 'VI_1', holder: 'ha1', whenNginxDies: { ha1: 'ha2', ha2: 'ha1' } },
    { vip: DUAL_VIPS.VI_2, instance: 'VI_2', holder: 'ha2', whenNginxDies: { ha1: 'ha2', ha2: 'ha1' } },
  ]);
  // The mirror of ha1's file is ha2's as far as the election goes.
  const mirrored = vipPlacements([
    { name: 'ha1', config: a.config },
    { name: 'ha2', config: mirroredConfig(a.config, { master: 150, backup: 100 }) },
  ]);
  assert.deepEqual(mirrored, placed);
});

test('dual-master with weight -20: nginx dead on the master of an instance keeps its VIP there (130 > 100); an instance on one node only stays there', async () => {
  const a = (await parseConfigText(dualMasterA(-20))).config;
  const b = (await parseConfigText(dualMasterB(dualMasterA(-20)))).config;
  const placed = vipPlacements([
    { name: 'ha1', config: a },
    { name: 'ha2', config: b },
  ]);
  assert.deepEqual(placed.map((p) => [p.instance, p.holder, p.whenNginxDies]), [
    ['VI_1', 'ha1', { ha1: 'ha1', ha2: 'ha1' }],
    ['VI_2', 'ha2', { ha1: 'ha2', ha2: 'ha2' }],
  ]);
  const lone = vipPlacements([
    { name: 'ha1', config: (await parseConfigText(dualMasterA())).config },
    { name: 'ha2', config: { ...b, vrrpInstances: b.vrrpInstances.slice(0, 1) } },
  ]);
  assert.deepEqual(lone[1], { vip: DUAL_VIPS.VI_2, instance: 'VI_2', holder: 'ha1', whenNginxDies: { ha1: null, ha2: 'ha1' } });
});
