/**
 * Reading and signalling lab daemons. All namespaces share one PID space, so "is this
 * process ours" is decided by its network namespace, start time and command line, never
 * by its name (`pidof nginx` sees every node's nginx, and other people's too).
 */
import { closeSync, openSync, promises as fs } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { inNetns, isGone, parseProcStat, type ProcStat } from '../host/proc-stat.js';

export type { ProcStat };

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseProcStat(text);
}

/** Running or sleeping, not a zombie waiting to be reaped: `kill -0` alone would say yes to those. */
export async function isLive(pid: number): Promise<boolean> {
  const st = await readProcStat(pid);
  return st !== null && !isGone(st);
}

/** The process's network namespace, as its /proc/PID/ns/net link says ("net:[4026532317]"). */
export async function netnsOfPid(pid: number): Promise<string | null> {
  try {
    const link = await fs.readlink(`/proc/${pid}/ns/net`);
    return /^net:\[\d+\]$/.test(link) ? link : null;
  } catch {
    return null;
  }
}

/** The namespace behind `ip netns` name NAME (/run/netns/NAME) in the same form, or null when there is none. */
export async function netnsInode(name: string): Promise<string | null> {
  try {
    return `net:[${(await fs.stat(`/run/netns/${name}`, { bigint: true })).ino}]`;
  } catch {
    return null;
  }
}

export async function cmdlineOf(pid: number): Promise<string> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

export async function listPids(): Promise<number[]> {
  const names = await fs.readdir('/proc');
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Wait until `pid` is no longer the process that started at `startTime`: exited, a
 * zombie, or the pid reused by someone else. Returns false on timeout.
 */
export async function waitGone(pid: number, startTime: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await readProcStat(pid);
    if (st === null || isGone(st) || st.startTime !== startTime) return true;
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
}

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL the whole process group (the daemons are
 * session leaders, so their workers and VRRP child share the pgid) and wait a little more.
 */
export async function terminate(pid: number, startTime: string, graceMs = 5000): Promise<boolean> {
  const st = await readProcStat(pid);
  if (st === null || st.startTime !== startTime || st.state === 'Z') return true;
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, startTime, graceMs)) return true;
  if (st.pgrp === pid) signal(-pid, 'SIGKILL');
  else signal(pid, 'SIGKILL');
  return waitGone(pid, startTime, 2000);
}

/**
 * The lab's one "is this daemon ours" test for a pid file: the pid it names is alive (not
 * a zombie), its command line names `marker` (the node's directory, or its config file)
 * and, when `ns` is given, it runs in that network namespace.
 */
export async function ownDaemonFromPidFile(pidFile: string, marker: string, ns?: string): Promise<{ pid: number; startTime: string } | null> {
  let text: string;
  try {
    text = await fs.readFile(pidFile, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const st = await readProcStat(pid);
  if (!st || isGone(st)) return null;
  if (ns !== undefined && !inNetns({ net: await netnsOfPid(pid) }, ns)) return null;
  if (!(await cmdlineOf(pid)).includes(marker)) return null;
  return { pid, startTime: st.startTime };
}

/**
 * Start a lab daemon that outlives us: its own session (what `setsid` does in a shell,
 * so its pgid is its pid), stdout and stderr appended straight to `log` through the
 * file's descriptor, not through us. `ip netns exec` and `env` exec in place, so the
 * child's pid is the daemon's own.
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
