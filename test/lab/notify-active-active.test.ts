// Dual-master (双主, `lab up --active-active`): the notify script added to both nodes reports
// both instances, each message naming its instance and that instance's VIP. Stopping nginx on
// ha1 puts both of its instances in FAULT and makes ha2 MASTER of VI_1 too: that message
// arrives on every channel within 2 s of the VIP moving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { CHANNELS, RECEIVER_SECRETS, channelFlags, startReceivers, type Receivers } from '../helpers/notify-receivers.js';
import { tempDir } from '../helpers/paths.js';
import { labServices } from '../../src/lab/services.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_VIP, LAB_VIP_CIDR, LAB_VIP2_CIDR } from '../../src/lab/constants.js';

let release: () => Promise<void>;
let receivers: Receivers | undefined;
let dir: string | undefined;

before(async () => {
  release = await takeLabLock('notify-active-active');
  const up = await runCli(['lab', 'up', '--recreate', '--active-active']);
  assert.equal(up.code, 0, up.stderr);
  receivers = await startReceivers();
  dir = tempDir();
});

after(async () => {
  await labServices('ha1').start('nginx');
  await receivers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await runCli(['lab', 'down']);
  await release();
});

const onNode = (node: 'ha1' | 'ha2', args: string[]) => runCli(args, { netns: node, env: labExecEnv(node) });

/** A message on `channel` (webhook by default) received after `since` saying `node`'s `instance` went to `state`. */
async function said(node: string, instance: string, state: string, since: number, timeoutMs = 10_000, channel = 'webhook'): Promise<{ text: string; at: number; good: boolean }> {
  const end = Date.now() + timeoutMs;
  const pattern = new RegExp(`Node ${node}: VRRP instance ${instance} went from \\S+ to ${state} `);
  for (;;) {
    const m = receivers!.received.find((r) => r.at >= since && r.channel === channel && pattern.test(r.text));
    if (m) return m;
    if (Date.now() > end) assert.fail(`no message: ${node} ${instance} -> ${state}; got ${JSON.stringify(receivers!.received.filter((r) => r.at >= since).map((r) => r.text.split('\n')[0]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** When `node` first holds the lab's first VIP, polled every 20 ms. */
async function takes(node: 'ha1' | 'ha2', timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = await execa('ip', ['netns', 'exec', node, 'ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    if (r.stdout.includes(` ${LAB_VIP}/`)) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${node} did not take ${LAB_VIP}`);
}

test('both instances of both nodes report to the notify script on every channel, each message with its own instance and VIP', async () => {
  const passwordFile = join(dir!, 'smtp.pass');
  writeFileSync(passwordFile, `${RECEIVER_SECRETS.password}\n`, { mode: 0o600 });
  for (const node of ['ha2', 'ha1'] as const) {
    // Everything else is what the node is configured with (dual-master).
    const r = await onNode(node, ['setup', ...channelFlags(passwordFile), '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.answers.mode, 'active-active');
  }
  const since = Date.now();
  const stopped = await labServices('ha1').stop('nginx');
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  const moved = await takes('ha2');
  const figures: string[] = [];
  for (const c of CHANNELS) {
    const m = await said('ha2', 'VI_1', 'MASTER', since, 10_000, c);
    assert.equal(m.good, true, `${c}: bad signature or login`);
    assert.match(m.text, new RegExp(`VIP: ${LAB_VIP_CIDR.replace(/\./g, '\\.')} `));
    figures.push(`${c} ${m.at - moved} ms`);
    assert.ok(m.at - moved <= 2000, `${c}: ha2 -> MASTER of VI_1 arrived ${m.at - moved} ms after the VIP moved`);
  }
  process.stderr.write(`# nginx stopped on ha1, ha2 MASTER of VI_1, after the VIP moved: ${figures.join(', ')}\n`);
  assert.match((await said('ha1', 'VI_1', 'FAULT', since)).text, new RegExp(`VIP: ${LAB_VIP_CIDR.replace(/\./g, '\\.')} `));
  assert.match((await said('ha1', 'VI_2', 'FAULT', since)).text, new RegExp(`VIP: ${LAB_VIP2_CIDR.replace(/\./g, '\\.')} `));
  const back = Date.now();
  const started = await labServices('ha1').start('nginx');
  assert.equal(started.exitCode, 0, started.stderr);
  await said('ha1', 'VI_1', 'MASTER', back);
  await said('ha1', 'VI_2', 'BACKUP', back);
  await said('ha2', 'VI_1', 'BACKUP', back);
});
