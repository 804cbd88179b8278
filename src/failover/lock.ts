/**
 * One failover test per node at a time: an exclusive lock file holding the owner's PID.
 * A lock whose process is gone (a run killed with SIGKILL) is stale and taken over.
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Host } from '../host/types.js';

export const FAILOVER_LOCK = '/run/ha-setup/failover-test.lock';

/** Where a path of the host really is on this machine (the lab node's directory, --root). */
export function realPath(host: Pick<Host, 'kind' | 'root' | 'runtimePath'>, path: string): string {
  if (host.kind === 'netns') return host.runtimePath(path);
  return host.root === '/' ? path : join(host.root, path);
}

export interface Lock {
  path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock, or return the PID that holds it. */
export async function acquireLock(path: string): Promise<Lock | { heldBy: number }> {
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o755 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fs.open(path, 'wx', 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await fs.rm(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt((await fs.readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) return { heldBy: pid };
      await fs.rm(path, { force: true });
    }
  }
  return { heldBy: -1 };
}
