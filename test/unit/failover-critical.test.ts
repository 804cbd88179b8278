/**
 * failover-test's preflight asks doctor's runner for the checks marked critical, on the
 * real host (a throw-away --root), and refuses to start naming each that failed or could
 * not finish.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Check } from '../../checks/types.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { criticalChecks, runChecks } from '../../src/doctor/run.js';
import { blockingFailures, confirmAndRun, criticalDoctorFailures, type RunTarget } from '../../src/failover/confirm-run.js';
import type { ParsedFlags } from '../../src/failover/flags.js';
import type { Preflight } from '../../src/failover/preflight.js';
import type { GlobalOptions } from '../../src/commands/context.js';
import { LocalHost } from '../../src/host/local.js';
import { OperationError } from '../../src/errors.js';
import { fakeContext, FakeServices } from './doctor-fake-context.js';

test('the critical checks are the ones marked so: what failover-test needs before it may start', () => {
  assert.deepEqual(criticalChecks(ALL_CHECKS).map((c) => c.id).sort(), ['check-script', 'config-valid', 'firewall-vrrp', 'keepalived-running', 'nginx-running']);
});

test('a node without a keepalived.conf: the preflight refuses and names config-valid, and only critical checks', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ha-critical-'));
  try {
    const host = new LocalHost(root);
    const failures = await criticalDoctorFailures({ factsHost: host, services: new FakeServices() }, root, []);
    assert.ok(failures.some((f) => f.startsWith('config-valid: ')), failures.join('\n'));
    const critical = new Set(criticalChecks(ALL_CHECKS).map((c) => c.id));
    for (const f of failures) assert.ok(critical.has(f.split(':')[0]!), `not a critical check: ${f}`);

    const pf = { ok: false, problems: failures.map((message) => ({ id: 'doctor', message })) } as Preflight;
    const target = { factsHost: host, applyHost: host, services: new FakeServices() } as unknown as RunTarget;
    const opts: GlobalOptions = { root, dryRun: false, json: false, yes: true, quiet: false, verbose: false };
    await assert.rejects(confirmAndRun({} as ParsedFlags, opts, pf, 'local', target), (e: unknown) => e instanceof OperationError && e.details.some((d) => /^\[doctor\] config-valid: /.test(d)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a critical check that crashes blocks the failover test too, by name; a crash elsewhere does not', async () => {
  const ctx = await fakeContext();
  const crash = (id: string, critical: boolean): Check => ({
    id,
    title: () => id,
    critical,
    run: async () => {
      throw new Error('bug');
    },
  });
  const checks = criticalChecks([crash('crit', true), crash('other', false)]);
  assert.deepEqual(checks.map((c) => c.id), ['crit']);
  assert.deepEqual(blockingFailures(await runChecks(ctx, checks)), ['crit: the check itself crashed: bug']);
});
