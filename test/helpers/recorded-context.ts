/**
 * A DoctorContext made of recorded parts (facts, config, log, dumps, capture, who holds and
 * who answers for the VIP): the one shape both replays build (test/unit/doctor-wire-replay.ts
 * for the lab's own recordings, recording-replay.ts for the recorded releases). Nothing runs.
 */
import type { CaptureSkip, DoctorContext, DoctorOptions } from '../../src/doctor/context.js';
import type { Host } from '../../src/host/types.js';
import type { ServiceControl } from '../../src/system/service-control.js';
import type { Facts } from '../../src/system/facts.js';
import type { KeepalivedProcess } from '../../src/keepalived/runtime/process.js';
import type { RuntimeDumps } from '../../src/keepalived/runtime/dumps.js';
import type { ParseResult } from '../../src/keepalived/parse.js';
import type { CaptureResult } from '../../src/vrrp/capture.js';
import type { VipProbe } from '../../src/setup/probe.js';
import type { VrrpRuleStatus } from '../../src/firewall/vrrp.js';
import { nodeShell } from '../../src/system/node-shell.js';
import { parseLogLine, type KeepalivedLog, type LogEvent } from '../../src/keepalived/runtime/logs.js';

export interface RecordedParts {
  facts: Facts;
  confPath: string;
  parsed: ParseResult;
  kp: KeepalivedProcess | null;
  dumps: RuntimeDumps | null;
  log: { source: KeepalivedLog['source']; where: string; lines: string[]; modifiedAt?: number | null };
  capture: CaptureResult | null;
  holds: (address: string) => boolean;
  /** Who answered ARP for the VIP; per address when several VIPs were recorded. */
  probe: VipProbe | ((address: string) => VipProbe);
  firewall: VrrpRuleStatus;
  captureSkip: CaptureSkip | null;
  options?: Partial<DoctorOptions>;
  /** The node the recording is of (how its fix commands are spelled); a plain machine otherwise. */
  host?: Host;
  services?: ServiceControl;
}

export function recordedContext(p: RecordedParts): DoctorContext {
  const options: DoctorOptions = { configPath: null, logPath: null, showSecrets: false, captureMs: null, peers: [], ...p.options };
  const unrecorded = (what: string) => () => {
    throw new Error(`replayed context: ${what} was not recorded`);
  };
  const host = p.host ?? ({ kind: 'local', label: 'local', root: '/', runtimePath: (path: string) => path, exec: unrecorded('host.exec'), exists: async () => false } as unknown as Host);
  return {
    host,
    services: p.services ?? ({ kind: 'lab' } as unknown as ServiceControl),
    shell: nodeShell(host),
    options,
    facts: async () => p.facts,
    keepalived: async () => p.kp,
    config: async () => ({ path: p.confPath, parsed: p.parsed, source: 'process' }),
    instance: async () => p.parsed.config.vrrpInstances[0] ?? null,
    findings: async () => [],
    configTest: async () => null,
    dumps: async () => p.dumps,
    logs: async () => ({ ...p.log, events: p.log.lines.map(parseLogLine).filter((e): e is LogEvent => e !== null) }),
    capture: async () => p.capture,
    holdsAddress: async (a: string) => p.holds(a.split('/')[0]!),
    probeAddress: async (a: string) => (typeof p.probe === 'function' ? p.probe(a.split('/')[0]!) : p.probe),
    firewall: async () => p.firewall,
    captureSkip: async () => p.captureSkip,
  };
}
