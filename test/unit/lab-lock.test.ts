/**
 * The lab lock of `lab up` / `lab down`: taken when free, inherited from the run that
 * started this one, waited for when another run holds it. Real lock files in a temporary
 * directory, real processes as holders.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ancestorPids, LAB_LOCK, LAB_LOCK_ENV, labLockDecision, takeLabLock } from '../../src/lab/lock.js';
import { LAB_LOCK as HELPER_LAB_LOCK } from '../helpers/lab-lock.js';
import { LAB_STATE_DIR } from '../../src/lab/constants.js';
import { OperationError } from '../../src/errors.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('hs-lablock-');
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const lockPath = () => join(dir, `lab-${n++}.lock`);
/** A fresh lock file that `pid` holds. */
function lockHeldBy(pid: number): string {
  const path = lockPath();
  writeFileSync(path, `${pid}\n`);
  return path;
}

/** A live process that is not an ancestor of this one. */
function stranger(): Promise<{ pid: number; stop: () => void; exited: Promise<unknown> }> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve({ pid: child.pid!, stop: () => child.kill('SIGKILL'), exited }));
    child.once('error', reject);
  });
}

test('decision: free takes, an ancestor or the handed-down pid is inherited, anyone else is waited for', () => {
  const none = { envHolder: undefined, ancestors: [] };
  assert.deepEqual(labLockDecision(null, none), { kind: 'take' });
  assert.deepEqual(labLockDecision(4242, { envHolder: undefined, ancestors: [100, 4242, 7] }), { kind: 'inherited' });
  assert.deepEqual(labLockDecision(4242, { envHolder: '4242', ancestors: [] }), { kind: 'inherited' });
  assert.deepEqual(labLockDecision(4242, { envHolder: '4243', ancestors: [100] }), { kind: 'wait', holder: 4242 });
  assert.deepEqual(labLockDecision(4242, none), { kind: 'wait', holder: 4242 });
  assert.deepEqual(labLockDecision(-1, { envHolder: '-1', ancestors: [] }), { kind: 'wait', holder: -1 });
});

test('one lock file for the CLI and the tests, beside the lab state directory', () => {
  assert.equal(HELPER_LAB_LOCK, LAB_LOCK);
  assert.equal(LAB_LOCK, `${LAB_STATE_DIR.slice(0, LAB_STATE_DIR.lastIndexOf('/'))}/ha-setup-lab.lock`);
});

test('ancestors: the parent first', async () => {
  const a = await ancestorPids();
  assert.equal(a[0], process.ppid);
  assert.ok(!a.includes(process.pid));
});

test('a free lock is taken with this PID and released', async () => {
  const path = lockPath();
  const release = await takeLabLock({ path, waitMs: 0, env: {} });
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  await release();
  assert.equal(existsSync(path), false);
});

test('a lock held by the parent process is inherited: used, left in place', async () => {
  const path = lockHeldBy(process.ppid);
  const release = await takeLabLock({ path, waitMs: 0, env: {} });
  await release();
  assert.equal(readFileSync(path, 'utf8'), `${process.ppid}\n`);
});

test('a lock held by the PID the environment hands down is inherited', async (t) => {
  const holder = await stranger();
  t.after(holder.stop);
  const path = lockHeldBy(holder.pid);
  const release = await takeLabLock({ path, waitMs: 0, env: { [LAB_LOCK_ENV]: String(holder.pid) } });
  await release();
  assert.equal(readFileSync(path, 'utf8'), `${holder.pid}\n`);
});

test('another run holds it: a message with its pid, then a clear error naming the lock file', async (t) => {
  const holder = await stranger();
  t.after(holder.stop);
  const path = lockHeldBy(holder.pid);
  const told: string[] = [];
  await assert.rejects(takeLabLock({ path, waitMs: 0, env: {}, progress: (m) => told.push(m) }), (e: unknown) => {
    assert.ok(e instanceof OperationError);
    assert.equal(e.message, `another lab run (pid ${holder.pid}) still holds the lab after 0 min`);
    assert.match(e.hint ?? '', new RegExp(`pid ${holder.pid} .*remove the lock file ${path.replace(/[.]/g, '\\.')}`));
    return true;
  });
  assert.deepEqual(told, [`another lab run (pid ${holder.pid}) holds the lab; waiting`]);
  assert.equal(readFileSync(path, 'utf8'), `${holder.pid}\n`, 'the other run keeps its lock');
});

test('waiting ends when the other run lets go: the lock is then this run\'s', async (t) => {
  const holder = await stranger();
  t.after(holder.stop);
  const path = lockHeldBy(holder.pid);
  const told: string[] = [];
  const taking = takeLabLock({ path, pollMs: 20, env: {}, progress: (m) => {
    told.push(m);
    rmSync(path); // the other run finishes
  } });
  const release = await taking;
  assert.equal(told.length, 1);
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  await release();
});

test('a stale lock (its process gone) is taken over', async () => {
  const gone = await stranger();
  gone.stop();
  await gone.exited;
  const path = lockHeldBy(gone.pid);
  const release = await takeLabLock({ path, waitMs: 0, env: {} });
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  await release();
});
