/**
 * The failover lock, taken through a Host: an exclusive create under the host's root, a
 * holder that is still alive refuses the next taker, a dead holder's lock is taken over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, FAILOVER_LOCK } from '../../src/failover/lock.js';
import { LocalHost } from '../../src/host/local.js';
import { tempDir } from '../helpers/paths.js';

test('the lock file is created under the host\'s root; a live holder refuses, a release frees it', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  const first = await acquireLock(FAILOVER_LOCK, host);
  assert.ok(!('heldBy' in first));
  assert.equal(readFileSync(join(root, FAILOVER_LOCK), 'utf8'), `${process.pid}\n`);
  assert.deepEqual(await acquireLock(FAILOVER_LOCK, host), { heldBy: process.pid });
  await first.release();
  assert.equal(existsSync(join(root, FAILOVER_LOCK)), false);
  const again = await acquireLock(FAILOVER_LOCK, host);
  assert.ok(!('heldBy' in again));
  await again.release();
});

test('a lock whose process is gone is taken over', async () => {
  const root = tempDir();
  // A PID that surely ended: a child that already exited.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  mkdirSync(join(root, 'run/ha-setup'), { recursive: true });
  writeFileSync(join(root, FAILOVER_LOCK), `${dead}\n`);
  const lock = await acquireLock(FAILOVER_LOCK, new LocalHost(root));
  assert.ok(!('heldBy' in lock));
  assert.equal(readFileSync(join(root, FAILOVER_LOCK), 'utf8'), `${process.pid}\n`);
  await lock.release();
});
