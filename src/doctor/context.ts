/**
 * What every doctor check may ask about the node. Each getter is lazy and memoized:
 * the first check that asks pays for it, the others reuse it (one parse, one capture,
 * one set of dumps per run). Implemented by createDoctorContext in ./build-context.ts.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import type { Facts } from '../system/facts.js';
import type { ParseResult } from '../keepalived/parse.js';
import type { Finding } from '../keepalived/validate.js';
import type { ConfigTestResult } from '../keepalived/config-test.js';
import type { VrrpInstance } from '../keepalived/model.js';
import type { KeepalivedProcess } from '../keepalived/runtime/process.js';
import type { RuntimeDumps } from '../keepalived/runtime/dumps.js';
import type { KeepalivedLog } from '../keepalived/runtime/logs.js';
import type { CaptureResult } from '../vrrp/capture.js';
import type { VrrpRuleStatus } from '../firewall/vrrp.js';
import type { VipProbe } from '../setup/probe.js';
import type { NodeShell } from '../system/node-shell.js';

export interface DoctorOptions {
  /** --config: otherwise discovered from the running keepalived's command line, else the distro default. */
  configPath: string | null;
  /** --log: otherwise discovered (log file, console file, journal, syslog). */
  logPath: string | null;
  /** --show-secrets: print the first 8 characters of passwords each side uses. */
  showSecrets: boolean;
  /** How long to listen for adverts; default 3 x the largest advert_int of the instances. */
  captureMs: number | null;
  /** Addresses of the other node(s), when known beyond the config (pair mode). */
  peers: string[];
}

export interface LoadedConfig {
  /** As the daemon (or --config) names it. */
  path: string;
  parsed: ParseResult;
  /** Where the path came from. */
  source: 'option' | 'process' | 'default';
}

export interface DoctorContext {
  readonly host: Host;
  readonly services: ServiceControl;
  /** How a command for this node is spelled in a fix (its root, lab exec, the node's name). */
  readonly shell: NodeShell;
  readonly options: DoctorOptions;
  facts(): Promise<Facts>;
  /** The keepalived of THIS node's network namespace; null when none runs. */
  keepalived(): Promise<KeepalivedProcess | null>;
  /** null when there is no config file to read. */
  config(): Promise<LoadedConfig | null>;
  /**
   * The vrrp_instance a check is about: the config's first (the one ha-setup writes for one
   * VIP group); for a check marked `perInstance` on a config with several, the one the
   * runner runs it for (src/doctor/instances.ts). null without one.
   */
  instance(): Promise<VrrpInstance | null>;
  /** Our validator's findings on the config, with this node's interfaces. */
  findings(): Promise<Finding[]>;
  /** `keepalived -t` on the config; null when no config. */
  configTest(): Promise<ConfigTestResult | null>;
  /** Stats and data dumps of the running keepalived; null when none runs. */
  dumps(): Promise<RuntimeDumps | null>;
  /** Recent keepalived log lines and the events parsed from them. */
  logs(): Promise<KeepalivedLog>;
  /** ONE capture of VRRP traffic on the instances' interface (`any` for several), shared by every check and instance. */
  capture(): Promise<CaptureResult | null>;
  /** Does this node hold `address` on the instance's interface? */
  holdsAddress(address: string): Promise<boolean>;
  /** ARP duplicate-address detection for `address` (who else answers for it). */
  probeAddress(address: string): Promise<VipProbe>;
  /** Does the active firewall let VRRP in? */
  firewall(): Promise<VrrpRuleStatus>;
  /**
   * Why capture() gave null (tcpdump missing, no permission, no instance); null when it did
   * not. Optional so that older fakes still type-check: read it as `ctx.captureSkip?.()`.
   */
  captureSkip?(): Promise<CaptureSkip | null>;
  /**
   * The capture if something already started it (the runner does when a check needs it),
   * else null without starting one: for checks that only use adverts when they are there.
   */
  captureIfStarted?(): Promise<CaptureResult | null> | null;
  /** Where the config was looked for (also when config() is null: nothing there). */
  configLocation?(): Promise<{ path: string; source: LoadedConfig['source'] }>;
}

/** Why there is no capture; `install` is the command that installs tcpdump, when that is the reason. */
export interface CaptureSkip {
  reason: 'tcpdump-missing' | 'permission' | 'no-instance' | 'no-interface';
  message: string;
  install: string[] | null;
}
