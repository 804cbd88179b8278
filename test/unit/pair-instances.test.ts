/**
 * The pair checks on two nodes with several vrrp_instances: ../shared/samples/
 * tutorial-001-4.conf (VI_1 MASTER 150, VI_2 BACKUP 100) on one node, its mirror (VI_1
 * BACKUP 100, VI_2 MASTER 150) on the other, both tracking one nginx check with weight 0
 * as a dual-master pair does. Instances are compared instance by instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairChecks } from '../../checks/pair/index.js';
import { createPairContext } from '../../src/doctor/pair-context.js';
import { runPairChecks, type DoctorReport } from '../../src/doctor/run.js';
import { renderPairDoctorReport } from '../../src/ui/doctor-report.js';
import { setLang } from '../../src/i18n/index.js';
import { fakeContext } from './doctor-fake-context.js';
import { dualMasterA, dualMasterB } from '../helpers/dual-master.js';

setLang('en');

const dualA = () => dualMasterA();
const dualB = (a?: string) => dualMasterB(a);

async function pairOf(o: { a?: string; b?: string; holdsA?: string[]; holdsB?: string[] } = {}) {
  const a = await fakeContext({ config: o.a ?? dualA(), holds: o.holdsA ?? ['10.20.0.249'] });
  const b = await fakeContext({ config: o.b ?? dualB(), holds: o.holdsB ?? ['10.20.0.248'] });
  return createPairContext(a, b, { a: 'ha1', b: 'ha2' });
}

const find = (r: DoctorReport, id: string, instance?: string) => r.checks.find((c) => c.id === id && c.instance === instance);

test('the mirrored configs are what they should be', () => {
  assert.notEqual(dualB(), dualA());
  assert.match(dualB(), /state BACKUP\s+interface eth0\s+virtual_router_id 55\s+priority 100/);
  assert.match(dualB(), /state MASTER\s+interface eth0\s+virtual_router_id 56\s+priority 150/);
});

test('a healthy dual-master pair: every pair check ok, the per-instance ones once per instance', async () => {
  const report = await runPairChecks(await pairOf(), pairChecks);
  const perInstance = pairChecks.filter((c) => c.perInstance);
  assert.equal(report.checks.length, pairChecks.length + perInstance.length);
  for (const c of report.checks) assert.equal(c.status, 'ok', `${c.id} [${c.instance}]: ${c.summary} ${c.details.join(' | ')}`);
  for (const c of perInstance) assert.deepEqual(report.checks.filter((r) => r.id === c.id).map((r) => r.instance), ['VI_1', 'VI_2'], c.id);
  assert.equal(find(report, 'pair-clock')?.status, 'ok');
  // Each instance has its own steady holder: ha1 for VI_1, ha2 for VI_2.
  assert.match(find(report, 'pair-election', 'VI_1')!.summary, /ha1/);
  assert.match(find(report, 'pair-election', 'VI_2')!.summary, /ha2/);
  // Per VIP, where it goes when nginx dies on either node.
  assert.ok(find(report, 'pair-election', 'VI_2')!.details.includes('10.20.0.248/24: ha2; nginx down on ha1: ha2; nginx down on ha2: ha1'), find(report, 'pair-election', 'VI_2')!.details.join('\n'));
  assert.ok(find(report, 'pair-election', 'VI_1')!.details.includes('10.20.0.249/24: ha1; nginx down on ha1: ha2; nginx down on ha2: ha1'));
});

test('a password changed on VI_2 of ha2 only fails pair-same-auth [VI_2]', async () => {
  const b = dualB().replace(/(virtual_router_id 56[\s\S]*?auth_pass )1111/, '$12222');
  assert.notEqual(b, dualB());
  const report = await runPairChecks(await pairOf({ b }), pairChecks);
  assert.equal(find(report, 'pair-same-auth', 'VI_2')?.status, 'fail');
  assert.equal(find(report, 'pair-same-auth', 'VI_1')?.status, 'ok');
  assert.match(renderPairDoctorReport({ nodes: [], pair: report, durationMs: 0 }).join('\n'), /FAIL pair-same-auth \[VI_2\]: /);
});

test('VI_2\'s VIP on both nodes fails pair-vip-holder [VI_2] only', async () => {
  const report = await runPairChecks(await pairOf({ holdsA: ['10.20.0.249', '10.20.0.248'] }), pairChecks);
  assert.equal(find(report, 'pair-vip-holder', 'VI_2')?.status, 'fail');
  assert.match(find(report, 'pair-vip-holder', 'VI_2')!.summary, /10\.20\.0\.248/);
  assert.equal(find(report, 'pair-vip-holder', 'VI_1')?.status, 'ok');
});

test('instances matched by VRID when a node names them differently', async () => {
  const b = dualB().replace('vrrp_instance VI_2', 'vrrp_instance VI_B');
  const report = await runPairChecks(await pairOf({ b }), pairChecks);
  assert.equal(find(report, 'pair-same-vrid', 'VI_2/VI_B')?.status, 'ok');
  assert.equal(find(report, 'pair-vip-holder', 'VI_2/VI_B')?.status, 'ok');
});

test('an instance on one node only fails pair-same-vrid for it, naming the node; its other comparisons skip', async () => {
  const a = dualA();
  const b = dualB().replace(/vrrp_instance VI_2 \{[\s\S]*$/, '');
  assert.doesNotMatch(b, /VI_2/);
  const report = await runPairChecks(await pairOf({ a, b }), pairChecks);
  const vrid = find(report, 'pair-same-vrid', 'VI_2')!;
  assert.equal(vrid.status, 'fail');
  assert.match(vrid.summary, /VI_2 is configured on ha1 only: ha2 never takes its VIPs \(10\.20\.0\.248\/24\)/);
  assert.equal(find(report, 'pair-same-auth', 'VI_2')?.status, 'skip');
  assert.equal(find(report, 'pair-same-vrid', 'VI_1')?.status, 'ok');
});
