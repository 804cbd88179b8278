// Dual-master (双主, `lab up --active-active`): the notify script added to both nodes reports
// both instances, each message naming its instance and that instance's VIP. Draining ha1 puts
// both of its instances in FAULT and makes ha2 MASTER of VI_1 too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { RECEIVER_HTTP, startReceivers, type Receivers } from '../helpers/notify-receivers.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_VIP_CIDR, LAB_VIP2_CIDR, labNodeRoot } from '../../src/lab/constants.js';
import { DEFAULTS } from '../../src/defaults.js';

let release: () => Promise<void>;
let receivers: Receivers | undefined;
let flag: string | undefined;

before(async () => {
  release = await takeLabLock('notify-active-active');
  const up = await runCli(['lab', 'up', '--recreate', '--active-active']);
  assert.equal(up.code, 0, up.stderr);
  receivers = await startReceivers();
});

after(async () => {
  if (flag) {
    try {
      unlinkSync(flag);
    } catch {
      // already gone
    }
  }
  await receivers?.stop();
  await runCli(['lab', 'down']);
  await release();
});

const onNode = (node: 'ha1' | 'ha2', args: string[]) => runCli(args, { netns: node, env: labExecEnv(node) });

/** A webhook message received after `since` saying `node`'s `instance` went to `state`. */
async function said(node: string, instance: string, state: string, since: number, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  const pattern = new RegExp(`Node ${node}: VRRP instance ${instance} went from \\S+ to ${state} `);
  for (;;) {
    const m = receivers!.received.find((r) => r.at >= since && r.channel === 'webhook' && pattern.test(r.text));
    if (m) return m.text;
    if (Date.now() > end) assert.fail(`no message: ${node} ${instance} -> ${state}; got ${JSON.stringify(receivers!.received.filter((r) => r.at >= since).map((r) => r.text.split('\n')[0]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('both instances of both nodes report to the notify script, each message with its own instance and VIP', async () => {
  for (const node of ['ha2', 'ha1'] as const) {
    // Everything else is what the node is configured with (dual-master).
    const r = await onNode(node, ['setup', '--notify-webhook', `${RECEIVER_HTTP}/webhook`, '--allow-http', '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.answers.mode, 'active-active');
  }
  flag = join(labNodeRoot('ha1'), DEFAULTS.paths.maintenanceFlag);
  const since = Date.now();
  writeFileSync(flag, '');
  assert.match(await said('ha1', 'VI_1', 'FAULT', since), new RegExp(`VIP: ${LAB_VIP_CIDR.replace(/\./g, '\\.')} `));
  assert.match(await said('ha1', 'VI_2', 'FAULT', since), new RegExp(`VIP: ${LAB_VIP2_CIDR.replace(/\./g, '\\.')} `));
  assert.match(await said('ha2', 'VI_1', 'MASTER', since), new RegExp(`VIP: ${LAB_VIP_CIDR.replace(/\./g, '\\.')} `));
  const back = Date.now();
  unlinkSync(flag);
  flag = undefined;
  await said('ha1', 'VI_1', 'MASTER', back);
  await said('ha1', 'VI_2', 'BACKUP', back);
  await said('ha2', 'VI_1', 'BACKUP', back);
});
