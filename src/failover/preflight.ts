/**
 * Everything checked before the first change: the configuration, this node holding the
 * VIP, the peer answering on its own address with nginx, the checks keepalived relies
 * on, and the expected bound. Nothing here changes the node; a failed preflight means the
 * test does not start.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import type { KeepalivedConfig, VrrpInstance } from '../keepalived/model.js';
import { parseConfig } from '../keepalived/parse.js';
import { DEFAULTS } from '../defaults.js';
import { holdsAddress } from '../setup/verify.js';
import { t } from '../i18n/index.js';
import { expectedBound, ownPriority, trackedCheck, type Bound } from './bound.js';
import { findPeer, neighbourMac, ownAddresses, type PeerSource } from './peer.js';
import { readKeepalived } from '../system/services.js';
import { errorCode, httpGet } from './prober.js';
import type { FailoverMode } from './types.js';
import type { HeldVip } from './fault.js';

export interface PreflightInput {
  host: Host;
  services: ServiceControl;
  mode: FailoverMode;
  configPath?: string;
  instanceName?: string | null;
  /** --vip: the instance holding this VIP. */
  vip?: string | null;
  peer?: string | null;
  labNode?: string | null;
  /** The lab's address for the other node, and a way to read its config. */
  labPeer?: { address: string; host: Host } | null;
  /** Critical doctor checks, when the doctor's runner is available: failures as messages. */
  doctor?: () => Promise<string[]>;
}

export interface PreflightProblem {
  /** Stable id (doctor's ids where they match), for --json. */
  id: string;
  message: string;
}

export interface Preflight {
  ok: boolean;
  problems: PreflightProblem[];
  config: KeepalivedConfig | null;
  instance: VrrpInstance | null;
  iface: string | null;
  vip: string | null;
  /** Further VIPs this node is MASTER for (of this instance and others), watched beside `vip`; none with --vip. */
  alsoVips: string[];
  /** Every VIP of the config this node holds (crash mode removes them all: a dead host holds none). */
  heldVips: HeldVip[];
  prefix: number;
  holdsVip: boolean;
  self: string | null;
  peer: string | null;
  peerSource: PeerSource | null;
  peerPriority: number;
  peerPriorityKnown: boolean;
  peerMac: string | null;
  selfBody: string | null;
  peerBody: string | null;
  /** The tracked vrrp_script the drain/nginx fault is seen by. */
  checkScript: string | null;
  honoursFlag: boolean;
  /** The old master takes the VIP back when the fault is gone. */
  preempt: boolean;
  bound: Bound | null;
  flagPath: string;
}

const HTTP_TIMEOUT_MS = 2000;

/** The executable of a vrrp_script command line ("/path/x.sh arg", quoted or not). */
export function scriptPath(command: string | null): string | null {
  if (!command) return null;
  const m = /^\s*(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(command);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

/** Does the script text test the maintenance flag (at its path on the node, or its runtime path)? */
export function scriptHonoursFlag(text: string | null, flagPaths: string[]): boolean {
  if (!text) return false;
  return flagPaths.some((p) => text.includes(p));
}

/** The script file: a lab node's config names real paths, a host under --root names paths on the host. */
async function readScript(host: Host, path: string): Promise<{ text: string | null; executable: boolean }> {
  const viaHost = await host.readFile(path);
  if (viaHost !== null) {
    const st = await host.stat(path);
    return { text: viaHost, executable: st ? (st.mode & 0o111) !== 0 : false };
  }
  // A lab node's or a sandboxed peer's config names real paths: look on the machine under it.
  const machine = host.machine();
  if (machine === host) return { text: null, executable: false };
  return readScript(machine, path).catch(() => ({ text: null, executable: false }));
}

/** Which instance a failover test takes down: named (--instance), holding --vip, else the default. */
export interface InstanceChoice {
  name?: string | null;
  vip?: string | null;
}

/**
 * The instance to test: the one named, else the one whose VIPs include `vip`, else the first
 * whose VIP `holds` says this node has (a dual-master node is MASTER of one instance only),
 * else the first with VIPs.
 */
export async function pickInstance(config: KeepalivedConfig, choice: InstanceChoice, holds?: (instance: VrrpInstance) => Promise<boolean>): Promise<VrrpInstance | null> {
  if (choice.name) return config.vrrpInstances.find((i) => i.name === choice.name) ?? null;
  const withVips = config.vrrpInstances.filter((i) => i.virtualIpaddress.length > 0);
  if (choice.vip) return withVips.find((i) => i.virtualIpaddress.some((v) => splitVip(v.address).vip === choice.vip)) ?? null;
  if (holds) for (const i of withVips) if (await holds(i)) return i;
  return withVips[0] ?? null;
}

/** The VIPs a config names, for the message when none is the one asked for. */
export function configVips(config: KeepalivedConfig): string[] {
  return config.vrrpInstances.flatMap((i) => i.virtualIpaddress.map((v) => `${splitVip(v.address).vip} (${i.name})`));
}

/** The device a VIP line is added to: its own `dev`, else its instance's interface. */
export function vipDevice(instance: Pick<VrrpInstance, 'interface'>, line: { dev?: string | null }): string | null {
  return line.dev ?? instance.interface ?? null;
}

export function splitVip(address: string): { vip: string; prefix: number } {
  const [vip, prefix] = address.split('/');
  return { vip: vip!, prefix: prefix ? Number(prefix) : 32 };
}

export async function runPreflight(input: PreflightInput): Promise<Preflight> {
  const { host, services, mode } = input;
  const problems: PreflightProblem[] = [];
  const flagPath = DEFAULTS.paths.maintenanceFlag;
  const pf: Preflight = {
    ok: false, problems, config: null, instance: null, iface: null, vip: null, alsoVips: [], heldVips: [], prefix: 32, holdsVip: false, self: null,
    peer: null, peerSource: null, peerPriority: DEFAULTS.priority.backup, peerPriorityKnown: false, peerMac: null,
    selfBody: null, peerBody: null, checkScript: null, honoursFlag: false, preempt: true, bound: null, flagPath,
  };
  const configPath = input.configPath ?? DEFAULTS.paths.config;

  // keepalived-running, nginx-running
  if (!(await services.isActive('keepalived'))) problems.push({ id: 'keepalived-running', message: t('failover.pre.keepalivedDown') });
  if (!(await services.isActive('nginx'))) problems.push({ id: 'nginx-running', message: t('failover.pre.nginxDown') });

  // config-valid
  let parsed;
  try {
    parsed = await parseConfig(host, configPath);
  } catch (e) {
    problems.push({ id: 'config-valid', message: (e as Error).message });
    return pf;
  }
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) problems.push({ id: 'config-valid', message: t('failover.pre.configErrors', { path: configPath, first: errors[0]!.message }) });
  pf.config = parsed.config;
  const instance = await pickInstance(parsed.config, { name: input.instanceName, vip: input.vip }, (i) => {
    const line = i.virtualIpaddress[0]!;
    const dev = vipDevice(i, line);
    return dev ? holdsAddress(host, dev, splitVip(line.address).vip) : Promise.resolve(false);
  });
  if (!instance || instance.virtualIpaddress.length === 0) {
    const message = input.vip && !input.instanceName
      ? t('failover.pre.noVip', { path: configPath, vip: input.vip, vips: configVips(parsed.config).join(', ') || t('word.none') })
      : t('failover.pre.noInstance', { path: configPath, name: input.instanceName ?? '-' });
    problems.push({ id: 'instance', message });
    return pf;
  }
  pf.instance = instance;
  // --vip names which of the instance's VIPs the client watches; else its first.
  const vipLine = instance.virtualIpaddress.find((v) => splitVip(v.address).vip === input.vip) ?? instance.virtualIpaddress[0]!;
  const { vip, prefix } = splitVip(vipLine.address);
  pf.vip = vip;
  pf.prefix = prefix;
  pf.iface = vipDevice(instance, vipLine);
  if (!pf.iface) {
    problems.push({ id: 'instance', message: t('failover.pre.noInterface', { instance: instance.name }) });
    return pf;
  }

  // this node must be the master
  pf.holdsVip = await holdsAddress(host, pf.iface, vip);
  if (!pf.holdsVip) {
    problems.push({ id: 'not-master', message: t('failover.pre.notMaster', { vip, iface: pf.iface, node: input.labNode ?? host.label }) });
  }

  // Every VIP this node holds; the others go with the fault (the check fails for every
  // instance, a crash takes them all), and are watched too unless --vip named one.
  const lines = parsed.config.vrrpInstances.flatMap((i) => i.virtualIpaddress.map((v) => ({ ...splitVip(v.address), dev: vipDevice(i, v) })));
  for (const o of lines) {
    if (!o.dev || pf.heldVips.some((h) => h.cidr.startsWith(`${o.vip}/`))) continue;
    if (!(o.vip === vip ? pf.holdsVip : await holdsAddress(host, o.dev, o.vip))) continue;
    pf.heldVips.push({ cidr: `${o.vip}/${o.prefix}`, dev: o.dev });
    if (o.vip !== vip && !input.vip) pf.alsoVips.push(o.vip);
  }

  // check-script: the fault must be something keepalived notices
  const globalVersion = numberGlobal(parsed.config, 'vrrp_version');
  if (mode === 'drain' || mode === 'nginx') {
    const candidates = instance.trackScript.map((e) => e.name);
    let chosen: string | null = null;
    for (const name of candidates) {
      const script = parsed.config.vrrpScripts.find((s) => s.name === name);
      const path = scriptPath(script?.script ?? null);
      if (!path) continue;
      const { text, executable } = await readScript(host, path);
      if (text !== null && !executable) problems.push({ id: 'check-script', message: t('failover.pre.scriptNotExecutable', { path }) });
      if (scriptHonoursFlag(text, [flagPath, host.runtimePath(flagPath)])) {
        chosen = name;
        pf.honoursFlag = true;
        break;
      }
      // An inline command (curl ...) or a script without the flag still sees a stopped nginx.
      chosen ??= name;
    }
    if (!chosen && candidates.length > 0) chosen = candidates[0]!;
    pf.checkScript = chosen;
    if (!chosen) problems.push({ id: 'check-script', message: t('failover.pre.noTrackScript', { instance: instance.name, mode }) });
    else if (mode === 'drain' && !pf.honoursFlag) {
      problems.push({ id: 'check-script', message: t('failover.pre.noFlag', { instance: instance.name, flag: flagPath }) });
    }
  }

  // the peer: on its own address, with nginx answering there
  const own = await ownAddresses(host, pf.iface);
  pf.self = own.find((a) => a !== vip) ?? null;
  const peer = await findPeer({
    host,
    instance,
    iface: pf.iface,
    vip,
    prefix,
    own,
    explicit: input.peer ?? null,
    labPeer: input.labPeer?.address ?? null,
    captureMs: input.labPeer ? 0 : 1500,
  });
  pf.peer = peer.address;
  pf.peerSource = peer.source;
  if (!peer.address) {
    problems.push({
      id: 'peer',
      message: peer.candidates.length > 1 ? t('failover.pre.peerAmbiguous', { candidates: peer.candidates.join(', ') }) : t('failover.pre.peerUnknown'),
    });
  } else {
    try {
      const a = await httpGet(`http://${peer.address}/`, { timeoutMs: HTTP_TIMEOUT_MS, hostHeader: vip });
      pf.peerBody = a.body;
    } catch (e) {
      const code = errorCode(e);
      problems.push({
        id: 'peer-nginx',
        message: code === 'ECONNREFUSED' ? t('failover.pre.peerNginx', { peer: peer.address, error: code }) : t('failover.pre.peerUnreachable', { peer: peer.address, error: code }),
      });
    }
    pf.peerMac = await neighbourMac(host, peer.address);
  }
  if (pf.holdsVip) {
    try {
      pf.selfBody = (await httpGet(`http://${vip}/`, { timeoutMs: HTTP_TIMEOUT_MS })).body;
    } catch (e) {
      problems.push({ id: 'nginx-running', message: t('failover.pre.selfNginx', { vip, error: errorCode(e) }) });
    }
  }

  // the peer's priority decides its timers; the lab can read it, elsewhere assume the default backup's
  if (input.labPeer) {
    try {
      const peerCfg = await parseConfig(input.labPeer.host, configPath);
      const p = peerCfg.config.vrrpInstances.find((i) => i.name === instance.name) ?? peerCfg.config.vrrpInstances[0];
      if (p) {
        pf.peerPriority = ownPriority(p);
        pf.peerPriorityKnown = true;
      }
    } catch {
      // keep the default
    }
  }
  pf.preempt = !instance.nopreempt && ownPriority(instance) > pf.peerPriority;

  const scriptDelayMs = mode === 'nginx' && pf.honoursFlag ? DEFAULTS.check.retryDelayMs : 0;
  pf.bound = expectedBound({
    mode,
    instance,
    scripts: parsed.config.vrrpScripts,
    checkScript: pf.checkScript,
    peerPriority: pf.peerPriority,
    globalVersion,
    scriptDelayMs,
    release: (await readKeepalived(host)).version,
  });
  if ((mode === 'drain' || mode === 'nginx') && pf.checkScript && !pf.bound.moves) {
    const check = trackedCheck(instance, parsed.config.vrrpScripts, pf.checkScript);
    problems.push({
      id: 'check-script',
      message: t('failover.pre.weightTooSmall', { weight: check?.weight ?? 0, priority: ownPriority(instance), after: pf.bound.ownPriorityAfter ?? '?', peer: pf.peerPriority }),
    });
  }

  if (input.doctor) {
    for (const message of await input.doctor()) problems.push({ id: 'doctor', message });
  }
  if (mode === 'crash') {
    const restart = await services.restartsOnFailure('keepalived');
    if (restart) problems.push({ id: 'auto-restart', message: t('failover.pre.autoRestart', { restart }) });
  }
  if (mode === 'drain' && (await host.exists(flagPath))) problems.push({ id: 'maintenance', message: t('failover.pre.alreadyDrained', { flag: flagPath }) });

  pf.ok = problems.length === 0;
  return pf;
}

function numberGlobal(config: KeepalivedConfig, keyword: string): number | null {
  const s = config.globalDefs?.vrrpGlobals.find((g) => g.keyword === keyword);
  const n = s ? Number(s.args[0]) : NaN;
  return Number.isFinite(n) ? n : null;
}
