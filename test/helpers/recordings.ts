/**
 * Reading ../shared/reference/keepalived-recordings/<release>/ in place: what real keepalived
 * releases printed and did in a two-node lab (rec-a MASTER 150 on 192.0.2.21, rec-b BACKUP
 * 100 on 192.0.2.22, VRID 51, VIP 192.0.2.50/24, auth PASS s3cret51; rec-c 192.0.2.23 the
 * rogue of the VRID-conflict test). See that folder's README.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingsDir } from './paths.js';
import type { CapturedAdvert } from '../../src/vrrp/capture.js';

/** Every release recorded, oldest first. */
export const RECORDED = ['1.3.5', '2.0.20', '2.1.5', '2.2.7', '2.2.8', '2.3.4', '2.4.3'] as const;
export type RecordedRelease = (typeof RECORDED)[number];
export type RecNode = 'rec-a' | 'rec-b' | 'rec-c';

export const ADDRESS: Record<RecNode, string> = { 'rec-a': '192.0.2.21', 'rec-b': '192.0.2.22', 'rec-c': '192.0.2.23' };

export function recordingFile(release: string, name: string): string {
  return readFileSync(join(recordingsDir, release, name), 'utf8');
}

export function hasRecordingFile(release: string, name: string): boolean {
  return existsSync(join(recordingsDir, release, name));
}

/** `--- exit code: N` / `--- stdout` / `--- stderr` blocks of help.txt, version.txt. */
export function recordedOutput(release: string, name: string): { exitCode: number; stdout: string; stderr: string } {
  const text = recordingFile(release, name);
  return {
    exitCode: Number(/^--- exit code: (\d+)/m.exec(text)?.[1] ?? NaN),
    stdout: between(text, /^--- stdout \(\d+ bytes\):\n/m, /^--- (stderr|end)/m),
    stderr: between(text, /^--- stderr \(\d+ bytes\):\n/m, /^--- end/m),
  };
}

function between(text: string, start: RegExp, end: RegExp): string {
  const s = start.exec(text);
  if (!s) return '';
  const rest = text.slice(s.index + s[0].length);
  const e = end.exec(rest);
  return e ? rest.slice(0, e.index) : rest;
}

// ---------------------------------------------------------------------------------------
// configtest.txt

export type ConfigCase = 'a' | 'b' | 'c' | 'd' | 'e';

export interface RecordedConfigTest {
  case: ConfigCase;
  /** `-t` exit code; for 1.3.5 the dry start's exit status after SIGTERM. */
  exitCode: number;
  stdout: string;
  /** keepalived's own stderr (1.3.5: the raw stderr of the dry start, without receive times). */
  stderr: string;
  /** 1.3.5: the daemon was still running when the recorder sent SIGTERM after 3 s. */
  stillRunning?: boolean;
}

/** Every case a-e of configtest.txt, and (releases with -t) the `-t -e` run on (a) as case 'e-option'. */
export function configTestCases(release: string): { cases: RecordedConfigTest[]; allConfig: RecordedConfigTest | null } {
  const text = recordingFile(release, 'configtest.txt');
  const cases: RecordedConfigTest[] = [];
  let allConfig: RecordedConfigTest | null = null;
  for (const part of text.split(/^##### (?=case \(|-t -e on)/m).slice(1)) {
    const letter = /^case \(([a-e])\)/.exec(part)?.[1] as ConfigCase | undefined;
    const exitCode = Number(/^--- (?:exit code: (\d+)|process started .*exit status (\d+))/m.exec(part)?.slice(1).find((x) => x !== undefined) ?? NaN);
    const stdout = between(part, /^--- stdout \(\d+ bytes\):\n/m, /^--- /m);
    let stderr = between(part, /^--- stderr \(\d+ bytes\):\n/m, /^--- (end|stderr again)/m);
    // The recorder's bash reported the SIGSEGV on stderr; keepalived printed only the lines before.
    stderr = stderr
      .split('\n')
      .filter((l) => !/Segmentation fault\s+unshare/.test(l))
      .join('\n');
    const stillRunning = /still running after 3 s/.test(part) ? true : undefined;
    const run = { case: letter ?? 'a', exitCode, stdout, stderr, ...(stillRunning ? { stillRunning } : {}) };
    if (letter) cases.push(run);
    else allConfig = run;
  }
  return { cases, allConfig };
}

// ---------------------------------------------------------------------------------------
// Log windows (start.log, fault.log, auth.log, vrid-conflict.log, advert.log, stop.log)

export interface LogWindow {
  title: string;
  /** Recorder clock, ms since the epoch (the recordings were made on 2026-12-02 UTC). */
  start: number;
  end: number;
  nodes: Partial<Record<RecNode, string[]>>;
}

const DAY = '2026-12-02';

export function recorderTime(hms: string): number {
  return Date.parse(`${DAY}T${hms}Z`);
}

export function logWindows(release: string, name: string): LogWindow[] {
  const text = recordingFile(release, name);
  const windows: LogWindow[] = [];
  let cur: LogWindow | null = null;
  let node: RecNode | null = null;
  let title = '';
  for (const line of text.split('\n')) {
    const w = /^=== window: (\S+) - (\S+)/.exec(line);
    if (w) {
      cur = { title, start: recorderTime(w[1]!), end: recorderTime(w[2]!), nodes: {} };
      windows.push(cur);
      continue;
    }
    if (line.startsWith('=== ')) {
      title = line.slice(4);
      continue;
    }
    const open = /^### (rec-[abc]) log/.exec(line);
    if (open && cur) {
      node = open[1] as RecNode;
      cur.nodes[node] = [];
      continue;
    }
    if (/^### end /.test(line)) {
      node = null;
      continue;
    }
    if (node && cur && line.trim() !== '') cur.nodes[node]!.push(line);
  }
  return windows;
}

/** One line of full/rec-X.ts.log: what keepalived printed and when the recorder received it. */
export interface TimedLine {
  at: number;
  text: string;
}

/** Every line the node's keepalived printed (its runs appended), with the recorder's receive time. */
export function timedLog(release: string, node: RecNode): TimedLine[] {
  const out: TimedLine[] = [];
  for (const line of recordingFile(release, `full/${node}.ts.log`).split('\n')) {
    const m = /^(\d\d:\d\d:\d\d\.\d{3}) (.*)$/.exec(line);
    if (m && m[2]!.trim() !== '') out.push({ at: recorderTime(m[1]!), text: m[2]! });
  }
  return out;
}

/**
 * The keepalived log of a node up to a moment, as doctor would read it then: the node's
 * whole run so far (full/rec-X.ts.log, rec-b's restarts appended), cut at that moment by
 * the recorder's receive time of each line.
 */
export function logUpTo(release: string, node: RecNode, moment: number): TimedLine[] {
  return timedLog(release, node).filter((l) => l.at <= moment);
}

/** When the recorder asked for the dumps (events.txt "dump STATS"). */
export function dumpMoment(release: string): number {
  const m = /^(\d\d:\d\d:\d\d\.\d{3}) dump STATS/m.exec(recordingFile(release, 'events.txt'));
  if (!m) throw new Error(`${release}: no dump in events.txt`);
  return recorderTime(m[1]!);
}

// ---------------------------------------------------------------------------------------
// tcpdump -v decodes (fault-wire.txt, stop-wire.txt) -> the shape our decoder gives

const ADVERT = /^(\d\d:\d\d:\d\d\.\d+) IP \(tos \S+, ttl (\d+),.*\n\s+(\S+) > (\S+): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+), authtype (\w+), intvl (\d+)s, length \d+, addrs: ([\d. ]+?)(?: auth "([^"]*)")?$/gm;

/** The adverts of a recorded `tcpdump -v vrrp` text, as CapturedAdvert objects. */
export function advertsFromTcpdumpText(text: string): CapturedAdvert[] {
  return [...text.matchAll(ADVERT)].map((m) => advert({ t: recorderTime(m[1]!), ttl: Number(m[2]), src: m[3]!, dst: m[4]!, version: Number(m[5]) as 2 | 3, vrid: Number(m[6]), priority: Number(m[7]), authType: m[8] === 'simple' ? 1 : m[8] === 'none' ? 0 : 2, intervalS: Number(m[9]), addresses: m[10]!.trim().split(/\s+/), authData: m[11] ?? null }));
}

export function advert(a: { t: number; src: string; dst?: string; ttl?: number; version?: 2 | 3; vrid: number; priority: number; authType?: number; intervalS: number; addresses: string[]; authData: string | null }): CapturedAdvert {
  const dst = a.dst ?? '224.0.0.18';
  return {
    version: a.version ?? 2,
    type: 1,
    vrid: a.vrid,
    priority: a.priority,
    addresses: a.addresses,
    authType: a.authType ?? (a.authData === null ? 0 : 1),
    authData: a.authData,
    advertIntervalMs: a.intervalS * 1000,
    checksumOk: true,
    checksumVariant: 'v2',
    src: a.src,
    dst,
    ttl: a.ttl ?? 255,
    family: 4,
    multicast: dst === '224.0.0.18',
    ah: false,
    linkSrc: null,
    direction: null,
    ifindex: null,
    t: a.t,
  };
}

// ---------------------------------------------------------------------------------------
// The configurations of the recording lab (README.md: rec-a's file, rec-b's differences)

export interface RecConfigOptions {
  node: RecNode;
  pass?: string;
  advertInt?: number;
}

/** rec-a's keepalived.conf as README.md shows it, changed the way README.md says for the other runs. */
export function recordingConfig(o: RecConfigOptions): string {
  const readme = recordingFile('.', 'README.md');
  const block = /Config of rec-a[^\n]*\n\n```\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md: the config of rec-a was not found');
  let text = block[1]!;
  if (o.node === 'rec-b') text = text.replace('router_id rec-a', 'router_id rec-b').replace('state MASTER', 'state BACKUP').replace('priority 150', 'priority 100');
  if (o.node === 'rec-c') {
    // README.md: router_id rec-c, state MASTER, priority 200, auth_pass rogue123, VIP 192.0.2.60/24, no vrrp_script.
    text = text
      .replace('router_id rec-a', 'router_id rec-c')
      .replace('priority 150', 'priority 200')
      .replace('auth_pass s3cret51', 'auth_pass rogue123')
      .replace('192.0.2.50/24 dev eth0', '192.0.2.60/24 dev eth0')
      .replace(/vrrp_script chk \{[\s\S]*?\n\}\n\n/, '')
      .replace(/    track_script \{\n        chk\n    \}\n/, '');
  }
  if (o.pass) text = text.replace('auth_pass s3cret51', `auth_pass ${o.pass}`);
  if (o.advertInt) text = text.replace('advert_int 1', `advert_int ${o.advertInt}`);
  return text;
}
