// Dual-master (双主) set up on both nodes from one place, as an admin would from a
// workstation: one command over ssh derives both nodes (mirrored priorities, each node
// MASTER of one instance), verifies each instance's holder, and a second run changes nothing.
// Takes the shared lab lock; runs the built CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { LAB_ADDRESSES, LAB_VIP, LAB_VIP2, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { nodeTreeHash } from '../helpers/tree-hash.js';
import { parseConfig } from '../../src/keepalived/parse.js';
import { LocalHost } from '../../src/host/local.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;
const HOSTS = ['--host', A, '--host', B];
let release: (() => Promise<void>) | undefined;

const fromClient = (args: string[]) => runCli(['lab', 'exec', 'client', '--', 'node', cliPath, ...args], { timeoutMs: 240_000 });

before(async () => {
  release = await takeLabLock('pair-active-active');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
});
after(async () => {
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

async function clientGets(address: string): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', 'client', 'curl', '-s', '--max-time', '2', `http://${address}/`], { reject: false });
  return String(r.stdout).trim();
}

test('pair setup --mode active-active: each node MASTER of one instance, verified per instance, the client reaches both', async () => {
  const r = await fromClient([...HOSTS, '--mode', 'active-active', '--vip', `${LAB_VIP}/24`, '--second-vip', `${LAB_VIP2}/24`, '--auth-pass', LAB_VRRP.authPass, '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'applied');
  assert.deepEqual(
    out.verification.instances.map((i: { name: string; vipHolder: string }) => [i.name, i.vipHolder]),
    [['VI_1', A], ['VI_2', B]],
  );
  for (const [node, prio, second] of [['ha1', 150, 100], ['ha2', 100, 150]] as const) {
    const { config } = await parseConfig(new LocalHost(labNodeRoot(node)), '/etc/keepalived/keepalived.conf');
    assert.deepEqual(config.vrrpInstances.map((i) => [i.name, i.priority, i.virtualIpaddress[0]!.address]), [['VI_1', prio, `${LAB_VIP}/24`], ['VI_2', second, `${LAB_VIP2}/24`]], node);
    assert.notEqual(config.vrrpInstances[0]!.virtualRouterId, config.vrrpInstances[1]!.virtualRouterId);
  }
  assert.equal(await clientGets(LAB_VIP), 'ha1');
  assert.equal(await clientGets(LAB_VIP2), 'ha2');
});

test('the same pair command with nothing given again changes nothing on either node', async () => {
  const before = (['ha1', 'ha2'] as const).map((n) => nodeTreeHash(labNodeRoot(n)));
  const r = await fromClient([...HOSTS, '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'unchanged');
  assert.deepEqual((['ha1', 'ha2'] as const).map((n) => nodeTreeHash(labNodeRoot(n))), before);
});
