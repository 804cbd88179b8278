import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { Terminal } from '../helpers/tmux.js';
import { nodeTreeHash, treeDiff } from '../helpers/tree-hash.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { labServices } from '../../src/lab/services.js';
import { LAB_VIP_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';

// The real setup flow on a running lab node, as an operator would re-run it.
let release: () => Promise<void>;
before(async () => {
  release = await takeLabLock('setup-rerun');
  const up = await runCli(['lab', 'up', '--recreate']);
  assert.equal(up.code, 0, up.stderr);
});
// Every terminal a test starts: a test that fails half-way leaves its wizard waiting otherwise.
const terms: Terminal[] = [];
after(async () => {
  for (const term of terms) term.kill();
  await runCli(['lab', 'down']);
  await release();
});

function onNode(node: 'ha1' | 'ha2', args: string[]) {
  return runCli(args, { netns: node, env: labExecEnv(node) });
}

const answers = (role: string) => ['setup', '--role', role, '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--vrid', String(LAB_VRRP.vrid), '--auth-pass', LAB_VRRP.authPass];

test('re-running setup with the same answers on the master that holds the VIP changes nothing', async () => {
  const r = await onNode('ha1', [...answers('master'), '--router-id', 'ha1', '--yes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'unchanged');
  assert.deepEqual(out.plan, []);
});

test('a changed answer on the backup is planned as a diff of keepalived.conf and nothing else runs under --dry-run', async () => {
  const r = await onNode('ha2', [...answers('backup'), '--router-id', 'ha2', '--priority', '90', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /-    priority 100\n\s+\+    priority 90\n/);
  // keepalived runs: it re-reads its config on SIGHUP, the VIP does not move.
  assert.match(r.stdout, /reload keepalived/);
  assert.doesNotMatch(r.stdout, /restart keepalived/);
  const status = await runCli(['lab', 'status', '--json']);
  assert.equal(JSON.parse(status.stdout).vipHolder, 'ha1');
});

/** The node's files and its keepalived, to compare after a run that must change nothing. */
async function snapshot(node: 'ha1' | 'ha2') {
  return { tree: nodeTreeHash(labNodeRoot(node)), pid: await labServices(node).pid('keepalived') };
}

async function assertUnchanged(node: 'ha1' | 'ha2', before: Awaited<ReturnType<typeof snapshot>>) {
  const after = await snapshot(node);
  assert.deepEqual(treeDiff(before.tree, after.tree), [], `files of ${node} changed`);
  assert.equal(after.pid, before.pid, `keepalived on ${node} was restarted`);
}

test('unattended on the configured backup, with only role, interface and VIP: the VRID on the wire, password, router_id and the rest stay; nothing changes', async () => {
  const before = await snapshot('ha2');
  // No --vrid: the master on the wire advertises this VIP on VRID 51 (not 50, which the VIP would give).
  const r = await onNode('ha2', ['setup', '--role', 'backup', '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'unchanged', JSON.stringify(out.plan));
  assert.equal(out.answers.vrid, LAB_VRRP.vrid);
  assert.equal(out.answers.routerId, 'ha2');
  await assertUnchanged('ha2', before);
});

for (const [node, role] of [['ha2', 'BACKUP'], ['ha1', 'MASTER']] as const) {
  test(`the wizard on the configured ${role.toLowerCase()}: Enter on every question proposes what is configured and changes nothing`, async () => {
    const before = await snapshot(node);
    const env = Object.entries(labExecEnv(node)).map(([k, v]) => `${k}=${v}`);
    const term = Terminal.start(`ha-setup-rerun-${node}`, ['ip', 'netns', 'exec', node, 'env', ...env, 'NO_COLOR=1', 'LANG=C.UTF-8', 'node', cliPath]);
    terms.push(term);
    // The layout proposed is what the node runs (one instance here).
    await term.waitFor(/\? Layout[\s\S]*❯ one VIP, active\/standby/);
    await term.answer(/Layout/, null);
    await term.answer(/Role of this node/, null);
    await term.answer(/Interface for the VIP/, null);
    await term.waitFor(/\? Virtual IP[\s\S]*\(192\.0\.2\.50\/24\)/);
    await term.answer(/Virtual IP/, null);
    await term.answer(/More VIPs/, null);
    // The VRID the pair uses (51), not the one the VIP would give (50).
    await term.waitFor(/\? virtual_router_id[\s\S]*\(51\)/);
    await term.answer(/virtual_router_id/, null);
    await term.waitFor(new RegExp(`\\? Priority[\\s\\S]*\\(${LAB_VRRP.priority[role]}\\)`));
    await term.answer(/Priority/, null);
    await term.answer(/Advert interval/, null);
    await term.answer(/VRRP password/, null);
    await term.answer(/Peer addresses for unicast/, null);
    await term.waitFor(new RegExp(`\\? router_id[\\s\\S]*\\(${node}\\)`));
    await term.answer(/router_id/, null);
    if (role === 'MASTER') await term.answer(/Keep the VIP on the backup/, null);
    await term.answer(/Email for state-change alerts/, null);
    await term.answer(/Webhook or robot URL/, null);
    const done = await term.waitFor(/EXIT=\d+/, 30_000);
    assert.match(done, /EXIT=0/);
    assert.doesNotMatch(done, /Apply this plan\?/);
    assert.match(done, /Nothing to change/);
    // The command for the other node says what this one is: same VRID, the opposite role.
    assert.match(done, new RegExp(`--role ${role === 'BACKUP' ? 'master' : 'backup'} --interface eth0 --vip 192\\.0\\.2\\.50/24 --vrid 51 `));
    term.kill();
    await assertUnchanged(node, before);
  });
}
