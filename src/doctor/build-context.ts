/**
 * The one DoctorContext of a run: every getter is lazy and memoized, so the first check
 * that asks pays and the others reuse (one facts pass, one parse, one capture, one set
 * of dumps). Nothing here prints; nothing here changes the node.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { gatherFacts, type Facts } from '../system/facts.js';
import { parseConfig } from '../keepalived/parse.js';
import { validateConfig, type Finding } from '../keepalived/validate.js';
import { configTest, type ConfigTestResult } from '../keepalived/config-test.js';
import type { VrrpInstance } from '../keepalived/model.js';
import { DEFAULT_CONFIG_FILE, findKeepalived, type KeepalivedProcess } from '../keepalived/runtime/process.js';
import { probeKeepalived } from '../keepalived/binary.js';
import { readAllDumps, type RuntimeDumps } from '../keepalived/runtime/dumps.js';
import { parseLogLine, readKeepalivedLog, type KeepalivedLog, type LogEvent } from '../keepalived/runtime/logs.js';
import { captureVrrp, type CaptureResult } from '../vrrp/capture.js';
import { vrrpRuleStatus, type VrrpRuleStatus } from '../firewall/vrrp.js';
import { probeVip, type VipProbe } from '../setup/probe.js';
import { DEFAULTS } from '../defaults.js';
import type { CaptureSkip, DoctorContext, DoctorOptions, LoadedConfig } from './context.js';
import { daemonPathOf, daemonView } from './paths.js';
import type { PackageManager } from '../system/distro.js';
import { packageInstallArgv } from '../system/package-install.js';
import { nodeShell } from '../system/node-shell.js';
import { largestAdvertInt } from './instances.js';

export interface DoctorNode {
  host: Host;
  services: ServiceControl;
}

/** Listening a little longer than 3 adverts: the third advert must arrive before the end. */
export const CAPTURE_MARGIN_MS = 300;
/** How many recent log lines checks get. */
const LOG_LINES = 500;

/** How long the shared capture lasts for an instance with this advert_int (seconds). */
export function captureDurationMs(advertInt: number | null, override: number | null = null): number {
  if (override !== null) return override;
  return Math.round(3 * (advertInt ?? DEFAULTS.advertInt) * 1000 + CAPTURE_MARGIN_MS);
}

/** Where the one capture listens: the instances' interface, or every interface (`any`) when they use several. */
export function captureInterface(ifaces: readonly string[]): string {
  return ifaces.length === 1 ? ifaces[0]! : 'any';
}

/** The command that installs a distribution package with this package manager. */
export function packageInstallCommand(pm: PackageManager | null, pkg: string): string[] | null {
  if (pm === null) return null;
  const { cmd, args } = packageInstallArgv(pm, [pkg]);
  return [cmd, ...args];
}

export function tcpdumpInstallCommand(pm: PackageManager | null): string[] | null {
  return packageInstallCommand(pm, 'tcpdump');
}

/** Where the config was looked for, even when there was nothing there (config() is null then). */
export interface ConfigLocation {
  path: string;
  source: LoadedConfig['source'];
}

export interface BuiltDoctorContext extends DoctorContext {
  configLocation(): Promise<ConfigLocation>;
  captureSkip(): Promise<CaptureSkip | null>;
  captureIfStarted(): Promise<CaptureResult | null> | null;
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export function createDoctorContext(node: DoctorNode, options: DoctorOptions): BuiltDoctorContext {
  const { host, services } = node;
  const view = daemonView(host);

  const facts = memo<Facts>(() => gatherFacts(host));
  const keepalived = memo<KeepalivedProcess | null>(async () => {
    try {
      return await findKeepalived(host);
    } catch {
      return null;
    }
  });

  const configLocation = memo<ConfigLocation & { configId: string | null; readPath: string }>(async () => {
    if (options.configPath) {
      const path = daemonPathOf(host, options.configPath);
      return { path, source: 'option', configId: null, readPath: path };
    }
    const kp = await keepalived();
    if (kp) {
      // Started without -f: the file its own binary names as the default (a 2.2.8+ source
      // build reads PREFIX/etc/keepalived/keepalived.conf, releases.ts defaultConfigUnderPrefix).
      const configFile = kp.options.configFile ?? (await probeKeepalived(host, `/proc/${kp.pid}/exe`).catch(() => null))?.defaultConfig ?? kp.configFile;
      // A daemon in another mount namespace (PrivateTmp=, another root) is read through its own
      // root; over ssh that is the remote machine's /proc (the view is the remote "/").
      const readPath = kp.otherMountNamespace ? `/proc/${kp.pid}/root${configFile}` : configFile;
      return { path: configFile, source: 'process', configId: kp.options.configId, readPath };
    }
    const path = daemonPathOf(host, DEFAULT_CONFIG_FILE);
    return { path, source: 'default', configId: null, readPath: path };
  });

  const config = memo<LoadedConfig | null>(async () => {
    const loc = await configLocation();
    if (!(await view.exists(loc.readPath))) return null;
    const parsed = await parseConfig(view, loc.readPath, loc.configId ? { configId: loc.configId } : {});
    return { path: loc.path, parsed, source: loc.source };
  });

  const instance = memo<VrrpInstance | null>(async () => (await config())?.parsed.config.vrrpInstances[0] ?? null);

  const findings = memo<Finding[]>(async () => {
    const loaded = await config();
    if (!loaded) return [];
    const [f, kp] = await Promise.all([facts(), keepalived()]);
    // A running keepalived has added the VIPs to the interface itself: they are not "this
    // node's own addresses" (without a daemon a VIP on the interface is a real clash, or a
    // leftover of a killed one, and is reported).
    const vips = kp ? new Set(loaded.parsed.config.vrrpInstances.flatMap((i) => i.virtualIpaddress.map((v) => v.address.split('/')[0]!))) : new Set<string>();
    const interfaces = f.interfaces.map((i) => ({ ...i, ipv4: i.ipv4.filter((a) => !vips.has(a.split('/')[0]!)), ipv6: i.ipv6.filter((a) => !vips.has(a.split('/')[0]!)) }));
    return validateConfig(loaded.parsed.config, { interfaces, host: view, release: f.keepalived.version });
  });

  const configTestResult = memo<ConfigTestResult | null>(async () => {
    const loaded = await config();
    if (!loaded) return null;
    const loc = await configLocation();
    return configTest(view, loc.readPath, { config: loaded.parsed.config });
  });

  const dumps = memo<RuntimeDumps | null>(async () => {
    const kp = await keepalived();
    if (!kp) return null;
    try {
      return await readAllDumps(host, kp, { release: (await facts()).keepalived.version });
    } catch {
      return null;
    }
  });

  const logs = memo<KeepalivedLog>(async () => {
    if (options.logPath) {
      const path = daemonPathOf(host, options.logPath);
      const text = (await view.readFile(path)) ?? '';
      const lines = text.split('\n').filter((l) => l.trim() !== '').slice(-LOG_LINES);
      const modifiedAt = await view.modifiedAt(path);
      return { source: 'log-file', where: path, lines, events: lines.map(parseLogLine).filter((e): e is LogEvent => e !== null), modifiedAt };
    }
    return readKeepalivedLog(host, await keepalived(), { lines: LOG_LINES });
  });

  const probes = new Map<string, Promise<VipProbe>>();
  let captureRun: Promise<CaptureResult | null> | null = null;
  let skip: CaptureSkip | null = null;
  const capture = (): Promise<CaptureResult | null> =>
    (captureRun ??= (async () => {
      // One capture for every instance: on their interface (all of them: `any`), as long as the slowest one needs.
      const all = (await config())?.parsed.config.vrrpInstances ?? [];
      if (all.length === 0) {
        skip = { reason: 'no-instance', message: 'no vrrp_instance in the configuration', install: null };
        return null;
      }
      const ifaces = [...new Set(all.map((i) => i.interface).filter((i): i is string => i !== null))];
      if (ifaces.length === 0) {
        skip = { reason: 'no-interface', message: `vrrp_instance ${all[0]!.name} names no interface`, install: null };
        return null;
      }
      // Checks that read the capture often also ask who answers ARP for the VIP: ask now, in its shadow.
      for (const vip of all.flatMap((i) => i.virtualIpaddress)) void ctx.probeAddress(vip.address).catch(() => null);
      const result = await captureVrrp(host, {
        iface: captureInterface(ifaces),
        durationMs: captureDurationMs(largestAdvertInt(all), options.captureMs),
        peers: [...new Set([...all.flatMap((i) => i.unicastPeer), ...options.peers])],
      });
      if (result.tcpdumpMissing) {
        skip = { reason: 'tcpdump-missing', message: result.error ?? 'tcpdump not found', install: tcpdumpInstallCommand((await facts()).distro.packageManager) };
        return null;
      }
      if (result.adverts.length === 0 && result.error && /permission|not permitted|need to be root/i.test(result.error)) {
        skip = { reason: 'permission', message: result.error, install: null };
        return null;
      }
      return result;
    })());

  const ctx: BuiltDoctorContext = {
    host,
    services,
    shell: nodeShell(host),
    options,
    facts,
    keepalived,
    config,
    instance,
    findings,
    configTest: configTestResult,
    dumps,
    logs,
    capture,
    async holdsAddress(address: string): Promise<boolean> {
      const bare = address.split('/')[0]!;
      const r = await host.exec('ip', ['-o', 'addr', 'show'], { why: 'does this node hold the address', timeoutMs: 5000 });
      return r.stdout.split('\n').some((l) => new RegExp(`\\binet6? ${bare.replace(/[.:]/g, (c) => `\\${c}`)}/`).test(l));
    },
    probeAddress(address: string): Promise<VipProbe> {
      const bare = address.split('/')[0]!;
      let p = probes.get(bare);
      if (!p) {
        p = (async () => {
          // The interface of the instance that has this VIP (dual-master: each its own).
          const all = (await config())?.parsed.config.vrrpInstances ?? [];
          const inst = all.find((i) => i.virtualIpaddress.some((v) => v.address.split('/')[0] === bare)) ?? (await instance());
          const iface = inst?.interface ?? (await facts()).interfaces.find((i) => i.default)?.name ?? 'eth0';
          return probeVip(host, iface, bare);
        })();
        probes.set(bare, p);
      }
      return p;
    },
    firewall: memo<VrrpRuleStatus>(async () => vrrpRuleStatus(host, (await facts()).firewall)),
    configLocation: async () => {
      const { path, source } = await configLocation();
      return { path, source };
    },
    async captureSkip() {
      if (!captureRun) return null;
      await captureRun;
      return skip;
    },
    captureIfStarted: () => captureRun,
  };
  return ctx;
}
