import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { buildPlan } from '../../src/setup/plan.js';
import { applyPlan, applyPlans } from '../../src/setup/apply.js';
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
    restartsOnFailure: async () => null,
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

test('a pair whose second node fails puts the first back with the same undo log: file modes and a saved rule file too', async () => {
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: true, pid: null, pids: [] } });
  const node = async (role: 'master' | 'backup', restartWorks: boolean) => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
    mkdirSync(join(root, 'etc/iptables'), { recursive: true });
    writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '! the old, working file\n', { mode: 0o640 });
    writeFileSync(join(root, 'etc/iptables/rules.v4'), '# the old rules\n', { mode: 0o640 });
    const host = new LocalHost(root);
    const answers = validateAnswers({ role, interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: role === 'master' ? 'ha1' : 'ha2' }, facts.interfaces);
    const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
    const confStep = plan.steps.find((s) => s.kind === 'write' && s.path === '/etc/keepalived/keepalived.conf');
    assert.ok(confStep?.kind === 'write');
    assert.notEqual(confStep.mode, 0o640, 'the plan writes another mode');
    // A firewall rule saved to a file, as the plan does on a distribution that keeps its rules in one.
    const save = { kind: 'exec' as const, argv: ['printf', '%s\\n', '-A INPUT -p vrrp -j ACCEPT'], why: 'save the firewall rules', saveTo: { path: '/etc/iptables/rules.v4', mode: 0o644 } };
    plan.steps.splice(plan.steps.findIndex((s) => s.kind === 'service'), 0, save);
    const { services, calls } = recordingServices(restartWorks);
    const warnings: string[] = [];
    return { root, host, plan, services, calls, warnings, hooks: hooks(warnings) };
  };
  const first = await node('master', true);
  const second = await node('backup', false);
  const err = await applyPlans([first, second]).catch((e) => e);
  assert.ok(err instanceof OperationError);
  assert.match(err.message, /did not start/);
  for (const n of [first, second]) {
    const conf = join(n.root, 'etc/keepalived/keepalived.conf');
    const rules = join(n.root, 'etc/iptables/rules.v4');
    assert.equal(readFileSync(conf, 'utf8'), '! the old, working file\n');
    assert.equal(statSync(conf).mode & 0o7777, 0o640, 'keepalived.conf keeps its own mode, not the plan\'s');
    assert.equal(readFileSync(rules, 'utf8'), '# the old rules\n');
    assert.equal(statSync(rules).mode & 0o7777, 0o640, 'the saved rule file keeps its own mode');
    assert.equal(existsSync(join(n.root, 'etc/keepalived/check_nginx.sh')), false);
    assert.ok(n.warnings.some((w) => w.includes('/etc/iptables/rules.v4')), 'the rule file is named among what was put back');
  }
  // The first node had completed: its running keepalived reads the old files again.
  assert.deepEqual(first.calls, ['enable keepalived', 'reload keepalived', 'reload keepalived']);
});

test('a pair that completes leaves both nodes changed and nothing put back', async () => {
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } });
  const nodes = await Promise.all(['ha1', 'ha2'].map(async (routerId, i) => {
    const root = tempDir();
    const host = new LocalHost(root);
    const answers = validateAnswers({ role: i === 0 ? 'master' : 'backup', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId }, facts.interfaces);
    const plan = await buildPlan(host, facts, answers, { filesOnly: false, installMethod: 'package', installSource: null });
    const warnings: string[] = [];
    return { root, host, plan, ...recordingServices(true), warnings, hooks: hooks(warnings) };
  }));
  const results = await applyPlans(nodes);
  assert.equal(results.length, 2);
  for (const n of nodes) {
    assert.match(readFileSync(join(n.root, 'etc/keepalived/keepalived.conf'), 'utf8'), /192\.0\.2\.50/);
    assert.deepEqual(n.warnings, []);
    assert.deepEqual(n.calls, ['enable keepalived', 'restart keepalived']);
  }
});
