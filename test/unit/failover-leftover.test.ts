import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { PlanHost } from '../../src/host/plan.js';
import { FLAG_CONTENT, RUN_RECORD, type RunRecord } from '../../src/failover/record.js';
import { inspectLeftovers, leftoverUndo, undoLeftovers } from '../../src/failover/leftover.js';
import { DEFAULTS } from '../../src/defaults.js';
import { maintenance } from '../../checks/maintenance.js';
import { fakeContext } from './doctor-fake-context.js';

/** A node tree under a temporary root with what an nginx-mode failover test that did not end leaves. */
function leftTree(watchdog: number | null): { root: string; record: RunRecord } {
  const root = mkdtempSync(join(tmpdir(), 'leftover-'));
  const record: RunRecord = {
    tool: 'ha-setup failover-test', mode: 'nginx', started: '2026-12-01T10:00:00Z', by: 'ha1 pid 1', fault: 'stop nginx',
    undo: ['sh', '-c', 'start nginx'], watchdog, deadline: '2026-12-01T10:02:00Z',
  };
  for (const [path, text] of [[RUN_RECORD, JSON.stringify(record)], [DEFAULTS.paths.maintenanceFlag, FLAG_CONTENT]] as const) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, record };
}

test('doctor --fix plans exactly the commands failover-test and setup run to undo the same leftovers', async (t) => {
  for (const watchdog of [4242, null]) {
    const { root, record } = leftTree(watchdog);
    t.after(() => rmSync(root, { recursive: true, force: true }));
    // Nothing runs: the plan host records what would.
    const host = new PlanHost(new LocalHost(root));
    const planned = (await maintenance.fixSteps!(await fakeContext({ host }))).map((s) => (s.kind === 'exec' ? s.argv : [s.kind]));
    await undoLeftovers(host, await inspectLeftovers(host));
    const ran = host.recordedActions.flatMap((a) => (a.kind === 'exec' ? [a.command] : []));
    assert.deepEqual(planned, ran);
    // The record's undo, the record's removal (a drain's undo would remove the flag itself: not an nginx run's),
    // the flag of the run, and the watchdog last when there is one.
    assert.deepEqual(planned.slice(0, 3), [record.undo, ['rm', '-f', DEFAULTS.paths.maintenanceFlag], ['rm', '-f', RUN_RECORD]]);
    assert.equal(planned.length, watchdog === null ? 3 : 4);
    if (watchdog !== null) assert.ok(planned[3]!.includes(String(watchdog)));
    assert.deepEqual(leftoverUndo(host, await inspectLeftovers(new LocalHost(root))).map((c) => c.argv), planned);
  }
});
