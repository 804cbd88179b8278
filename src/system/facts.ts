import type { Host } from '../host/types.js';
import { readDistro, type DistroFacts } from './distro.js';
import { readInterfaces, type InterfaceFacts } from './interfaces.js';
import { readCloud, type CloudFacts } from './cloud.js';
import { readFirewall, type FirewallFacts } from './firewall.js';
import { isRootUser, readKeepalived, readNginx, readSelinux, readSystemd, type KeepalivedFacts, type NginxFacts, type SelinuxMode } from './services.js';
import { Gaps, type Unavailable } from './gaps.js';

export type { DistroFacts, InterfaceFacts, CloudFacts, FirewallFacts, KeepalivedFacts, NginxFacts, SelinuxMode, Unavailable };

/**
 * Where each fact came from. Files (os-release, DMI, installed programs) are read under the
 * host's root; processes, interfaces, the firewall and the kernel's SELinux mode are always
 * those of the machine (or lab node) the commands run on, even with --root.
 */
export interface FactsScope {
  /** The host's root directory ("/" normally, DIR with --root, the node directory in the lab). */
  root: string;
  host: Host['kind'];
  fromRoot: string[];
  fromRunningSystem: string[];
}

export interface Facts {
  distro: DistroFacts;
  interfaces: InterfaceFacts[];
  /** Which source listed the interfaces: "ip" (`ip -j`), "systeminformation" (fallback), null. */
  interfacesSource: 'ip' | 'systeminformation' | null;
  cloud: CloudFacts;
  firewall: FirewallFacts;
  keepalived: KeepalivedFacts;
  nginx: NginxFacts;
  /** PID 1 is systemd; null when it could not be read. */
  systemd: boolean | null;
  selinux: SelinuxMode | null;
  /** ha-setup itself runs as uid 0. */
  root: boolean;
  /** Facts that could not be seen, and why; their values above are null. */
  unavailable: Unavailable[];
  scope: FactsScope;
}

/** Every read-only fact about a host, gathered concurrently. Never changes anything. */
export async function gatherFacts(host: Host): Promise<Facts> {
  const gaps = new Gaps();
  const [distro, interfaces, cloud, firewall, keepalived, nginx, systemd, selinux] = await Promise.all([
    readDistro(host, gaps),
    readInterfaces(host, gaps),
    readCloud(host, gaps),
    readFirewall(host, gaps),
    readKeepalived(host, gaps),
    readNginx(host, gaps),
    readSystemd(host, gaps),
    readSelinux(host, gaps),
  ]);
  return {
    distro,
    interfaces: interfaces.interfaces,
    interfacesSource: interfaces.source,
    cloud,
    firewall,
    keepalived,
    nginx,
    systemd,
    selinux,
    root: isRootUser(),
    unavailable: gaps.list.sort((a, b) => a.fact.localeCompare(b.fact)),
    scope: {
      root: host.root,
      host: host.kind,
      fromRoot: ['distro', 'cloud', 'keepalived.installed', 'keepalived.path', 'nginx.installed', 'nginx.path'],
      fromRunningSystem: ['interfaces', 'firewall', 'keepalived.running', 'keepalived.pid', 'nginx.running', 'nginx.pid', 'systemd', 'selinux', 'root'],
    },
  };
}
