// doctor on a real dual-master (双主) pair: `lab up --active-active --ssh` (VI_1: VIP
// 192.0.2.50, ha1 MASTER; VI_2: VIP 192.0.2.51, ha2 MASTER), doctor on each node inside its
// namespace and of the pair from the client over ssh, through the built CLI. Healthy: all
// ok, every instance-level check once per instance. Then faults of VI_2 only, each named
// for VI_2 and the right node while VI_1 stays ok. Needs root, keepalived, nginx, tcpdump,
// openssh-server, curl (.ci/run installs them); run `node scripts/build.mjs` first.
// Takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { LAB_ADDRESSES, LAB_IFACE, LAB_VIP2, LAB_VIP2_CIDR, type LabNodeName } from '../../src/lab/constants.js';
import { passwordVi2OnHa2, sleep, until, vip2ByHandOnHa1, waitHealthyActiveActive, WRONG_PASS, type Fault } from '../fixtures/doctor-wire/lab-faults.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { pairChecks } from '../../checks/pair/index.js';
import type { DoctorReport } from '../../src/doctor/run.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;
const HOSTS = ['--host', A, '--host', B];
const PER_INSTANCE = ALL_CHECKS.filter((c) => c.perInstance).map((c) => c.id);
const WIRE = ['multicast', 'unicast', 'peer-auth', 'vrid-conflict', 'advert-interval', 'vip-placement'];

type Report = Pick<DoctorReport, 'checks' | 'summary'>;
interface PairJson {
  nodes: Record<string, Report>;
  pair: Report;
}

let release: (() => Promise<void>) | undefined;
/** The fault in force, put back even when its test fails. */
let induced: Fault | null = null;

/** `fault` induced and settled, `check` run, the fault undone and the pair healthy again. */
async function withFault(fault: Fault, check: () => Promise<void>): Promise<void> {
  await waitHealthyActiveActive(20_000);
  induced = fault;
  await fault.induce();
  try {
    await until(`${fault.id} to take effect`, fault.settled, 20_000);
    await check();
  } finally {
    induced = null;
    await fault.undo();
  }
  await waitHealthyActiveActive(20_000);
}

async function doctorOn(node: LabNodeName): Promise<{ code: number; report: Report; text: string }> {
  const r = await runCli(['lab', 'exec', node, '--', 'node', cliPath, 'doctor', '--json'], { timeoutMs: 90_000 });
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    assert.fail(`doctor on ${node} printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  const text = await runCli(['lab', 'exec', node, '--', 'node', cliPath, 'doctor'], { timeoutMs: 90_000 });
  return { code: r.code, report, text: text.stdout };
}

async function doctorPair(): Promise<{ code: number; out: PairJson; text: string }> {
  const r = await runCli(['lab', 'exec', 'client', '--', 'node', cliPath, 'doctor', ...HOSTS, '--json'], { timeoutMs: 180_000 });
  let out: PairJson;
  try {
    out = JSON.parse(r.stdout) as PairJson;
  } catch {
    assert.fail(`pair doctor printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  const text = await runCli(['lab', 'exec', 'client', '--', 'node', cliPath, 'doctor', ...HOSTS], { timeoutMs: 180_000 });
  return { code: r.code, out, text: text.stdout };
}

function entry(r: Report, id: string, instance?: string) {
  const c = r.checks.find((x) => x.id === id && x.instance === instance);
  assert.ok(c, `no ${id}${instance ? ` [${instance}]` : ''} in the report: ${r.checks.map((x) => `${x.id}[${x.instance ?? ''}]`).join(' ')}`);
  return c;
}

const why = (c: Report['checks'][number]) => `${c.id} [${c.instance ?? '-'}] ${c.status}: ${c.summary}\n${c.details.join('\n')}`;

before(async () => {
  release = await takeLabLock('doctor-active-active');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh', '--active-active'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  await waitHealthyActiveActive();
});

after(async () => {
  await induced?.undo().catch(() => undefined);
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

test('a healthy dual-master lab: all ok on both nodes, every instance-level check once per instance', async () => {
  // Let the start-up elections end (each node preempts the other for its own instance).
  await sleep(3000);
  for (const node of ['ha1', 'ha2'] as const) {
    const { code, report, text } = await doctorOn(node);
    const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error').map(why);
    assert.deepEqual(bad, [], `${node}:\n${bad.join('\n')}`);
    assert.equal(code, 0, node);
    for (const id of PER_INSTANCE) assert.deepEqual(report.checks.filter((c) => c.id === id).map((c) => c.instance), ['VI_1', 'VI_2'], `${node} ${id}`);
    for (const id of WIRE) for (const i of ['VI_1', 'VI_2']) assert.equal(entry(report, id, i).status, 'ok', `${node} ${id} [${i}]`);
    assert.equal(entry(report, 'firewall-vrrp').status, 'ok');
    assert.match(text, /ok\s+vip-placement \[VI_2\]\s+/);
  }
});

test('a healthy dual-master pair: every pair check ok, compared instance by instance', async () => {
  const { code, out } = await doctorPair();
  assert.deepEqual(Object.keys(out.nodes), [A, B]);
  for (const c of out.pair.checks) assert.equal(c.status, 'ok', why(c));
  for (const c of pairChecks.filter((x) => x.perInstance)) assert.deepEqual(out.pair.checks.filter((r) => r.id === c.id).map((r) => r.instance), ['VI_1', 'VI_2'], c.id);
  for (const [node, report] of Object.entries(out.nodes)) for (const c of report.checks) assert.notEqual(c.status, 'fail', `${node} ${why(c)}`);
  assert.ok(code === 0 || code === 1, `exit ${code}`);
  // Per VIP, where it goes when nginx dies on either node.
  const vi2 = entry(out.pair, 'pair-election', 'VI_2');
  assert.ok(vi2.details.includes(`${LAB_VIP2_CIDR}: ${B}; nginx down on ${A}: ${B}; nginx down on ${B}: ${A}`), vi2.details.join('\n'));
});

test('a wrong auth_pass on VI_2 of ha2 only: peer-auth [VI_2] fails on ha2 and on ha1, pair-same-auth [VI_2] fails; VI_1 stays ok', () =>
  withFault(passwordVi2OnHa2, async () => {
    for (const node of ['ha2', 'ha1'] as const) {
      const { code, report, text } = await doctorOn(node);
      assert.equal(entry(report, 'peer-auth', 'VI_2').status, 'fail', `${node} ${why(entry(report, 'peer-auth', 'VI_2'))}`);
      assert.equal(entry(report, 'peer-auth', 'VI_1').status, 'ok', `${node} ${why(entry(report, 'peer-auth', 'VI_1'))}`);
      assert.equal(code, 2);
      assert.match(text, /FAIL peer-auth \[VI_2\]: /);
    }
    const { code, out, text } = await doctorPair();
    assert.equal(code, 2);
    assert.equal(entry(out.pair, 'pair-same-auth', 'VI_2').status, 'fail', why(entry(out.pair, 'pair-same-auth', 'VI_2')));
    assert.equal(entry(out.pair, 'pair-same-auth', 'VI_1').status, 'ok');
    assert.ok(!JSON.stringify(out).includes(WRONG_PASS), 'the password is not printed without --show-secrets');
    assert.match(text, /FAIL pair-same-auth \[VI_2\]: /);
  }));

test('VI_2\'s VIP added by hand on ha1 (held by both): vip-placement [VI_2] fails on ha1, pair-vip-holder [VI_2] fails; VI_1 stays ok', () =>
  withFault(vip2ByHandOnHa1, async () => {
    const { report } = await doctorOn('ha1');
    const placed = entry(report, 'vip-placement', 'VI_2');
    assert.equal(placed.status, 'fail', why(placed));
    assert.ok(placed.fix?.commands.includes(`ha-setup lab exec ha1 -- ip addr del ${LAB_VIP2_CIDR} dev ${LAB_IFACE}`), JSON.stringify(placed.fix));
    assert.equal(entry(report, 'vip-placement', 'VI_1').status, 'ok', why(entry(report, 'vip-placement', 'VI_1')));
    const { out } = await doctorPair();
    const holder = entry(out.pair, 'pair-vip-holder', 'VI_2');
    assert.equal(holder.status, 'fail', why(holder));
    assert.match(holder.summary, new RegExp(LAB_VIP2.replaceAll('.', '\\.')));
    assert.equal(entry(out.pair, 'pair-vip-holder', 'VI_1').status, 'ok');
  }));
