/**
 * One lab user at a time: lab tests of different areas (failover-test, the doctor's fault
 * matrix, ...) share the one lab of this machine. A test takes this lock around its whole
 * suite; the `lab up` / `lab down` it runs inherit it (they take the same lock themselves
 * when nobody holds it):
 *
 *   const release = await takeLabLock('failover-test');
 *   after(async () => { await runCli(['lab', 'down']); await release(); });
 *
 * The lock and its rules are the CLI's own (src/lab/lock.ts): this only hands the lock
 * down to the CLI children through the environment.
 */
import { LAB_LOCK, LAB_LOCK_ENV, takeLabLock as takeLock } from '../../src/lab/lock.js';

export { LAB_LOCK };

/** Wait (up to `timeoutMs`) for the lab lock; returns its release function. */
export async function takeLabLock(owner: string, timeoutMs = 15 * 60_000, path = LAB_LOCK): Promise<() => Promise<void>> {
  const release = await takeLock({ path, waitMs: timeoutMs, pollMs: 200, progress: (m) => console.error(`${owner}: ${m}`) });
  if (path !== LAB_LOCK) return release;
  // The CLI children of this process (runCli, execa) see the lab lock as theirs.
  const before = process.env[LAB_LOCK_ENV];
  process.env[LAB_LOCK_ENV] = String(process.pid);
  return async () => {
    if (before === undefined) delete process.env[LAB_LOCK_ENV];
    else process.env[LAB_LOCK_ENV] = before;
    await release();
  };
}
