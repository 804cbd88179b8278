// No false leads: what a check says must not point away from the real cause, nor
// contradict another check, nor call this pair's own peer a stranger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replay, runCheck } from './doctor-wire-replay.js';
import { fakeContext, fixture } from './doctor-fake-context.js';
import { check as multicast } from '../../checks/multicast.js';
import { check as vridConflict } from '../../checks/vrid-conflict.js';
import { check as vipPlacement } from '../../checks/vip-placement.js';
import { election } from '../../checks/election.js';
import { clock, CLOCK_FAIL_MS, CLOCK_OK_MS } from '../../checks/pair/clock.js';
import type { PairContext } from '../../src/doctor/pair-context.js';
import { labHealthy, type LabMemberStatus } from '../../src/lab/status.js';
import { LAB_INSTANCES, LAB_VIP, LAB_VIP2 } from '../../src/lab/constants.js';

test('nginx stopped on the backup: it is in FAULT, so keepalived ignores adverts; multicast blames no firewall', async () => {
  const { ctx } = await replay('nginx-stopped-backup', 'ha2');
  const r = await runCheck(multicast, ctx);
  assert.equal(r.status, 'ok', `${r.summary}\n${r.details.join('\n')}`);
  assert.match(r.summary, /FAULT/);
  assert.doesNotMatch([r.summary, ...r.details, r.fix?.explain ?? ''].join('\n'), /firewall drops/);
  // The master in the same fault sees nothing wrong on the wire.
  const master = await replay('nginx-stopped-backup', 'ha1');
  for (const c of [multicast, vipPlacement]) assert.equal((await runCheck(c, master.ctx)).status, 'ok');
});

test('the other node of this pair with other VIPs is not "another group": no --vrid, a VIP fix', async () => {
  // The foreign-vrid recording, with that sender named as this node's peer (what pair mode does).
  const { ctx } = await replay('foreign-vrid', 'ha2', { peers: ['192.0.2.100'] });
  const r = await runCheck(vridConflict, ctx);
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /the other node 192\.0\.2\.100 advertises this VRID with other VIPs \(192\.0\.2\.60\)/);
  assert.doesNotMatch(r.summary, /another group/);
  assert.ok(!(r.fix?.commands ?? []).some((c) => c.includes('--vrid')), JSON.stringify(r.fix));
  assert.match(r.fix!.explain, /same virtual_ipaddress/);
  // Without the peer known, the same adverts are another group, and moving VRID is right.
  const stranger = await runCheck(vridConflict, (await replay('foreign-vrid', 'ha2')).ctx);
  assert.match(stranger.summary, /another group on this LAN/);
  assert.ok(stranger.fix!.commands.some((c) => c.includes('--vrid 52')));
});

test('election says where the VIP belongs and, when it is elsewhere now, points to vip-placement instead of contradicting it', async () => {
  // A backup holding the VIP (its master is down): the simulation puts the VIP on the peer.
  const backup = fixture('doctor', 'setup-master.conf').replace('state MASTER', 'state BACKUP').replace(/priority \d+/, 'priority 100');
  const held = await election.run(await fakeContext({ config: backup, holds: ['192.0.2.60'] }));
  assert.equal(held.status, 'ok');
  assert.match(held.summary, /belongs on the peer, and this node holds it now \(why: vip-placement\)/);
  const normal = await election.run(await fakeContext({ config: backup }));
  assert.match(normal.summary, /belongs on the peer$/);
  // A master without the VIP.
  const master = await election.run(await fakeContext({ config: fixture('doctor', 'setup-master.conf') }));
  assert.match(master.summary, /belongs on this node, which does not hold it now/);
});

test(`pair-clock: the measured offset is judged against ${CLOCK_OK_MS} ms (as docs/pair.md says), whatever the uncertainty`, async () => {
  const at = async (offsetMs: number, uncertaintyMs: number) =>
    (await clock.run({ clock: async () => ({ offsetMs, uncertaintyMs }), labels: { a: 'A', b: 'B' } } as unknown as PairContext)).status;
  assert.equal(await at(2400, 1500), 'warn');
  assert.equal(await at(-2400, 50), 'warn');
  assert.equal(await at(CLOCK_OK_MS, 900), 'ok');
  assert.equal(await at(CLOCK_FAIL_MS + 1, 10), 'fail');
});

const member = (name: 'ha1' | 'ha2', vrrpState: string | null, holdsVip: boolean): LabMemberStatus => ({
  name,
  address: '',
  namespace: true,
  nginx: { running: true, pid: 1 },
  keepalived: { running: true, pid: 2 },
  holdsVip,
  vrrpState,
  states: { VI_1: vrrpState },
  holds: holdsVip ? [LAB_VIP] : [],
});

/** An active-active member: its state in each instance and the VIPs it holds. */
const both = (name: 'ha1' | 'ha2', vi1: string, vi2: string, holds: string[]): LabMemberStatus => ({
  ...member(name, vi2, holds.includes(LAB_VIP)),
  states: { VI_1: vi1, VI_2: vi2 },
  holds,
});

test('lab status: two MASTERs are not healthy even when only one holds the VIP', () => {
  assert.equal(labHealthy([member('ha1', 'MASTER', true), member('ha2', 'BACKUP', false)]), true);
  assert.equal(labHealthy([member('ha1', 'MASTER', true), member('ha2', 'MASTER', false)]), false);
  assert.equal(labHealthy([member('ha1', 'MASTER', true), member('ha2', 'MASTER', true)]), false);
  // The VIP on the node that is not MASTER.
  assert.equal(labHealthy([member('ha1', 'BACKUP', true), member('ha2', 'MASTER', false)]), false);
});

test('lab status, active-active: each instance has one MASTER holding its own VIP', () => {
  const aa = LAB_INSTANCES['active-active'];
  assert.equal(labHealthy([both('ha1', 'MASTER', 'BACKUP', [LAB_VIP]), both('ha2', 'BACKUP', 'MASTER', [LAB_VIP2])], aa), true);
  // ha2's nginx stopped: ha1 holds both and is MASTER of both.
  assert.equal(labHealthy([both('ha1', 'MASTER', 'MASTER', [LAB_VIP, LAB_VIP2]), both('ha2', 'FAULT', 'FAULT', [])], aa), true);
  // VI_2's VIP on both nodes.
  assert.equal(labHealthy([both('ha1', 'MASTER', 'MASTER', [LAB_VIP, LAB_VIP2]), both('ha2', 'BACKUP', 'MASTER', [LAB_VIP2])], aa), false);
  // VI_2's VIP on no node.
  assert.equal(labHealthy([both('ha1', 'MASTER', 'BACKUP', [LAB_VIP]), both('ha2', 'BACKUP', 'MASTER', [])], aa), false);
  // Each VIP on the node that is not its instance's MASTER.
  assert.equal(labHealthy([both('ha1', 'BACKUP', 'MASTER', [LAB_VIP]), both('ha2', 'MASTER', 'BACKUP', [LAB_VIP2])], aa), false);
});
