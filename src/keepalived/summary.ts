/**
 * The facts `ha-setup inspect --json` prints (a stable, documented shape: docs/inspect.md),
 * and the recogniser for the sample file some distributions install as the live config.
 */
import { effectiveState, hasVrrpStrict, type KeepalivedConfig } from './model.js';
import type { Finding } from './validate.js';

export interface InstanceSummary {
  name: string;
  state: 'MASTER' | 'BACKUP' | null;
  interface: string | null;
  virtual_router_id: number | null;
  priority: number | null;
  advert_int: number | null;
  auth_type: string | null;
  auth_pass: string | null;
  virtual_ipaddress: string[];
  unicast_peer: string[];
  track_script: string[];
  nopreempt: boolean;
}

export interface ScriptSummary {
  name: string;
  script: string | null;
  interval: number | null;
  weight: number | null;
  fall: number | null;
  rise: number | null;
}

export interface InspectFinding extends Finding {
  /** `file:line:column` where the finding points, or null. */
  location: string | null;
}

export interface InspectReport {
  file: string;
  vrrp_instances: InstanceSummary[];
  vrrp_scripts: ScriptSummary[];
  virtual_servers: number;
  findings: InspectFinding[];
}

export function summarize(file: string, config: KeepalivedConfig, findings: InspectFinding[]): InspectReport {
  return {
    file,
    vrrp_instances: config.vrrpInstances.map((i) => ({
      name: i.name,
      state: effectiveState(i),
      interface: i.interface,
      virtual_router_id: i.virtualRouterId,
      priority: i.priority,
      advert_int: i.advertInt,
      auth_type: i.authentication?.authType ?? null,
      auth_pass: i.authentication?.authPass ?? null,
      virtual_ipaddress: i.virtualIpaddress.map((v) => v.address),
      unicast_peer: [...i.unicastPeer],
      track_script: i.trackScript.map((e) => e.name),
      nopreempt: i.nopreempt,
    })),
    vrrp_scripts: config.vrrpScripts.map((s) => ({ name: s.name, script: s.script, interval: s.interval, weight: s.weight, fall: s.fall, rise: s.rise })),
    virtual_servers: config.virtualServers.length,
    findings,
  };
}

const SAMPLE_VIPS = ['192.168.200.16', '192.168.200.17', '192.168.200.18'];

/**
 * The sample keepalived ships (keepalived.conf.sample) that Fedora/RHEL packages install
 * as /etc/keepalived/keepalived.conf: vrrp_strict, virtual_router_id 51, auth_pass 1111
 * and VIPs 192.168.200.16-18. Starting keepalived with it puts those addresses on eth0,
 * so the wizard treats such a file as "no configuration yet" rather than the user's own.
 */
export function isPackagedSampleConfig(config: KeepalivedConfig): boolean {
  if (!hasVrrpStrict(config)) return false;
  return config.vrrpInstances.some((i) => {
    const vips = i.virtualIpaddress.map((v) => v.address.replace(/\/32$/, ''));
    return i.virtualRouterId === 51 && i.authentication?.authPass === '1111' && SAMPLE_VIPS.every((a) => vips.includes(a));
  });
}
