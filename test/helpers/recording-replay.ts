/**
 * A DoctorContext for one node of a recorded release, at the end of one recorded scenario
 * (../shared/reference/keepalived-recordings/<release>/), through the shapes doctor reads:
 * - the node's keepalived.conf as README.md gives it (rec-b's wrong password in the auth
 *   test, its advert_int 3 in the advert test);
 * - its log up to that moment (full/rec-X.ts.log, cut by the recorder's receive time), a
 *   console log just written to (1.3.5's lines carry no time of their own);
 * - the dumps where they were taken (rec-a, after the advert test);
 * - the capture where one was recorded (rec-b's tcpdump of the fault and the stop), decoded
 *   from the recorded `tcpdump -v` lines; elsewhere none, as without tcpdump;
 * - who held the VIP, from keepalived's own "setting/removing VIPs" lines of both nodes.
 * Nothing is invented beyond what the recordings and README.md say.
 */
import type { DoctorContext } from '../../src/doctor/context.js';
import { recordedContext } from './recorded-context.js';
import type { KeepalivedProcess } from '../../src/keepalived/runtime/process.js';
import type { CaptureResult } from '../../src/vrrp/capture.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { parseData, parseStats } from '../../src/keepalived/runtime/dumps.js';
import { useRecordedWire } from '../../src/doctor/wire/pair.js';
import { releaseHas } from '../../src/keepalived/releases.js';
import { factsFor } from './facts.js';
import {
  ADDRESS,
  advertsFromTcpdumpText,
  dumpMoment,
  logUpTo,
  logWindows,
  recordingConfig,
  recordingFile,
  type RecNode,
  type TimedLine,
} from './recordings.js';

export const SCENARIOS = ['start', 'fault', 'failback', 'auth', 'vrid-conflict', 'advert', 'dumps', 'stop'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const VIP = '192.0.2.50';
const MAC: Record<RecNode, string> = { 'rec-a': '02:00:00:00:00:21', 'rec-b': '02:00:00:00:00:22', 'rec-c': '02:00:00:00:00:23' };

/** When the scenario's window ends (doctor's "now"). */
export function momentOf(release: string, scenario: Scenario): number {
  if (scenario === 'dumps') return dumpMoment(release) + 500;
  const file = { start: 'start.log', fault: 'fault.log', failback: 'fault.log', auth: 'auth.log', 'vrid-conflict': 'vrid-conflict.log', advert: 'advert.log', stop: 'stop.log' }[scenario];
  return logWindows(release, file)[scenario === 'failback' ? 1 : 0]!.end;
}

/** The node's config in that scenario (README.md). */
export function configOf(node: RecNode, scenario: Scenario): string {
  return recordingConfig({ node, pass: scenario === 'auth' && node === 'rec-b' ? 'wrongpw1' : undefined, advertInt: scenario === 'advert' && node === 'rec-b' ? 3 : undefined });
}

/** Does the node's keepalived hold the VIP at the end of these lines (its own "setting/removing VIPs")? */
export function holdsVip(lines: TimedLine[]): boolean {
  let holds = false;
  for (const l of lines) {
    if (/setting (?:protocol )?VIPs/.test(l.text)) holds = true;
    if (/removing (?:protocol )?VIPs|Stopped Keepalived/.test(l.text)) holds = false;
  }
  return holds;
}

function running(lines: TimedLine[]): boolean {
  let up = false;
  for (const l of lines) {
    if (/Starting Keepalived v/.test(l.text)) up = true;
    if (/Stopped Keepalived v/.test(l.text)) up = false;
  }
  return up;
}

/** The capture recorded on this node in this scenario, decoded; null: none was recorded here. */
function recordedCapture(release: string, scenario: Scenario, node: RecNode, moment: number): CaptureResult | null {
  const file = scenario === 'fault' ? 'fault-wire.txt' : scenario === 'stop' ? 'stop-wire.txt' : null;
  if (!file || node !== 'rec-b') return null;
  const adverts = advertsFromTcpdumpText(recordingFile(release, file)).filter((a) => a.t <= moment);
  const first = adverts[0]?.t ?? moment;
  return {
    iface: 'eth0', adverts, undecoded: [], tcpdumpMissing: false, error: null, durationMs: moment - first, linktype: 1,
    counters: { captured: adverts.length, receivedByFilter: null, droppedByKernel: null }, pcap: null,
  };
}

export interface RecordingReplay {
  ctx: DoctorContext;
  now: number;
  log: TimedLine[];
  holds: boolean;
  running: boolean;
}

export async function replayRecording(release: string, scenario: Scenario, node: 'rec-a' | 'rec-b'): Promise<RecordingReplay> {
  const now = momentOf(release, scenario);
  const log = logUpTo(release, node, now);
  const other: RecNode = node === 'rec-a' ? 'rec-b' : 'rec-a';
  const otherLog = logUpTo(release, other, now);
  const up = running(log);
  const holds = up && holdsVip(log);
  // Who else answers ARP for the VIP: the other node (or, in the VRID test, nobody else: rec-c has another VIP).
  const otherHolds = running(otherLog) && holdsVip(otherLog);
  const confPath = '/etc/keepalived/keepalived.conf';
  const parsed = await parseConfigText(configOf(node, scenario), { file: confPath });
  const ipv4 = [`${ADDRESS[node]}/24`, ...(holds ? [`${VIP}/24`] : [])];
  const facts = factsFor('debian-12', {
    interfaces: [
      { name: 'lo', up: true, ipv4: ['127.0.0.1/8'], ipv6: ['::1/128'], mac: null, default: false, loopback: true },
      { name: 'eth0', up: true, ipv4, ipv6: [], mac: MAC[node], default: true, loopback: false },
    ],
    keepalived: { installed: true, path: '/usr/sbin/keepalived', version: release, running: up, pid: up ? 1000 : null, pids: up ? [1000, 1001] : [] },
    systemd: false,
  });
  const kp = up ? ({ pid: 1000, configFile: confPath, tmpDirOnHost: '/tmp', slashTmpOnHost: '/tmp' } as unknown as KeepalivedProcess) : null;
  // Dumps only where they were taken: rec-a, after the advert test.
  const dumps =
    kp && scenario === 'dumps' && node === 'rec-a'
      ? { stats: parseStats(recordingFile(release, 'dumps/keepalived.stats')), data: parseData(recordingFile(release, 'dumps/keepalived.data')), json: null, results: [] }
      : null;
  const capture = recordedCapture(release, scenario, node, now);
  const ctx = recordedContext({
    facts,
    confPath,
    parsed,
    kp,
    dumps,
    // The console file was last written when its last line came (1.x lines carry no time).
    log: { source: 'console-file', where: `full/${node}.log`, lines: log.map((l) => l.text), modifiedAt: log.at(-1)?.at ?? null },
    capture,
    holds: (a) => a === VIP && holds,
    probe: otherHolds ? { inUse: true, macs: [MAC[other]], command: null } : { inUse: false, macs: [], command: null },
    firewall: { allowed: true, evidence: null, blockingChains: [] },
    captureSkip: capture ? null : { reason: 'permission', message: 'no capture was recorded on this node in this scenario', install: null },
  });
  useRecordedWire(ctx, { now, statsAfter: null });
  return { ctx, now, log, holds, running: up };
}

/** Does this release's log name the sender of a bad advert (used by tests to word expectations)? */
export const namesSender = (release: string) => releaseHas(release, 'rateLimitedPacketLogs');
