/**
 * The pair checks over two fake node contexts whose configurations come from the real
 * config builder (what setup writes), then altered the way a hand edit would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeepalivedConfig } from '../../src/setup/keepalived-config.js';
import { derivePairAnswers, type PairNodeView } from '../../src/setup/pair.js';
import type { KeepalivedConfig } from '../../src/keepalived/model.js';
import type { DoctorContext } from '../../src/doctor/context.js';
import { clockOffset, createPairContext, type PairContext } from '../../src/doctor/pair-context.js';
import { pairChecks } from '../../checks/pair/index.js';
import { exitCodeFor, runPairChecks } from '../../src/doctor/run.js';
import { pairExitCode, type PairDoctorReport } from '../../src/doctor/run.js';
import { factsFor } from '../helpers/facts.js';

interface FakeNode {
  config: KeepalivedConfig | null;
  address: string;
  holds: string[];
  version?: string;
  /** ms this node's clock is ahead. */
  clockAheadMs?: number;
}

function fakeContext(n: FakeNode, showSecrets = false): DoctorContext {
  const facts = factsFor('debian10', {
    interfaces: [{ name: 'eth0', up: true, ipv4: [`${n.address}/24`], ipv6: [], mac: null, default: true, loopback: false }],
    keepalived: { installed: true, path: '/usr/sbin/keepalived', version: n.version ?? '2.2.7', running: true, pid: 1, pids: [1] },
  });
  const host = {
    kind: 'ssh',
    label: n.address,
    root: '/',
    async exec(cmd: string) {
      assert.equal(cmd, 'date');
      const ns = BigInt(Date.now() + (n.clockAheadMs ?? 0)) * 1_000_000n;
      return { command: [cmd], exitCode: 0, stdout: `${ns}\n`, stderr: '', notFound: false, timedOut: false };
    },
  };
  return {
    host,
    options: { configPath: null, logPath: null, showSecrets, captureMs: null, peers: [] },
    facts: async () => facts,
    config: async () => (n.config ? { path: '/etc/keepalived/keepalived.conf', source: 'default', parsed: { config: n.config } } : null),
    instance: async () => n.config?.vrrpInstances[0] ?? null,
    holdsAddress: async (a: string) => n.holds.includes(a.split('/')[0]!),
  } as unknown as DoctorContext;
}

/** Both nodes configured as the pair setup configures them. */
function pairConfigs(): [KeepalivedConfig, KeepalivedConfig] {
  const views: [PairNodeView, PairNodeView] = [
    { label: 'A', hostname: 'a', interfaces: [{ name: 'eth0', up: true, loopback: false, ipv4: ['192.0.2.11/24'], ipv6: [], default: true }] },
    { label: 'B', hostname: 'b', interfaces: [{ name: 'eth0', up: true, loopback: false, ipv4: ['192.0.2.12/24'], ipv6: [], default: true }] },
  ];
  const answers = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'secret12' }, views);
  return answers.map((a, i) =>
    buildKeepalivedConfig(a, { checkScriptPath: '/etc/keepalived/check_nginx.sh', scriptUser: 'root', unicastSrcIp: i === 0 ? '192.0.2.11' : '192.0.2.12', keepalivedVersion: '2.2.7' }),
  ) as [KeepalivedConfig, KeepalivedConfig];
}

function pair(a: Partial<FakeNode>, b: Partial<FakeNode>, showSecrets = false): PairContext {
  const [ca, cb] = pairConfigs();
  const na: FakeNode = { config: ca, address: '192.0.2.11', holds: ['192.0.2.50'], ...a };
  const nb: FakeNode = { config: cb, address: '192.0.2.12', holds: [], ...b };
  return createPairContext(fakeContext(na, showSecrets), fakeContext(nb, showSecrets), { a: 'root@192.0.2.11', b: 'root@192.0.2.12' });
}

async function statuses(p: PairContext): Promise<Record<string, string>> {
  const report = await runPairChecks(p, pairChecks);
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

test('a pair set up by ha-setup passes every pair check', async () => {
  const report = await runPairChecks(pair({}, {}), pairChecks);
  for (const c of report.checks) assert.equal(c.status, 'ok', `${c.id}: ${c.summary} ${c.details.join(' | ')}`);
  assert.equal(report.checks.length, pairChecks.length);
});

test('a password changed on one node fails pair-same-auth, masked unless --show-secrets', async () => {
  const [, cb] = pairConfigs();
  cb.vrrpInstances[0]!.authentication!.authPass = 'other123';
  const p = pair({}, { config: cb });
  const report = await runPairChecks(p, pairChecks);
  const auth = report.checks.find((c) => c.id === 'pair-same-auth')!;
  assert.equal(auth.status, 'fail');
  assert.ok(!auth.details.join(' ').includes('other123'), 'password hidden');
  assert.ok(auth.fix!.commands[0]!.startsWith('ha-setup setup --host root@192.0.2.11 --host root@192.0.2.12 --vip 192.0.2.50/24'));
  const shown = (await runPairChecks(pair({}, { config: cb }, true), pairChecks)).checks.find((c) => c.id === 'pair-same-auth')!;
  assert.ok(shown.details.some((d) => d.includes('PASS other123')));
  // keepalived compares only 8 characters: a difference after them is no difference.
  const [, cc] = pairConfigs();
  cc.vrrpInstances[0]!.authentication!.authPass = 'secret12-tail';
  assert.equal((await statuses(pair({}, { config: cc })))['pair-same-auth'], 'ok');
});

test('VRID, advert_int, VRRP version and VIP set differences each fail their check', async () => {
  const cases: Array<[string, (c: KeepalivedConfig) => void]> = [
    ['pair-same-vrid', (c) => (c.vrrpInstances[0]!.virtualRouterId = 77)],
    ['pair-same-advert-int', (c) => (c.vrrpInstances[0]!.advertInt = 3)],
    ['pair-same-vrrp-version', (c) => (c.vrrpInstances[0]!.version = 3)],
    ['pair-same-vips', (c) => c.vrrpInstances[0]!.virtualIpaddress.push({ ...c.vrrpInstances[0]!.virtualIpaddress[0]!, address: '192.0.2.51/24' })],
  ];
  for (const [id, change] of cases) {
    const [, cb] = pairConfigs();
    change(cb);
    const s = await statuses(pair({}, { config: cb }));
    assert.equal(s[id], 'fail', id);
  }
});

test('priorities: equal fails, a BACKUP above the MASTER fails', async () => {
  const [ca, cb] = pairConfigs();
  cb.vrrpInstances[0]!.priority = 150;
  assert.equal((await statuses(pair({ config: ca }, { config: cb })))['pair-priorities'], 'fail');
  const [cc, cd] = pairConfigs();
  cd.vrrpInstances[0]!.priority = 200;
  assert.equal((await statuses(pair({ config: cc }, { config: cd })))['pair-priorities'], 'fail');
});

test('nopreempt on a MASTER-state node is reported as ignored', async () => {
  const [ca] = pairConfigs();
  ca.vrrpInstances[0]!.nopreempt = true;
  assert.equal((await statuses(pair({ config: ca }, {})))['pair-nopreempt'], 'warn');
});

test('unicast peers that do not point at each other, or unicast against multicast, fail', async () => {
  const [, cb] = pairConfigs();
  cb.vrrpInstances[0]!.unicastPeer = ['192.0.2.99'];
  assert.equal((await statuses(pair({}, { config: cb })))['pair-unicast-peers'], 'fail');
  const [, cd] = pairConfigs();
  cd.vrrpInstances[0]!.unicastPeer = [];
  assert.equal((await statuses(pair({}, { config: cd })))['pair-unicast-peers'], 'fail');
});

test('VIP on both nodes (split brain) or on none fails pair-vip-holder', async () => {
  assert.equal((await statuses(pair({}, { holds: ['192.0.2.50'] })))['pair-vip-holder'], 'fail');
  assert.equal((await statuses(pair({ holds: [] }, {})))['pair-vip-holder'], 'fail');
});

test('keepalived versions: different releases warn; an option the older one lacks fails', async () => {
  assert.equal((await statuses(pair({ version: '2.2.7' }, { version: '2.2.8' })))['pair-keepalived-versions'], 'warn');
  const [ca, cb] = pairConfigs();
  // what the builder writes for 2.2.5 and later
  for (const c of [ca, cb]) c.vrrpInstances[0]!.extra.push({ keyword: 'unicast_fault_no_peer', args: [], block: null });
  assert.equal((await statuses(pair({ config: ca, version: '2.2.8' }, { config: cb, version: '2.1.5' })))['pair-keepalived-versions'], 'fail');
});

test('clocks: a minute apart fails, the offset is measured b - a', async () => {
  assert.equal((await statuses(pair({}, { clockAheadMs: 60_000 })))['pair-clock'], 'fail');
  assert.equal((await statuses(pair({}, { clockAheadMs: 5_000 })))['pair-clock'], 'warn');
  const c = clockOffset({ atMs: 1000, sentMs: 990, rttMs: 20 }, { atMs: 3000, sentMs: 1010, rttMs: 40 });
  assert.deepEqual(c, { offsetMs: 1970, uncertaintyMs: 20 });
});

test('a node without a config skips the comparisons with the reason', async () => {
  const report = await runPairChecks(pair({}, { config: null }), pairChecks);
  const vrid = report.checks.find((c) => c.id === 'pair-same-vrid')!;
  assert.equal(vrid.status, 'skip');
  assert.match(vrid.summary, /vrrp_instance/);
});

test('a pair check that throws or runs out of time is an error, not a fault of the pair; exit 3', async () => {
  const p = pair({}, {});
  const broken = { ...pairChecks[0]!, id: 'broken', run: async () => { throw new Error('boom'); } };
  const stuck = { ...pairChecks[0]!, id: 'stuck', run: () => new Promise<never>(() => {}) };
  const report = await runPairChecks(p, [broken, stuck, pairChecks[0]!], { timeoutMs: 200 });
  assert.deepEqual(report.checks.map((c) => c.status), ['error', 'error', 'ok']);
  assert.match(report.checks[0]!.summary, /boom/);
  assert.match(report.checks[1]!.summary, /no answer within 0 s/);
  assert.equal(report.summary.error, 2);
  assert.equal(exitCodeFor(report), 3);
  // With both nodes' reports: a failure anywhere outranks the pair's error.
  const node = (fail: number) => ({ ...report, checks: [], summary: { ok: 0, warn: 0, fail, skip: 0, error: 0 } });
  const whole = (fail: number): PairDoctorReport => ({ nodes: [node(0), node(fail)], pair: report, durationMs: 0 });
  assert.equal(pairExitCode(whole(0)), 3);
  assert.equal(pairExitCode(whole(1)), 2);
});
