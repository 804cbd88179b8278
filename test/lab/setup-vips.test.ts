import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_ADDRESSES, LAB_VIP, LAB_VIP_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { cliPath } from '../helpers/paths.js';
import { EXIT } from '../../src/exit-codes.js';
import { nodeTreeHash } from '../helpers/tree-hash.js';

// Several VIPs in the one VRRP instance, set up on a running lab pair the way an operator
// would: the master holds them all, a client reaches each, the backup none, doctor is clean.
const EXTRA = '192.0.2.51';
let release: () => Promise<void>;
before(async () => {
  release = await takeLabLock('setup-vips');
  const up = await runCli(['lab', 'up', '--recreate']);
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  await runCli(['lab', 'down']);
  await release();
});

function onNode(node: 'ha1' | 'ha2', args: string[]) {
  return runCli(args, { netns: node, env: labExecEnv(node) });
}

const setup = (role: string, node: string) => ['setup', '--role', role, '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--vip', `${EXTRA}/24`, '--vrid', String(LAB_VRRP.vrid), '--auth-pass', LAB_VRRP.authPass, '--router-id', node, '--yes', '--json'];

async function holds(node: 'ha1' | 'ha2'): Promise<string[]> {
  const r = await execa('ip', ['netns', 'exec', node, 'ip', '-j', 'addr', 'show', 'dev', 'eth0']);
  const list = JSON.parse(r.stdout) as Array<{ addr_info: Array<{ local: string }> }>;
  return list.flatMap((l) => l.addr_info.map((a) => a.local)).filter((a) => a === LAB_VIP || a === EXTRA).sort();
}

async function clientGets(address: string): Promise<number> {
  const r = await execa('ip', ['netns', 'exec', 'client', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://${address}/`], { reject: false });
  return Number(r.stdout);
}

test('a second --vip joins the instance on both nodes: the master holds both, the client reaches both, the backup holds none', async () => {
  const backup = await onNode('ha2', setup('backup', 'ha2'));
  assert.equal(backup.code, 0, backup.stderr);
  const master = await onNode('ha1', setup('master', 'ha1'));
  assert.equal(master.code, 0, master.stderr);
  const out = JSON.parse(master.stdout);
  assert.equal(out.status, 'applied');
  assert.deepEqual(out.answers.extraVips, [`${EXTRA}/24`]);
  assert.equal(out.verification.holdsVip, true, JSON.stringify(out.verification));
  assert.deepEqual(out.peerCommand.filter((_: string, i: number, a: string[]) => a[i - 1] === '--vip'), [LAB_VIP_CIDR, `${EXTRA}/24`]);
  assert.deepEqual(await holds('ha1'), [LAB_VIP, EXTRA].sort());
  assert.deepEqual(await holds('ha2'), []);
  assert.equal(await clientGets(LAB_VIP), 200);
  assert.equal(await clientGets(EXTRA), 200);
});

test('re-running with the same VIPs changes nothing, and doctor is clean on both nodes', async () => {
  const again = await onNode('ha1', setup('master', 'ha1'));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).status, 'unchanged');
  for (const node of ['ha1', 'ha2'] as const) {
    const d = await onNode(node, ['doctor', '--json']);
    assert.equal(d.code, 0, `${node}: ${d.stdout}`);
  }
});

test('failover-test watches every VIP of the master: one outage per VIP, both back on ha1 afterwards', async () => {
  const r = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--json'], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.vips.map((v: { vip: string }) => v.vip), [LAB_VIP, EXTRA]);
  for (const v of report.vips) {
    assert.equal(v.failover.new_owner, LAB_ADDRESSES.ha2, JSON.stringify(v));
    assert.ok(v.failover.outage_ms > 0 && v.within_bound, JSON.stringify(v));
    assert.ok(v.requests > 20, JSON.stringify(v));
    process.stderr.write(`# ${v.vip}: failover ${v.failover.outage_ms} ms (${v.failover.failed_requests} failed), failback ${v.failback.outage_ms} ms\n`);
  }
  assert.equal(report.restored, true);
  assert.deepEqual(await holds('ha1'), [LAB_VIP, EXTRA].sort());
  const text = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--vip', EXTRA], { timeoutMs: 90_000 });
  assert.equal(text.code, 0, text.stderr);
  // --vip: that VIP alone is watched (and named in the title).
  assert.match(text.stdout, new RegExp(`failover-test \\(drain\\) of VIP ${EXTRA.replace(/\./g, '\\.')}`));
  assert.doesNotMatch(text.stdout, new RegExp(`${LAB_VIP.replace(/\./g, '\\.')}: failover`));
});

test('the same VIP twice is refused naming --vip and both values, and nothing changes', async () => {
  const before = nodeTreeHash(labNodeRoot('ha1'));
  const r = await onNode('ha1', ['setup', '--role', 'master', '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--vip', LAB_VIP, '--auth-pass', LAB_VRRP.authPass, '--yes']);
  assert.equal(r.code, EXIT.usage, r.stderr);
  assert.match(r.stderr, /--vip.*"192\.0\.2\.50\/24 192\.0\.2\.50".*given twice/s);
  assert.deepEqual(nodeTreeHash(labNodeRoot('ha1')), before);
  assert.deepEqual(await holds('ha1'), [LAB_VIP, EXTRA].sort());
});
