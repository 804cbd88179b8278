import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultControl } from '../../src/failover/fault.js';
import type { ExecResult, WriteOptions } from '../../src/host/types.js';
import type { ServiceName } from '../../src/system/service-control.js';
import type { FailoverMode } from '../../src/failover/types.js';

const FLAG = '/etc/keepalived/maintenance';

/** A ServiceControl and flag host that record every call, in order, and keep a little state. */
function fakes(initial: { keepalived: boolean; nginx: boolean; flag?: boolean }, failStart: ServiceName[] = []) {
  const calls: string[] = [];
  const state = { ...initial, flag: initial.flag ?? false };
  const ok = (command: string[], exitCode = 0): ExecResult => ({ command, exitCode, stdout: '', stderr: exitCode ? 'failed to start' : '', notFound: false, timedOut: false });
  const services = {
    async isActive(name: ServiceName) {
      calls.push(`isActive ${name}`);
      return state[name];
    },
    async stop(name: ServiceName) {
      calls.push(`stop ${name}`);
      state[name] = false;
      return ok(['stop', name]);
    },
    async start(name: ServiceName) {
      calls.push(`start ${name}`);
      if (failStart.includes(name)) return ok(['start', name], 1);
      state[name] = true;
      return ok(['start', name]);
    },
  };
  const host = {
    async exists(path: string) {
      calls.push(`exists ${path}`);
      return state.flag;
    },
    async writeFileAtomic(path: string, _data: string, opts: WriteOptions) {
      calls.push(`write ${path} ${opts.mode.toString(8)}`);
      state.flag = true;
      return { path, changed: true, backup: null };
    },
    async remove(path: string) {
      calls.push(`remove ${path}`);
      state.flag = false;
    },
    async exec(cmd: string, args: string[]): Promise<ExecResult> {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (cmd === 'kill' && args[0] === '-KILL') state.keepalived = false;
      return ok([cmd, ...args]);
    },
  };
  return { calls, state, services, host };
}

async function cycle(mode: FailoverMode, f: ReturnType<typeof fakes>) {
  const fc = new FaultControl(mode, f.services, f.host, FLAG);
  await fc.recordFoundState();
  const step = await fc.inject();
  const mark = f.calls.length;
  const r = await fc.restore();
  return { fc, step, r, restoreCalls: f.calls.slice(mark) };
}

test('nginx mode: stop nginx, then start it again and check both services', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const { step, r } = await cycle('nginx', f);
  assert.equal(step.ok, true);
  assert.equal(r.restored, true);
  assert.deepEqual(f.calls, [
    'isActive keepalived', 'isActive nginx', `exists ${FLAG}`,
    'stop nginx',
    'isActive nginx', 'start nginx', 'isActive keepalived',
    'isActive nginx', 'isActive keepalived',
  ]);
});

test('keepalived mode: stop keepalived, restore starts it after checking nginx first', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const { restoreCalls, r } = await cycle('keepalived', f);
  assert.equal(r.restored, true);
  assert.deepEqual(restoreCalls, ['isActive nginx', 'isActive keepalived', 'start keepalived', 'isActive nginx', 'isActive keepalived']);
});

test('drain mode: the flag is created 0644, removed first on restore, nothing is stopped', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const { restoreCalls, r } = await cycle('drain', f);
  assert.equal(r.restored, true);
  assert.ok(f.calls.includes(`write ${FLAG} 644`));
  assert.ok(!f.calls.some((c) => c.startsWith('stop')));
  assert.deepEqual(restoreCalls, [`exists ${FLAG}`, `remove ${FLAG}`, 'isActive nginx', 'isActive keepalived', 'isActive nginx', 'isActive keepalived', `exists ${FLAG}`]);
  assert.equal(f.state.flag, false);
});

test('restore runs once however often it is called (finally, signal handler, timeout at once)', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const fc = new FaultControl('nginx', f.services, f.host, FLAG);
  await fc.recordFoundState();
  await fc.inject();
  const [a, b] = await Promise.all([fc.restore(), fc.restore()]);
  assert.equal(a, b);
  await fc.restore();
  assert.equal(f.calls.filter((c) => c === 'start nginx').length, 1);
});

test('a service that was stopped before the test is left stopped', async () => {
  const f = fakes({ keepalived: true, nginx: false });
  const { restoreCalls } = await cycle('keepalived', f);
  assert.ok(!restoreCalls.includes('start nginx'));
  assert.equal(f.state.nginx, false);
});

test('a flag that existed before is not removed', async () => {
  const f = fakes({ keepalived: true, nginx: true, flag: true });
  const { restoreCalls } = await cycle('drain', f);
  assert.ok(!restoreCalls.includes(`remove ${FLAG}`));
  assert.equal(f.state.flag, true);
});

test('a failed start is reported and restored is false', async () => {
  const f = fakes({ keepalived: true, nginx: true }, ['nginx']);
  const { r } = await cycle('nginx', f);
  assert.equal(r.restored, false);
  assert.deepEqual(r.steps, [{ ok: false, action: 'start nginx', error: 'failed to start' }]);
});

test('restore before inject changes nothing', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const fc = new FaultControl('drain', f.services, f.host, FLAG);
  await fc.recordFoundState();
  const mark = f.calls.length;
  const r = await fc.restore();
  assert.equal(r.restored, true);
  assert.ok(!f.calls.slice(mark).some((c) => c.startsWith('remove') || c.startsWith('start')));
});

test('crash mode: keepalived frozen then killed (no goodbye), every held VIP removed; restore starts keepalived', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const target = { pids: async () => [41, 42, 43], vips: [{ cidr: '192.0.2.50/24', dev: 'eth0' }, { cidr: '192.0.2.52/24', dev: 'eth1' }] };
  const fc = new FaultControl('crash', f.services, f.host, FLAG, null, target);
  await fc.recordFoundState();
  const step = await fc.inject();
  assert.equal(step.ok, true, step.error ?? '');
  const mark = f.calls.length;
  const r = await fc.restore();
  assert.equal(r.restored, true);
  assert.deepEqual(f.calls.slice(3, mark), [
    'kill -STOP 41 42 43', 'kill -KILL 41 42 43',
    'ip addr del 192.0.2.50/24 dev eth0', 'ip addr del 192.0.2.52/24 dev eth1',
  ]);
  assert.deepEqual(f.calls.slice(mark), ['isActive nginx', 'isActive keepalived', 'start keepalived', 'isActive nginx', 'isActive keepalived']);
});

test('crash mode with no keepalived process: the fault fails and nothing is killed', async () => {
  const f = fakes({ keepalived: true, nginx: true });
  const fc = new FaultControl('crash', f.services, f.host, FLAG, null, { pids: async () => [], vips: [{ cidr: '192.0.2.50/24', dev: 'eth0' }] });
  await fc.recordFoundState();
  const step = await fc.inject();
  assert.equal(step.ok, false);
  assert.match(step.error ?? '', /no keepalived process/);
  assert.equal(f.calls.some((c) => c.startsWith('kill') || c.startsWith('ip ')), false);
});
