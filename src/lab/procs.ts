/**
 * Reading and signalling lab daemons. All namespaces share one PID space, so "is this
 * process ours" is decided by its network namespace, start time and command line, never
 * by its name (`pidof nginx` sees every node's nginx, and other people's too).
 */
import { inNetns, isGone, parseProcStat, type ProcStat } from '../host/proc-stat.js';
import { signal } from '../host/daemon.js';
import { namedNetnsId } from '../host/netns.js';
import { readRuntimeText } from '../host/runtime-fs.js';
import { labMachine } from './machine.js';

export type { ProcStat };
export { signal, spawnDetached } from '../host/daemon.js';

/** /proc and the daemons' pid files, as the machine's processes see them. */
const proc = labMachine.runtimeFs();

const readText = (path: string) => readRuntimeText(proc, path);

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readText(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

/** Running or sleeping, not a zombie waiting to be reaped: `kill -0` alone would say yes to those. */
export async function isLive(pid: number): Promise<boolean> {
  const st = await readProcStat(pid);
  return st !== null && !isGone(st);
}

/** The process's network namespace, as its /proc/PID/ns/net link says ("net:[4026532317]"). */
export async function netnsOfPid(pid: number): Promise<string | null> {
  const link = await proc.readLink(`/proc/${pid}/ns/net`);
  return link !== null && /^net:\[\d+\]$/.test(link) ? link : null;
}

/** The namespace behind `ip netns` name NAME in the same form, or null when there is none. */
export const netnsInode = namedNetnsId;

export async function cmdlineOf(pid: number): Promise<string> {
  return ((await readText(`/proc/${pid}/cmdline`)) ?? '').split('\0').filter(Boolean).join(' ');
}

export async function listPids(): Promise<number[]> {
  const names = await proc.readDir('/proc');
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
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
  const text = await readText(pidFile);
  if (text === null) return null;
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const st = await readProcStat(pid);
  if (!st || isGone(st)) return null;
  if (ns !== undefined && !inNetns({ net: await netnsOfPid(pid) }, ns)) return null;
  if (!(await cmdlineOf(pid)).includes(marker)) return null;
  return { pid, startTime: st.startTime };
}
