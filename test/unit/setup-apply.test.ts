import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { buildPlan } from '../../src/setup/plan.js';
import { applyPlan } from '../../src/setup/apply.js';
import { validateAnswers } from '../../src/setup/answers.js';
import { OperationError } from '../../src/errors.js';
import type { ServiceControl, ServiceName } from '../../src/system/service-control.js';
import { factsFor } from '../helpers/facts.js';
import { tempDir } from '../helpers/paths.js';

/** systemd cannot run here (PID 1 is not systemd): a ServiceControl that records and fails on demand. */
function recordingServices(restartWorks: boolean) {
  const calls: string[] = [];
  const ok = { command: [], exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false };
  const services: ServiceControl = {
    kind: 'systemd',
    start: async (n: ServiceName) => (calls.push(`start ${n}`), ok),
    stop: async (n: ServiceName) => (calls.push(`stop ${n}`), ok),
    restart: async (n: ServiceName) => (calls.push(`restart ${n}`), restartWorks ? ok : { ...ok, exitCode: 1, stderr: 'Job for keepalived.service failed.' }),
    reload: async (n: ServiceName) => (calls.push(`reload ${n}`), ok),
    enable: async (n: ServiceName) => (calls.push(`enable ${n}`), ok),
    isActive: async () => restartWorks,
    recentLogs: async () => ['Keepalived_vrrp[42]: (VI_1) Unknown keyword \'bogus\''],
    command: (op, n) => ['systemctl', op, n],
    commandLines: (op, n) => [`systemctl ${op} ${n}`],
  };
  return { services, calls };
}

const hooks = (warnings: string[]) => ({
  step: <T>(_l: string, fn: () => Promise<T>) => fn(),
  warn: (m: string) => void warnings.push(m),
  testConfig: async () => null,
  install: async () => {},
});

test('a keepalived that fails to start gets the previous files back, and the reason is shown', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '! the old, working file\n', { mode: 0o640 });
  const host = new LocalHost(root);
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } });
  const answers = validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1' }, facts.interfaces);
  const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
  // keepalived 2.2.7 runs the check as root: no useradd step, so nothing runs on this machine.
  assert.deepEqual(plan.steps.filter((s) => s.kind === 'exec' || s.kind === 'install'), []);
  const { services, calls } = recordingServices(false);
  const warnings: string[] = [];
  const err = await applyPlan(plan, host, services, hooks(warnings)).catch((e) => e);
  assert.ok(err instanceof OperationError);
  assert.match(err.message, /did not start/);
  assert.ok(err.details.some((d) => d.includes("Unknown keyword 'bogus'")));
  assert.ok(err.details.some((d) => d.includes('Job for keepalived.service failed.')));
  assert.equal(readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8'), '! the old, working file\n');
  assert.equal(existsSync(join(root, 'etc/keepalived/check_nginx.sh')), false);
  assert.equal(existsSync(join(root, 'etc/keepalived/ha-setup.answers.json')), false);
  // keepalived was not running before: it is left stopped.
  assert.deepEqual(calls, ['enable keepalived', 'restart keepalived', 'stop keepalived']);
  assert.ok(warnings.some((w) => w.includes('/etc/keepalived/keepalived.conf')));
});

test('keepalived -t rejecting the new file leaves the old one in place', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '! old\n');
  const host = new LocalHost(root);
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } });
  const answers = validateAnswers({ role: 'backup', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha2' }, facts.interfaces);
  const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
  const { services, calls } = recordingServices(true);
  const err = await applyPlan(plan, host, services, { ...hooks([]), testConfig: async () => ['(keepalived.conf: Line 3) Unknown keyword \'x\''] }).catch((e) => e);
  assert.ok(err instanceof OperationError);
  assert.deepEqual(err.details, ["(keepalived.conf: Line 3) Unknown keyword 'x'"]);
  assert.equal(readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8'), '! old\n');
  assert.deepEqual(readdirSync(join(root, 'etc/keepalived')).sort(), ['keepalived.conf']);
  assert.deepEqual(calls, []);
});

test('a successful apply keeps the previous config as a backup and restarts keepalived once', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '! old\n');
  const host = new LocalHost(root);
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } });
  const answers = validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1' }, facts.interfaces);
  const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
  const { services, calls } = recordingServices(true);
  const result = await applyPlan(plan, host, services, hooks([]));
  assert.equal(result.backups.length, 1);
  assert.equal(readFileSync(join(root, result.backups[0]!), 'utf8'), '! old\n');
  assert.deepEqual(calls, ['enable keepalived', 'restart keepalived']);
});

test('a run told to stop in the middle (SIGINT, SIGTERM...) stops before the next step and puts back what it changed', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '! old\n');
  const host = new LocalHost(root);
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } });
  const answers = validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1' }, facts.interfaces);
  const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
  const { services, calls } = recordingServices(true);
  const stop = new AbortController();
  let steps = 0;
  const err = await applyPlan(plan, host, services, {
    ...hooks([]),
    signal: stop.signal,
    // The signal arrives while the second step (keepalived.conf) is written.
    step: async (_l, fn) => {
      const r = await fn();
      if (++steps === 2) stop.abort('SIGTERM');
      return r;
    },
  }).catch((e) => e);
  assert.ok(err instanceof OperationError);
  assert.equal(err.exitCode, 130);
  assert.match(err.message, /SIGTERM/);
  assert.equal(readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8'), '! old\n');
  assert.equal(existsSync(join(root, 'etc/keepalived/check_nginx.sh')), false);
  assert.deepEqual(calls, [], 'keepalived is not touched');
  rmSync(root, { recursive: true, force: true });
});
