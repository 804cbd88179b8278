/**
 * doctor on a config with several vrrp_instances (dual-master: ../shared/samples/
 * tutorial-001-4.conf has VI_1 MASTER 150 vrid 55 and VI_2 BACKUP 100 vrid 56 on eth0, one
 * VIP each): a per-instance check runs once per instance and names it, a node check once;
 * one capture serves both; a fault of one instance is reported for that instance only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptureResult, CapturedAdvert } from '../../src/vrrp/capture.js';
import type { Check } from '../../checks/types.js';
import { ALL_CHECKS, WIRE_CHECKS } from '../../checks/index.js';
import { priority } from '../../checks/priority.js';
import { election } from '../../checks/election.js';
import { firewallVrrp } from '../../checks/firewall-vrrp.js';
import { applyFixes, runChecks, selectChecks, type DoctorReport } from '../../src/doctor/run.js';
import { blockingFailures } from '../../src/failover/confirm-run.js';
import { doctorJson, renderDoctorReport } from '../../src/ui/doctor-report.js';
import { checkName, instanceContext, matchInstances, nodeUnits } from '../../src/doctor/instances.js';
import { setLang } from '../../src/i18n/index.js';
import { FakeServices, fakeContext, keepalivedProcess, sample } from './doctor-fake-context.js';
import { dualMasterA } from '../helpers/dual-master.js';
import { pairConfig } from '../../src/doctor/wire/pair.js';
import { setupCommand } from '../../src/doctor/wire/fixes.js';
import { pairSetupCommand } from '../../checks/pair/same.js';
import { createPairContext } from '../../src/doctor/pair-context.js';
import type { CheckUnit } from '../../src/doctor/instances.js';
import type { DoctorContext } from '../../src/doctor/context.js';

const nodeUnitsFor = (units: CheckUnit<DoctorContext>[], name: string) => units.find((u) => u.instance === name)!.ctx;

setLang('en');

const DUAL = sample('tutorial-001-4.conf');
const START = Date.parse('2026-11-23T10:59:52Z');

/** One advert as tcpdump decodes it: this node's (outgoing) or the peer's. */
function advert(src: string, vrid: number, prio: number, vip: string, pass: string, i: number): CapturedAdvert {
  return {
    version: 2, type: 1, vrid, priority: prio, addresses: [vip], authType: 1, authData: pass, advertIntervalMs: 1000, checksumOk: true, checksumVariant: null,
    src, dst: '224.0.0.18', ttl: 255, family: 4, multicast: true, ah: false, linkSrc: null, direction: src === '192.0.2.11' ? 'outgoing' : 'incoming', ifindex: null, t: START + i * 1000,
  } as CapturedAdvert;
}

/**
 * Three seconds of the dual-master pair as this node (192.0.2.11) hears it: it is MASTER of
 * VI_1 (vrid 55), the peer 192.0.2.12 of VI_2 (vrid 56). `vi2Pass` is what the peer sends for VI_2.
 */
function dualCapture(vi2Pass = '1111'): CaptureResult {
  const adverts: CapturedAdvert[] = [];
  for (let i = 0; i < 3; i++) adverts.push(advert('192.0.2.11', 55, 150, '10.20.0.249', '1111', i), advert('192.0.2.12', 56, 150, '10.20.0.248', vi2Pass, i));
  return { iface: 'eth0', adverts, undecoded: [], tcpdumpMissing: false, error: null, durationMs: 3300, linktype: 1, counters: { captured: adverts.length, receivedByFilter: null, droppedByKernel: null }, pcap: null };
}

const LOG = [
  'Mon Nov 23 10:59:52 2026: Starting Keepalived v2.2.7 (01/16,2022)',
  'Mon Nov 23 10:59:52 2026: (VI_1) Entering BACKUP STATE',
  'Mon Nov 23 10:59:52 2026: (VI_2) Entering BACKUP STATE',
  'Mon Nov 23 10:59:55 2026: (VI_1) Entering MASTER STATE',
];

async function dualNode(o: { config?: string; vi2Pass?: string; holds?: string[] } = {}) {
  return fakeContext({
    config: o.config ?? DUAL,
    keepalived: keepalivedProcess(),
    capture: dualCapture(o.vi2Pass),
    logLines: LOG,
    holds: o.holds ?? ['10.20.0.249'],
    facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: true, pid: 30847, pids: [30847] } },
    options: { peers: ['192.0.2.12'] },
  });
}

const PER_INSTANCE = ALL_CHECKS.filter((c) => c.perInstance);
const statusOf = (r: DoctorReport, id: string, instance?: string) => r.checks.find((c) => c.id === id && c.instance === instance)?.status;

test('the checks about one instance are marked per instance; the node-wide ones are not', () => {
  assert.deepEqual(
    PER_INSTANCE.map((c) => c.id).sort(),
    ['advert-interval', 'check-script', 'cloud-multicast', 'election', 'multicast', 'peer-auth', 'priority', 'unicast', 'vip-placement', 'vip-reachable', 'vrid-conflict'],
  );
  for (const c of WIRE_CHECKS) assert.equal(c.perInstance, true, c.id);
  assert.equal(firewallVrrp.perInstance, undefined);
});

test('two instances: each per-instance check runs once per instance with that instance, named in the report; a node check once', async () => {
  const ctx = await dualNode();
  const units = await nodeUnits(ctx, true);
  assert.deepEqual(units.map((u) => u.instance), ['VI_1', 'VI_2']);
  assert.deepEqual(await Promise.all(units.map(async (u) => (await u.ctx.instance())?.virtualRouterId)), [55, 56]);
  // The per-instance contexts share the node's reads (one config, one capture) and are kept per instance.
  assert.equal(units[1]!.ctx, instanceContext(ctx, (await ctx.config())!.parsed.config.vrrpInstances[1]!));
  assert.equal(await units[0]!.ctx.capture(), await ctx.capture());

  const probe: Check = { id: 'probe', perInstance: true, title: () => 'probe', run: async (c) => ({ status: 'ok', summary: (await c.instance())!.name, details: [], fix: null }) };
  const node: Check = { id: 'node', title: () => 'node', run: async (c) => ({ status: 'ok', summary: (await c.instance())!.name, details: [], fix: null }) };
  const report = await runChecks(ctx, [probe, node]);
  assert.deepEqual(report.checks.map((c) => [c.id, c.instance, c.summary]), [['probe', 'VI_1', 'VI_1'], ['probe', 'VI_2', 'VI_2'], ['node', undefined, 'VI_1']]);
  assert.deepEqual(report.summary, { ok: 3, warn: 0, fail: 0, skip: 0, error: 0 });
});

test('a healthy dual-master node: every wire check and priority ok on both instances, each judged on its own VRID', async () => {
  const report = await runChecks(await dualNode(), [priority, election, ...WIRE_CHECKS]);
  assert.equal(report.checks.length, 2 * (2 + WIRE_CHECKS.length));
  for (const c of report.checks) {
    assert.ok(c.instance === 'VI_1' || c.instance === 'VI_2');
    // tutorial-001-4 tracks no script: election fails for want of one, on each instance; all else is ok.
    assert.equal(c.status, c.id === 'election' ? 'fail' : 'ok', `${c.id} [${c.instance}]: ${c.summary}\n${c.details.join('\n')}`);
  }
  // Each instance is judged on its own VRID: VI_1's peer is silent (we are its master), VI_2's master is the peer.
  const placement2 = report.checks.find((c) => c.id === 'vip-placement' && c.instance === 'VI_2')!;
  assert.match(placement2.summary, /192\.0\.2\.12/);
});

test('a wrong password on VI_2 only fails peer-auth [VI_2]; VI_1 stays ok; text and JSON name the instance', async () => {
  const report = await runChecks(await dualNode({ vi2Pass: 'wrong222' }), WIRE_CHECKS);
  assert.equal(statusOf(report, 'peer-auth', 'VI_2'), 'fail');
  assert.equal(statusOf(report, 'peer-auth', 'VI_1'), 'ok');
  const text = renderDoctorReport(report).join('\n');
  assert.match(text, /peer-auth \[VI_2\]\s+\S/);
  assert.match(text, /FAIL peer-auth \[VI_2\]: /);
  const json = doctorJson(report);
  const entry = json.checks.find((c) => c.id === 'peer-auth' && c.instance === 'VI_2')!;
  assert.equal(entry.status, 'fail');
  assert.deepEqual(Object.keys(entry), ['id', 'instance', 'status', 'summary', 'details', 'fix']);
});

test('a config fault of one instance (priority 255 on VI_2) is that instance\'s', async () => {
  const owner = DUAL.replace(/(virtual_router_id 56\s+priority )100/, '$1255');
  assert.notEqual(owner, DUAL);
  const report = await runChecks(await dualNode({ config: owner }), [priority]);
  assert.deepEqual(report.checks.map((c) => [c.instance, c.status]), [['VI_1', 'ok'], ['VI_2', 'fail']]);
  assert.match(report.checks[1]!.summary, /VI_2/);
});

test('one instance: the report is as it always was (no instance field, no label)', async () => {
  const one = sample('tutorial-001-1.conf');
  const ctx = await fakeContext({ config: one });
  assert.equal((await ctx.config())!.parsed.config.vrrpInstances.length, 1);
  const report = await runChecks(ctx, [priority]);
  assert.equal(report.checks.length, 1);
  assert.equal('instance' in report.checks[0]!, false);
  assert.equal('instance' in doctorJson(report).checks[0]!, false);
  assert.doesNotMatch(renderDoctorReport(report).join('\n'), /\[/);
});

test('instances of two nodes pair up by name, else by VRID; the rest has no counterpart', async () => {
  const parsed = (await (await fakeContext({ config: DUAL })).config())!.parsed.config.vrrpInstances;
  const [vi1, vi2] = parsed as [typeof parsed[0], typeof parsed[0]];
  const renamed = { ...vi2, name: 'VI_B' };
  const other = { ...vi1, name: 'VI_X', virtualRouterId: 99 };
  const names = (m: ReturnType<typeof matchInstances>) => m.map(([a, b]) => [a?.name ?? null, b?.name ?? null]);
  assert.deepEqual(names(matchInstances([vi1, vi2], [vi2, vi1])), [['VI_1', 'VI_1'], ['VI_2', 'VI_2']]);
  assert.deepEqual(names(matchInstances([vi1, vi2], [renamed, vi1])), [['VI_1', 'VI_1'], ['VI_2', 'VI_B']]);
  assert.deepEqual(names(matchInstances([vi1, vi2], [vi1, other])), [['VI_1', 'VI_1'], ['VI_2', null], [null, 'VI_X']]);
});

test('fixes on a dual-master node rewrite both instances: a VRID change for VI_2 is --second-vrid; the pair fix keeps --mode active-active', async () => {
  const ctx = await dualNode({ config: dualMasterA() });
  const vi2 = nodeUnitsFor(await nodeUnits(ctx, true), 'VI_2');
  const pair = (await pairConfig(vi2))!;
  assert.equal(pair.instance.name, 'VI_2');
  assert.equal(
    await setupCommand(vi2, pair, { vrid: 57 }),
    'ha-setup setup --mode active-active --role master --interface eth0 --vip 10.20.0.249/24 --vrid 55 --priority 150 --second-vip 10.20.0.248/24 --second-vrid 57 --second-priority 100 --advert-int 1 --router-id lb01 --email 422298140@qq.com --auth-pass "$AUTH_PASS" --existing replace --yes',
  );
  const parsed = (await ctx.config())!.parsed.config;
  const p = createPairContext(ctx, ctx, { a: 'root@web1', b: 'root@web2' });
  assert.equal(
    pairSetupCommand(p, { label: 'root@web1', config: parsed, instance: parsed.vrrpInstances[1]! }),
    'ha-setup setup --host root@web1 --host root@web2 --mode active-active --vip 10.20.0.249/24 --vrid 55 --second-vip 10.20.0.248/24 --second-vrid 56 --yes',
  );
});

test('--check ID selects the check on every instance; failover-test\'s preflight names the instance that blocks it', async () => {
  const ctx = await dualNode({ config: DUAL.replace(/(virtual_router_id 56\s+priority )100/, '$1255') });
  const report = await runChecks(ctx, selectChecks(ALL_CHECKS, 'priority'));
  assert.deepEqual(report.checks.map((c) => checkName(c)), ['priority [VI_1]', 'priority [VI_2]']);
  assert.deepEqual(blockingFailures(report), [`priority [VI_2]: ${report.checks[1]!.summary}`]);
});

test('--fix on two instances: each failing instance is repaired with its own context; one repair two instances share is applied once', async () => {
  const ctx = await dualNode();
  const services = new FakeServices('sysv');
  let fixed = false;
  // VI_2 fails until repaired; its repair and VI_1's (a warning) are the same step: enable nginx once.
  const shared: Check = {
    id: 'shared',
    perInstance: true,
    title: () => 'shared',
    run: async (c) => ({ status: fixed ? 'ok' : (await c.instance())!.name === 'VI_2' ? 'fail' : 'warn', summary: 's', details: [], fix: { explain: 'e', commands: [] } }),
    fixSteps: async () => ((fixed = true), [{ kind: 'service', op: 'enable', name: 'nginx', why: 'test' }]),
  };
  // Each instance's own repair (a restart for VI_1, a reload for VI_2): both applied.
  const own: Check = {
    id: 'own',
    perInstance: true,
    title: () => 'own',
    run: async () => ({ status: 'fail', summary: 'o', details: [], fix: { explain: 'e', commands: [] } }),
    fixSteps: async (c) => [{ kind: 'service', op: (await c.instance())!.name === 'VI_1' ? 'restart' : 'reload', name: 'keepalived', why: 'test' }],
  };
  const first = await runChecks(ctx, [shared, own]);
  let asked: string[] = [];
  const done = await applyFixes(ctx, [shared, own], first, {
    confirm: async (list) => ((asked = list.map((x) => checkName(x.report))), true),
    freshContext: () => ctx,
    applyWith: { host: ctx.host, services },
    settle: async () => undefined,
  });
  assert.deepEqual(asked, ['shared [VI_1]', 'shared [VI_2]', 'own [VI_1]', 'own [VI_2]']);
  assert.deepEqual(services.calls, ['enable nginx', 'restart keepalived', 'reload keepalived']);
  assert.deepEqual(done.fixes.map((f) => [checkName(f), f.applied, f.actions.length]), [['shared [VI_1]', true, 1], ['shared [VI_2]', true, 0], ['own [VI_1]', true, 1], ['own [VI_2]', true, 1]]);
  assert.deepEqual(done.report.checks.map((c) => `${checkName(c)} ${c.status}`), ['shared [VI_1] ok', 'shared [VI_2] ok', 'own [VI_1] fail', 'own [VI_2] fail']);
});
