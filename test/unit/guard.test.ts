// guard() (src/guard.ts) with real signals, a real closed pipe and a real uncaught exception,
// in a child process: whatever ends the work, what it disturbed is undone before the
// process exits.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, tempDir } from '../helpers/paths.js';

const dir = tempDir('ha-setup-guard-');
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function run(mode: string) {
  const log = join(dir, `log-${n++}`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixturesDir, 'guarded-work.ts'), log, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  // A guard that fails to stop the work would leave it running: the test fails instead of hanging.
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => (clearTimeout(kill), r(code))));
  const running = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => out.includes('running') && resolve());
    void exited.then(() => reject(new Error(`exited early: ${err}`)));
  });
  return { child, running, exited, steps: () => readFileSync(log, 'utf8').trim().split('\n'), stderr: () => err };
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} stops the work, which undoes before the process ends`, async () => {
    const r = run('');
    await r.running;
    r.child.kill(signal);
    assert.equal(await r.exited, 130);
    assert.deepEqual(r.steps(), ['started', `stopped ${signal}`, 'undo', 'exit 130']);
  });
}

test('a second signal does not kill the undo', async () => {
  const r = run('');
  await r.running;
  r.child.kill('SIGTERM');
  r.child.kill('SIGINT');
  assert.equal(await r.exited, 130);
  assert.ok(r.steps().includes('undo'));
});

test('a closed output pipe stops the work instead of killing the process', async () => {
  const r = run('');
  await r.running;
  r.child.stdout!.destroy();
  assert.equal(await r.exited, 130);
  assert.deepEqual(r.steps(), ['started', 'stopped output-closed', 'undo', 'exit 130']);
});

test('an uncaught exception anywhere: the guard undoes, then exits 2', async () => {
  const r = run('throw');
  assert.equal(await r.exited, 2);
  assert.deepEqual(r.steps(), ['started', 'undo', 'fatal exception']);
});

test('the time limit stops the work; a work stuck past it is undone by the guard, exit 2', async () => {
  const ok = run('limit');
  assert.equal(await ok.exited, 130);
  assert.deepEqual(ok.steps(), ['started', 'stopped time-limit', 'undo', 'exit 130']);
  const stuck = run('limit hang');
  assert.equal(await stuck.exited, 2);
  assert.deepEqual(stuck.steps(), ['started', 'undo', 'fatal time-limit']);
});
