/**
 * A DoctorContext that replays what was recorded from the real lab (test/fixtures/doctor-wire/
 * SCENARIO/NODE, written by record.ts): the capture, both stats dumps, the data dump, the
 * log, the facts, who held and who answered for the VIP, the firewall's verdict.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorContext } from '../../src/doctor/context.js';
import type { Host } from '../../src/host/types.js';
import type { Facts } from '../../src/system/facts.js';
import type { KeepalivedProcess } from '../../src/keepalived/runtime/process.js';
import type { VipProbe } from '../../src/setup/probe.js';
import type { VrrpRuleStatus } from '../../src/firewall/vrrp.js';
import type { CaptureResult } from '../../src/vrrp/capture.js';
import { advertsFromCapture } from '../../src/vrrp/capture.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { parseData, parseStats } from '../../src/keepalived/runtime/dumps.js';
import { recordedContext } from '../helpers/recorded-context.js';
import { useRecordedWire } from '../../src/doctor/wire/pair.js';
import type { Check, CheckResult } from '../../checks/types.js';
import { checkAnswer } from '../../src/doctor/run.js';
import { fixturesDir } from '../helpers/paths.js';
import { labNodeRoot, type LabNodeName } from '../../src/lab/constants.js';
import { NODE_DIRS } from '../../src/lab/paths.js';
import { labServices } from '../../src/lab/services.js';
import { DEFAULTS } from '../../src/defaults.js';

export const WIRE_FIXTURES = join(fixturesDir, 'doctor-wire');

export interface RecordedMeta {
  scenario: string;
  node: string;
  now: number;
  keepalivedRunning: boolean;
  keepalivedPid: number | null;
  holds: Record<string, boolean>;
  probe: VipProbe;
  /** Per VIP, when the lab had several (dual-master); `probe` is the first VIP's. */
  probes?: Record<string, VipProbe>;
  firewall: VrrpRuleStatus;
  captureDurationMs: number;
  captureError: string | null;
}

export interface Replay {
  ctx: DoctorContext;
  meta: RecordedMeta;
}

export interface ReplayOptions {
  showSecrets?: boolean;
  peers?: string[];
  /** Replace a recorded file's text before it is parsed (a counterfactual on real data). */
  edit?: Partial<Record<'keepalived.conf' | 'keepalived.log' | 'facts.json', (text: string) => string>>;
  /** No tcpdump on the node: capture() returns null and captureSkip() says why. */
  tcpdumpMissing?: boolean;
  /** The node has no answers file of setup (a config written by hand). */
  noAnswers?: boolean;
}

export async function replay(scenario: string, node: string, opts: ReplayOptions = {}): Promise<Replay> {
  const dir = join(WIRE_FIXTURES, scenario, node);
  const read = (name: string): string | null => {
    const p = join(dir, name);
    if (!existsSync(p)) return null;
    const text = readFileSync(p, 'utf8');
    const edit = opts.edit?.[name as keyof NonNullable<ReplayOptions['edit']>];
    return edit ? edit(text) : text;
  };
  const meta = JSON.parse(read('meta.json')!) as RecordedMeta;
  const facts = JSON.parse(read('facts.json')!) as Facts;
  const confText = read('keepalived.conf')!;
  const confPath = '/etc/keepalived/keepalived.conf';
  const parsed = await parseConfigText(confText, { file: confPath });
  const logLines = read('keepalived.log')!.split('\n').filter((l) => l.trim() !== '');
  const before = read('stats-before.txt');
  const after = read('stats-after.txt');
  const data = read('data.txt');
  const pcapPath = join(dir, 'capture.pcap');
  const capture: CaptureResult | null = opts.tcpdumpMissing
    ? null
    : existsSync(pcapPath)
      ? (() => {
          const bytes = new Uint8Array(readFileSync(pcapPath));
          const d = advertsFromCapture(bytes);
          return {
            iface: 'eth0',
            adverts: d.adverts,
            undecoded: d.undecoded,
            linktype: d.linktype,
            tcpdumpMissing: false,
            error: meta.captureError,
            durationMs: meta.captureDurationMs,
            counters: { captured: d.adverts.length, receivedByFilter: null, droppedByKernel: null },
            pcap: bytes,
          };
        })()
      : { iface: 'eth0', adverts: [], undecoded: [], linktype: 1, tcpdumpMissing: false, error: meta.captureError, durationMs: meta.captureDurationMs, counters: { captured: 0, receivedByFilter: null, droppedByKernel: null }, pcap: null };
  const kp = meta.keepalivedRunning ? ({ pid: meta.keepalivedPid, configFile: confPath, tmpDirOnHost: '/tmp' } as unknown as KeepalivedProcess) : null;
  // The recordings are of lab nodes: files under the node's directory, the lab's own daemons.
  const root = labNodeRoot(node as LabNodeName);
  const onNode = new Set<string>(['/', '/etc', ...NODE_DIRS, ...(opts.noAnswers ? [] : [DEFAULTS.paths.answers])]);
  const host = {
    kind: 'netns',
    labNode: node,
    label: node,
    root,
    runtimePath: (p: string) => (p.startsWith(`${root}/`) ? p : `${root}${p}`),
    exec: () => {
      throw new Error('replayed context: host.exec was not recorded');
    },
    exists: async (p: string) => onNode.has(p),
  } as unknown as Host;
  const ctx = recordedContext({
    facts,
    confPath,
    parsed,
    kp,
    dumps: kp ? { stats: before ? parseStats(before) : null, data: data ? parseData(data) : null, json: null, results: [] } : null,
    log: { source: 'log-file', where: '/var/log/keepalived.log', lines: logLines },
    capture,
    holds: (a) => meta.holds[a] ?? false,
    probe: meta.probes ? (a: string) => meta.probes![a] ?? meta.probe : meta.probe,
    firewall: meta.firewall,
    captureSkip: opts.tcpdumpMissing ? { reason: 'tcpdump-missing', message: 'tcpdump not found', install: ['apt-get', 'install', '-y', 'tcpdump'] } : null,
    options: { showSecrets: opts.showSecrets ?? false, peers: opts.peers ?? [] },
    host,
    services: labServices(node as LabNodeName),
  });
  useRecordedWire(ctx, { now: meta.now, statsAfter: after && kp ? parseStats(after) : null });
  return { ctx, meta };
}

export function runCheck(check: Check, ctx: DoctorContext): Promise<CheckResult> {
  return checkAnswer(ctx, check);
}
