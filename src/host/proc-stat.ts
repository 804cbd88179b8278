/**
 * /proc/PID/stat, the one parser. Pure: the caller reads the file through whatever sees the
 * machine's /proc (the local machine, a remote one's scan output).
 */
export interface ProcStat {
  pid: number;
  /** The command name (field 2), which may hold spaces and parentheses. */
  comm: string;
  /** R, S, D, T, Z (zombie), X (dead), ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Clock ticks after boot, as the kernel wrote them: with the pid, it names one process for good. */
  startTime: string;
}

/** "pid (comm) S ppid pgrp ... starttime ..."; null when the text is not such a line. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  if (!Number.isInteger(pid) || !fields[0] || !Number.isInteger(ppid)) return null;
  return { pid, comm: text.slice(open + 1, close), state: fields[0], ppid, pgrp: Number.isInteger(pgrp) ? pgrp : -1, startTime: fields[19] ?? '' };
}

/** A zombie or a dead entry: `kill -0` says yes to it, but nothing runs. */
export function isGone(stat: Pick<ProcStat, 'state'>): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}

/**
 * The one test of "ours": the process runs in the network namespace wanted. Both are the
 * text of a /proc/PID/ns/net link ("net:[4026532281]"); one that cannot be read is never ours.
 */
export function inNetns(proc: { net: string | null }, wantedNet: string | null): boolean {
  return wantedNet !== null && proc.net !== null && proc.net === wantedNet;
}
