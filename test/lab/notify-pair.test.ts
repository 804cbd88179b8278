// A pair set up from one place (`--host A --host B` over the lab's OpenSSH servers) gets the
// same notification channels on both nodes, and `notify test --host A --host B` sends through
// each node's own script: every channel of both nodes delivers to the lab's receivers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { CHANNELS, RECEIVER_SECRETS, channelFlags, startReceivers, type Receivers } from '../helpers/notify-receivers.js';
import { LAB_ADDRESSES, LAB_VIP_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { DEFAULTS } from '../../src/defaults.js';

const HOSTS = ['--host', `root@${LAB_ADDRESSES.ha1}`, '--host', `root@${LAB_ADDRESSES.ha2}`];
let release: (() => Promise<void>) | undefined;
let receivers: Receivers | undefined;
let dir: string | undefined;

function fromClient(args: string[], timeoutMs = 180_000) {
  return runCli(['lab', 'exec', 'client', '--', 'node', cliPath, ...args], { timeoutMs });
}

before(async () => {
  release = await takeLabLock('notify-pair');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  receivers = await startReceivers();
});

after(async () => {
  await receivers?.stop();
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  if (dir) rmSync(dir, { recursive: true, force: true });
  await release?.();
});

test('both nodes of a pair get the same channels, and notify test delivers through every channel of each', async () => {
  dir = tempDir();
  const passwordFile = join(dir, 'smtp.pass');
  writeFileSync(passwordFile, `${RECEIVER_SECRETS.password}\n`, { mode: 0o600 });
  const r = await fromClient(['setup', ...HOSTS, '--vip', LAB_VIP_CIDR, '--auth-pass', LAB_VRRP.authPass, ...channelFlags(passwordFile), '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const secrets = (['ha1', 'ha2'] as const).map((n) => join(labNodeRoot(n), DEFAULTS.paths.notifySecrets));
  for (const s of secrets) assert.equal(statSync(s).mode & 0o777, 0o600);
  // The same channels; only the sender's name differs (each node's router_id).
  const [a, b] = secrets.map((s) => readFileSync(s, 'utf8').replace(/^mail_from=.*$/m, ''));
  assert.equal(a, b);
  assert.match(a!, /^smtp_password=p@ss "w0rd"$/m);

  const since = Date.now();
  const t = await fromClient(['notify', 'test', ...HOSTS, '--json']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  const out = JSON.parse(t.stdout) as { nodes: Array<{ ok: boolean; channels: Array<{ channel: string; ok: boolean }> }> };
  assert.equal(out.nodes.length, 2);
  for (const n of out.nodes) assert.deepEqual(n.channels.map((c) => [c.channel, c.ok]), CHANNELS.map((c) => [c, true]));
  for (const c of CHANNELS) {
    const got = receivers!.received.filter((m) => m.at >= since && m.channel === c);
    assert.equal(got.length, 2, `${c}: ${JSON.stringify(got)}`);
    assert.ok(got.every((m) => m.good), `${c}: bad signature or login`);
  }
});
