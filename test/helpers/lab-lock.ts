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
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { LAB_STATE_DIR } from '../../src/lab/constants.js';

export const LAB_LOCK = `${dirname(LAB_STATE_DIR)}/ha-setup-lab.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Wait (polling every 200 ms, up to `timeoutMs`) for the lab lock; returns its release function. */
export async function takeLabLock(owner: string, timeoutMs = 15 * 60_000, path = LAB_LOCK): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await fs.open(path, 'wx', 0o644);
      await fh.writeFile(`${process.pid} ${owner}\n`);
      await fh.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Only our own lock: never remove one another run took over.
        const text = await fs.readFile(path, 'utf8').catch(() => '');
        if (text.startsWith(`${process.pid} `)) await fs.rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number.parseInt((await fs.readFile(path, 'utf8').catch(() => '')).split(' ')[0] ?? '', 10);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await fs.rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`lab lock ${path} still held by pid ${pid} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
