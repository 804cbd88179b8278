// failover-test of the pair from outside both nodes: `lab up --ssh`, then ha-setup in the
// client namespace reaches ha1 and ha2 over ssh, takes the master down and measures with a
// prober in its own process — the client's view, which an independent prober in the same
// namespace must confirm. Needs root, keepalived, nginx, openssh-server; runs the built
// CLI (node scripts/build.mjs first). Takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { clientOutages, startClientProber } from '../helpers/prober.js';
import { assertNodesAsBefore, assertTimelineAgrees, waitVipOnHa1 } from '../helpers/failover-lab.js';
import { LAB_ADDRESSES, LAB_VIP } from '../../src/lab/constants.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;

let release: (() => Promise<void>) | undefined;

/** ha-setup inside the client namespace, through `lab exec` (which points it at the lab's ssh key). */
function fromClient(args: string[], timeoutMs = 120_000) {
  return runCli(['lab', 'exec', 'client', '--', 'node', cliPath, ...args], { timeoutMs });
}

before(async () => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run node scripts/build.mjs');
  release = await takeLabLock('failover-pair');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
});

after(async () => {
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

test('drain from the client: the VIP moves to ha2 and back, and the tool measures what a client measures', async () => {
  assert.ok(await waitVipOnHa1(15_000), 'ha1 does not hold the VIP before the run');
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const r = await fromClient(['failover-test', '--host', A, '--host', B, '--yes', '--json'], 120_000);
  const client = clientOutages(await prober.stop(), 'ha1', 'ha2');
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as {
    mode: string;
    nodes: string[];
    master: string;
    peer: string;
    events: Array<{ t_ms: number; event: string; detail: string }>;
    failover: { outage_ms: number; failed_requests: number; new_owner: string | null };
    failback: { outage_ms: number; failed_requests: number };
    expected_bound_ms: number;
    within_bound: boolean;
    restored: boolean;
    owner_before: string;
    owner_after: string;
  };
  process.stderr.write(
    `# pair drain: tool ${report.failover.outage_ms} ms (${report.failover.failed_requests} failed), client ${client.failover.outageMs} ms ` +
      `(${client.failover.failed}); failback tool ${report.failback.outage_ms} ms, client ${client.failback.outageMs} ms; bound ${report.expected_bound_ms} ms\n`,
  );
  assert.equal(report.mode, 'drain');
  assert.deepEqual(report.nodes, [A, B]);
  assert.equal(report.master, A);
  assert.equal(report.peer, LAB_ADDRESSES.ha2);
  assert.equal(report.restored, true);
  assert.equal(report.within_bound, true);
  assert.equal(report.failover.new_owner, LAB_ADDRESSES.ha2);
  assert.equal(report.owner_before, LAB_ADDRESSES.ha1);
  assert.equal(report.owner_after, LAB_ADDRESSES.ha1);
  assert.ok(report.failover.outage_ms > 0, 'a failover without any failed request is not plausible here');
  assertTimelineAgrees(report, client, ['fault-injected', 'check-failed', 'vip-released', 'first-failed-request', 'first-peer-answer', 'fault-removed', 'vip-back', 'restored']);
  await assertNodesAsBefore();
  assert.ok(await waitVipOnHa1(10_000), 'the VIP is not back on ha1');
});

test('the master is found whichever --host comes first (--dry-run changes nothing)', async () => {
  assert.ok(await waitVipOnHa1(15_000));
  const r = await fromClient(['failover-test', '--host', B, '--host', A, '--dry-run', '--json']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { dry_run: boolean; nodes: string[]; master: string; peer: string; steps: string[] };
  assert.equal(out.dry_run, true);
  assert.deepEqual(out.nodes, [B, A]);
  assert.equal(out.master, A);
  assert.equal(out.peer, LAB_ADDRESSES.ha2);
  assert.ok(out.steps.some((s) => /outside both nodes/.test(s)), out.steps.join('\n'));
  await assertNodesAsBefore();
});

test('one --host alone is a usage error naming --host and the two nodes it needs', async () => {
  const r = await fromClient(['failover-test', '--host', A, '--yes']);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /--host/);
  assert.match(r.stderr, /two nodes/);
  await assertNodesAsBefore();
});
