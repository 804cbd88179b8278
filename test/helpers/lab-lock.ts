/**
 * One lab user at a time: lab tests of different areas (failover-test, the doctor's fault
 * matrix, ...) share the one lab of this machine. A test takes this lock before `lab up`
 * and releases it after `lab down`:
 *
 *   const release = await takeLabLock('failover-test');
 *   after(async () => { await runCli(['lab', 'down']); await release(); });
 *
 * The lock is a file created with O_EXCL beside the lab's state directory (not inside it:
 * `lab down` removes that directory). It holds the owner's PID; a lock whose process is
 * gone is stale and taken over.
 */
import { dirname } from 'node:path';
import { LAB_STATE_DIR } from '../../src/lab/constants.js';
import { acquireLock } from '../../src/failover/lock.js';

export const LAB_LOCK = `${dirname(LAB_STATE_DIR)}/ha-setup-lab.lock`;

/** Wait (polling every 200 ms, up to `timeoutMs`) for the lab lock; returns its release function. */
export async function takeLabLock(_owner: string, timeoutMs = 15 * 60_000, path = LAB_LOCK): Promise<() => Promise<void>> {
  // The same lock file discipline as failover-test's own lock (stale locks are taken over).
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lock = await acquireLock(path);
    if ('release' in lock) return () => lock.release();
    if (Date.now() > deadline) throw new Error(`lab lock ${path} still held by pid ${lock.heldBy} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
