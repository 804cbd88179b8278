import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_VIP, LAB_VIP2, LAB_VIP_CIDR, LAB_VIP2_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { labServices } from '../../src/lab/services.js';
import { EXIT } from '../../src/exit-codes.js';
import { nodeTreeHash } from '../helpers/tree-hash.js';
import { clientOutages, startClientProber } from '../helpers/prober.js';
import { cliPath } from '../helpers/paths.js';
import { HANDOVER_ALLOWANCE_MS } from '../../src/failover/bound.js';

// Dual-master (双主) the way an operator builds it: `lab up --active-active` runs the real
// setup on each node; each node is MASTER of one VIP, a client reaches both, a dead nginx
// moves that node's VIP to the other and its return brings it back.
let release: () => Promise<void>;
before(async () => {
  release = await takeLabLock('setup-active-active');
  const up = await runCli(['lab', 'up', '--recreate', '--active-active']);
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  await labServices('ha1').start('nginx');
  await runCli(['lab', 'down']);
  await release();
});

type Node = 'ha1' | 'ha2';
const onNode = (node: Node, args: string[]) => runCli(args, { netns: node, env: labExecEnv(node) });

async function holds(node: Node): Promise<string[]> {
  const r = await execa('ip', ['netns', 'exec', node, 'ip', '-j', 'addr', 'show', 'dev', 'eth0']);
  const list = JSON.parse(r.stdout) as Array<{ addr_info: Array<{ local: string }> }>;
  return list.flatMap((l) => l.addr_info.map((a) => a.local)).filter((a) => a === LAB_VIP || a === LAB_VIP2).sort();
}

async function clientGets(address: string): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', 'client', 'curl', '-s', '--max-time', '2', `http://${address}/`], { reject: false });
  return r.stdout.trim();
}

async function until(what: string, ok: () => Promise<boolean>, ms = 8000): Promise<number> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

test('lab up --active-active: each node holds its own VIP, the client reaches both, status is healthy', async () => {
  assert.deepEqual(await holds('ha1'), [LAB_VIP]);
  assert.deepEqual(await holds('ha2'), [LAB_VIP2]);
  // Each lab nginx answers with its node's name.
  assert.equal(await clientGets(LAB_VIP), 'ha1');
  assert.equal(await clientGets(LAB_VIP2), 'ha2');
  const s = await runCli(['lab', 'status', '--json']);
  assert.equal(s.code, EXIT.ok, s.stdout);
  const status = JSON.parse(s.stdout);
  assert.equal(status.mode, 'active-active');
  assert.deepEqual(status.vips.map((v: { vip: string; holder: string }) => [v.vip, v.holder]), [[LAB_VIP, 'ha1'], [LAB_VIP2, 'ha2']]);
});

test('re-running setup on each node with no flags changes nothing; doctor is clean on both', async () => {
  for (const node of ['ha1', 'ha2'] as const) {
    const before = nodeTreeHash(labNodeRoot(node));
    const again = await onNode(node, ['setup', '--yes', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.status, 'unchanged', `${node}: ${JSON.stringify(out.plan)}`);
    assert.equal(out.answers.mode, 'active-active');
    assert.deepEqual(nodeTreeHash(labNodeRoot(node)), before);
    const d = await onNode(node, ['doctor', '--json']);
    assert.equal(d.code, EXIT.ok, `${node}: ${d.stdout}`);
  }
});

test('nginx stopping on ha1 moves its VIP to ha2 (both instances leave ha1), and its return takes it back', async () => {
  const stopped = await labServices('ha1').stop('nginx');
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  const moved = await until('ha2 holds both VIPs', async () => (await holds('ha2')).length === 2 && (await holds('ha1')).length === 0);
  assert.ok(moved < 5000, `moved after ${moved} ms`);
  process.stderr.write(`# nginx stopped on ha1: both VIPs on ha2 after ${moved} ms (polled every 100 ms)\n`);
  assert.equal(await clientGets(LAB_VIP), 'ha2');
  assert.equal(await clientGets(LAB_VIP2), 'ha2');
  const started = await labServices('ha1').start('nginx');
  assert.equal(started.exitCode, 0, started.stderr);
  await until('ha1 takes its VIP back', async () => (await holds('ha1')).join() === LAB_VIP && (await holds('ha2')).join() === LAB_VIP2);
  assert.equal(await clientGets(LAB_VIP), 'ha1');
});

for (const [node, vip, peer] of [['ha1', LAB_VIP, 'ha2'], ['ha2', LAB_VIP2, 'ha1']] as const) {
  test(`failover-test on ${node} takes down the master of its own VIP ${vip}: the client sees ${peer} answer, then ${node} again; the other VIP is untouched`, async () => {
    const own = await startClientProber(`http://${vip}/`, 50, 200);
    const other = await startClientProber(`http://${vip === LAB_VIP ? LAB_VIP2 : LAB_VIP}/`, 50, 200);
    const r = await runCli(['lab', 'exec', node, '--', 'node', cliPath, 'failover-test', '--yes', '--json'], { timeoutMs: 90_000 });
    const [mine, theirs] = [await own.stop(), await other.stop()];
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assert.equal(report.vip, vip);
    assert.equal(report.restored, true);
    const client = clientOutages(mine, node, peer);
    assert.ok(client.failover.outageMs > 0 && client.failover.outageMs <= report.expected_bound_ms + 50 + HANDOVER_ALLOWANCE_MS, JSON.stringify(client.failover));
    process.stderr.write(`# ${node} ${vip}: tool ${report.failover.outage_ms} ms, client ${client.failover.outageMs} ms (${client.failover.failed} failed), bound ${report.expected_bound_ms} ms\n`);
    // The other VIP's master was not touched: every request to it was answered by it.
    assert.ok(theirs.length > 20 && theirs.every((s) => s.body === peer), `the other VIP: ${JSON.stringify(theirs.filter((s) => s.body !== peer).slice(0, 3))}`);
    assert.deepEqual(await holds(node), [vip]);
  });
}

test('failover-test --vip names the VIP to test: another node\'s VIP, or one not in the config, is refused before any change', async () => {
  const before = nodeTreeHash(labNodeRoot('ha1'));
  const notMine = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--vip', LAB_VIP2], { timeoutMs: 60_000 });
  assert.notEqual(notMine.code, 0);
  assert.match(notMine.stderr, /not-master.*ha1.*192\.0\.2\.51/s);
  const unknown = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--vip', '192.0.2.99'], { timeoutMs: 60_000 });
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stdout + unknown.stderr, /192\.0\.2\.99.*192\.0\.2\.50 \(VI_1\), 192\.0\.2\.51 \(VI_2\)/s);
  const bad = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--vip', 'ten'], { timeoutMs: 60_000 });
  assert.equal(bad.code, EXIT.usage, bad.stderr);
  assert.match(bad.stderr, /--vip.*"ten"/s);
  assert.deepEqual(nodeTreeHash(labNodeRoot('ha1')), before);
});

test('bad active-active input is refused naming the field, and nothing changes on the node', async () => {
  const before = nodeTreeHash(labNodeRoot('ha1'));
  const common = ['setup', '--role', 'master', '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--auth-pass', LAB_VRRP.authPass, '--mode', 'active-active', '--yes'];
  const same = await onNode('ha1', [...common, '--second-vip', LAB_VIP_CIDR]);
  assert.equal(same.code, EXIT.usage, same.stderr);
  assert.match(same.stderr, /--second-vip.*192\.0\.2\.50\/24.*first instance/s);
  const vrid = await onNode('ha1', [...common, '--second-vip', LAB_VIP2_CIDR, '--vrid', '51', '--second-vrid', '51']);
  assert.equal(vrid.code, EXIT.usage, vrid.stderr);
  assert.match(vrid.stderr, /--second-vrid.*"51"/s);
  const standby = await onNode('ha1', [...common.filter((a) => a !== '--mode' && a !== 'active-active'), '--mode', 'active-standby', '--second-vip', LAB_VIP2_CIDR]);
  assert.equal(standby.code, EXIT.usage, standby.stderr);
  assert.match(standby.stderr, /--second-vip.*only with --mode active-active/s);
  assert.deepEqual(nodeTreeHash(labNodeRoot('ha1')), before);
  assert.deepEqual(await holds('ha1'), [LAB_VIP]);
});
