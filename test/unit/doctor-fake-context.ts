/**
 * A DoctorContext made of recorded facts: real configs (../shared/samples, fixtures),
 * real outputs recorded on this machine. Checks under test cannot tell it from the real one.
 * Shared by the doctor unit tests (doctor-wire tests may use it too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorContext, DoctorOptions, LoadedConfig } from '../../src/doctor/context.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/types.js';
import { LocalHost } from '../../src/host/local.js';
import { SystemdServices, SysvServices, type ServiceControl, type ServiceName, type ServiceOp } from '../../src/system/service-control.js';
import { labServices } from '../../src/lab/services.js';
import { nodeShell } from '../../src/system/node-shell.js';
import type { Facts } from '../../src/system/facts.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { validateConfig } from '../../src/keepalived/validate.js';
import type { ConfigTestResult } from '../../src/keepalived/config-test.js';
import type { KeepalivedProcess } from '../../src/keepalived/runtime/process.js';
import { parseLogLine, type LogEvent } from '../../src/keepalived/runtime/logs.js';
import type { CaptureResult } from '../../src/vrrp/capture.js';
import type { VrrpRuleStatus } from '../../src/firewall/vrrp.js';
import { factsFor } from '../helpers/facts.js';
import { fixturesDir, samplesDir } from '../helpers/paths.js';

export const sample = (name: string) => readFileSync(join(samplesDir, name), 'utf8');
export const fixture = (...parts: string[]) => readFileSync(join(fixturesDir, ...parts), 'utf8');

/**
 * A real host (files and commands are real) whose answers for a few commands are
 * recorded instead: only for what cannot run here (systemctl without systemd as PID 1)
 * or must not be changed here (the root namespace's firewall). Every call is kept so a
 * test can assert the exact argv.
 */
export class RecordedHost extends LocalHost {
  readonly calls: string[][] = [];
  constructor(
    private readonly answers: Array<{ argv: string[]; result: Partial<ExecResult> }>,
    root = '/',
  ) {
    super(root);
  }
  override async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const argv = [cmd, ...args];
    // Every command is recorded, answered or not: a test's `calls` is all that ran.
    this.calls.push(argv);
    const hit = this.answers.find((a) => a.argv.length === argv.length && a.argv.every((x, i) => x === argv[i]));
    if (!hit) return super.exec(cmd, args, opts);
    return { command: argv, exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false, ...hit.result };
  }
}

export class FakeServices implements ServiceControl {
  readonly calls: string[] = [];
  constructor(readonly kind: ServiceControl['kind'] = 'sysv') {}
  private r(op: string, name: ServiceName): Promise<ExecResult> {
    this.calls.push(`${op} ${name}`);
    return Promise.resolve({ command: ['service', name, op], exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false });
  }
  start(n: ServiceName) { return this.r('start', n); }
  stop(n: ServiceName) { return this.r('stop', n); }
  restart(n: ServiceName) { return this.r('restart', n); }
  reload(n: ServiceName) { return this.r('reload', n); }
  enable(n: ServiceName) { return this.r('enable', n); }
  async isActive() { return true; }
  async restartsOnFailure() { return null; }
  async recentLogs() { return []; }
  command(op: string, name: ServiceName) { return ['service', name, op]; }
  /** The real spelling of each service manager (what is under test is the check's choice of it). */
  commandLines(op: ServiceOp, n: ServiceName) {
    if (this.kind === 'lab') return labServices('ha1').commandLines(op, n);
    return (this.kind === 'systemd' ? new SystemdServices(new LocalHost('/')) : new SysvServices(new LocalHost('/'))).commandLines(op, n);
  }
}

export interface FakeOptions {
  facts?: Partial<Facts>;
  /** keepalived.conf text; null: no config file. */
  config?: string | null;
  configPath?: string;
  host?: Host;
  services?: ServiceControl;
  keepalived?: KeepalivedProcess | null;
  logLines?: string[];
  capture?: CaptureResult | null;
  firewall?: VrrpRuleStatus;
  configTest?: ConfigTestResult | null;
  holds?: string[];
  options?: Partial<DoctorOptions>;
}

export async function fakeContext(o: FakeOptions = {}): Promise<DoctorContext> {
  const facts = factsFor('debian13', o.facts ?? {});
  const path = o.configPath ?? '/etc/keepalived/keepalived.conf';
  const loaded: LoadedConfig | null = o.config === null || o.config === undefined ? null : { path, parsed: await parseConfigText(o.config, { file: path }), source: 'option' };
  const findings = loaded ? await validateConfig(loaded.parsed.config, { interfaces: facts.interfaces }) : [];
  const lines = o.logLines ?? [];
  const capture = o.capture === undefined ? null : Promise.resolve(o.capture);
  return {
    host: o.host ?? new LocalHost('/'),
    services: o.services ?? new FakeServices(),
    shell: nodeShell(o.host ?? new LocalHost('/')),
    options: { configPath: path, logPath: null, showSecrets: false, captureMs: null, peers: [], ...o.options },
    facts: async () => facts,
    keepalived: async () => o.keepalived ?? null,
    config: async () => loaded,
    instance: async () => loaded?.parsed.config.vrrpInstances[0] ?? null,
    findings: async () => findings,
    configTest: async () => o.configTest ?? null,
    dumps: async () => null,
    logs: async () => ({ source: 'log-file', where: '/var/log/keepalived.log', lines, events: lines.map(parseLogLine).filter((e): e is LogEvent => e !== null) }),
    capture: () => capture ?? Promise.resolve(null),
    captureIfStarted: () => capture,
    holdsAddress: async (a) => (o.holds ?? []).includes(a.split('/')[0]!),
    probeAddress: async () => ({ inUse: null, macs: [], command: null }),
    firewall: async () => o.firewall ?? { allowed: true, evidence: null, blockingChains: [] },
    configLocation: async () => ({ path, source: 'option' }),
  };
}

/** A keepalived process as findKeepalived describes the lab's (recorded from a dd- namespace). */
export function keepalivedProcess(over: Partial<KeepalivedProcess> = {}): KeepalivedProcess {
  return {
    pid: 30847,
    vrrpPid: 30851,
    checkerPid: null,
    childPids: [30851],
    cmdline: ['keepalived', '--dont-fork', '--vrrp', '--log-console', '--log-detail', '--no-syslog', '-f', '/etc/keepalived/keepalived.conf'],
    configFile: '/etc/keepalived/keepalived.conf',
    tmpDir: '/tmp',
    tmpDirSource: 'default',
    tmpDirOnHost: '/tmp',
    slashTmpOnHost: '/tmp',
    pidFiles: { parent: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checkers: '/run/checkers.pid' },
    logTarget: { console: true, file: null, syslog: false, syslogFacility: null, stdout: '/var/log/keepalived.log', stdoutFile: '/var/log/keepalived.log', journal: false },
    netns: 'net:[4026532281]',
    otherMountNamespace: false,
    options: {
      configFile: '/etc/keepalived/keepalived.conf',
      pidFile: null,
      vrrpPidFile: null,
      checkersPidFile: null,
      logConsole: true,
      logDetail: true,
      logFile: null,
      noSyslog: true,
      logFacility: null,
      vrrpOnly: true,
      checkOnly: false,
      dontFork: true,
      namespace: null,
      configId: null,
    },
    ...over,
  };
}
