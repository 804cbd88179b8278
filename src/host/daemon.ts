/**
 * Starting a daemon that outlives this process, and signalling processes by pid: the
 * machine-level process control the lab needs for the daemons it runs in its namespaces.
 */
import { closeSync, openSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Start `argv` in its own session (what `setsid` does in a shell, so its pgid is its pid),
 * stdout and stderr appended straight to `log` through the file's descriptor, not through
 * us. `ip netns exec` and `env` exec in place, so the child's pid is the daemon's own.
 */
export function spawnDetached(argv: readonly string[], log: string): ChildProcess {
  const fd = openSync(log, 'a', 0o640);
  try {
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Send a signal; a process that is already gone is not an error. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Whether a process with this pid exists (one we may not signal counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
