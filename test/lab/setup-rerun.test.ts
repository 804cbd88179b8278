import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_VIP_CIDR, LAB_VRRP } from '../../src/lab/constants.js';

// The real setup flow on a running lab node, as an operator would re-run it.
let release: () => Promise<void>;
before(async () => {
  release = await takeLabLock('setup-rerun');
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
  assert.match(r.stdout, /restart keepalived/);
  const status = await runCli(['lab', 'status', '--json']);
  assert.equal(JSON.parse(status.stdout).vipHolder, 'ha1');
});
