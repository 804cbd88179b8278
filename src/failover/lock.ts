/**
 * One failover test per node at a time: an exclusive lock file holding the owner's PID.
 * A lock whose process is gone (a run killed with SIGKILL) is stale and taken over.
 */
import { processAlive } from '../host/daemon.js';
import { LocalHost } from '../host/local.js';
import type { Host } from '../host/types.js';

export const FAILOVER_LOCK = '/run/ha-setup/failover-test.lock';

export interface Lock {
  path: string;
  release(): Promise<void>;
}

/** Take the lock, or return the PID that holds it. `path` is a path of `on` (default: this machine). */
export async function acquireLock(path: string, on: Host = new LocalHost('/')): Promise<Lock | { heldBy: number }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await on.createExclusive(path, `${process.pid}\n`, 0o644)) {
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await on.remove(path);
        },
      };
    }
    const pid = Number.parseInt(((await on.readFile(path).catch(() => null)) ?? '').trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return { heldBy: pid };
    await on.remove(path);
  }
  return { heldBy: -1 };
}
