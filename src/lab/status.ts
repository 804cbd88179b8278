/** What the lab looks like right now, read without changing anything. */
import { LAB_ADDRESSES, LAB_IFACE, LAB_MANIFEST, LAB_MEMBERS, LAB_NAMESPACES, LAB_STATE_DIR, LAB_VIP, isLabNode, type LabMemberName } from './constants.js';
import { labNodeHost, labServices } from './services.js';
import { existingLabNamespaces } from './network.js';
import { labMachine } from './machine.js';
import { readManifest } from './manifest.js';

export interface DaemonStatus {
  running: boolean;
  pid: number | null;
}

export interface LabMemberStatus {
  name: LabMemberName;
  address: string;
  namespace: boolean;
  /** null for the client, which runs no daemons. */
  nginx: DaemonStatus | null;
  keepalived: DaemonStatus | null;
  holdsVip: boolean;
  /** The last `(VI_1) Entering X STATE` in the node's keepalived log: MASTER, BACKUP, FAULT; null if none. */
  vrrpState: string | null;
}

export interface LabStatus {
  stateDir: string;
  vip: string;
  /** Every lab namespace exists. */
  up: boolean;
  /** Some lab namespace or the manifest exists (a lab, or what is left of one). */
  present: boolean;
  manifest: boolean;
  namespaces: string[];
  vipHolders: LabMemberName[];
  /** The one node holding the VIP, or null when none or several (split brain) do. */
  vipHolder: LabMemberName | null;
  /** The nodes whose keepalived says MASTER (its last state in its log). */
  masters: LabMemberName[];
  /** Up, every daemon running, exactly one MASTER, and it alone holds the VIP. */
  healthy: boolean;
  /** The keepalived the lab runs, as `lab up` recorded it; null without a manifest. */
  keepalived: { path: string; version: string | null } | null;
  members: LabMemberStatus[];
}

/** Does this member have the VIP on its lab interface? */
export async function holdsVip(member: LabMemberName): Promise<boolean> {
  const r = await labNodeHost(member).exec('ip', ['-j', '-4', 'addr', 'show', 'dev', LAB_IFACE]);
  if (r.exitCode !== 0) return false;
  try {
    const links = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === LAB_VIP));
  } catch {
    return false;
  }
}

export function lastVrrpState(log: string): string | null {
  let state: string | null = null;
  // 2.2.7 writes both `(VI_1) Entering FAULT STATE` and `(VI_1): entering FAULT state due to script ...`.
  for (const m of log.matchAll(/\(([^)]+)\):? entering (\w+) state/gi)) state = m[2]!.toUpperCase();
  return state;
}

export async function labStatus(): Promise<LabStatus> {
  const namespaces = await existingLabNamespaces();
  const recorded = await readManifest();
  const manifest = recorded !== null || (await labMachine.exists(LAB_MANIFEST));
  const members = await Promise.all(
    LAB_MEMBERS.map(async (name): Promise<LabMemberStatus> => {
      const namespace = namespaces.includes(name);
      const base = { name, address: LAB_ADDRESSES[name], namespace };
      if (!isLabNode(name)) return { ...base, nginx: null, keepalived: null, holdsVip: namespace && (await holdsVip(name)), vrrpState: null };
      const services = labServices(name);
      const [nginxPid, keepalivedPid, vip, log] = await Promise.all([
        services.pid('nginx'),
        services.pid('keepalived'),
        namespace ? holdsVip(name) : Promise.resolve(false),
        labMachine.readFile(services.logPath('keepalived')).then((text) => text ?? '').catch(() => ''),
      ]);
      return {
        ...base,
        nginx: { running: nginxPid !== null, pid: nginxPid },
        keepalived: { running: keepalivedPid !== null, pid: keepalivedPid },
        holdsVip: vip,
        vrrpState: lastVrrpState(log),
      };
    }),
  );
  const vipHolders = members.filter((m) => m.holdsVip).map((m) => m.name);
  const up = LAB_NAMESPACES.every((ns) => namespaces.includes(ns));
  return {
    stateDir: LAB_STATE_DIR,
    vip: LAB_VIP,
    up,
    present: namespaces.length > 0 || manifest,
    manifest,
    namespaces,
    vipHolders,
    vipHolder: vipHolders.length === 1 ? vipHolders[0]! : null,
    masters: members.filter((m) => m.vrrpState === 'MASTER').map((m) => m.name),
    healthy: up && labHealthy(members),
    keepalived: recorded?.keepalived ? { path: recorded.keepalived.path, version: recorded.keepalived.version } : null,
    members,
  };
}

/**
 * A healthy pair: every daemon runs, exactly one node is MASTER and that node alone holds
 * the VIP. Two MASTERs are a split brain even while only one of them holds the address.
 */
export function labHealthy(members: readonly LabMemberStatus[]): boolean {
  const daemonsUp = members.every((m) => (m.nginx?.running ?? true) && (m.keepalived?.running ?? true));
  const masters = members.filter((m) => m.vrrpState === 'MASTER');
  const holders = members.filter((m) => m.holdsVip);
  return daemonsUp && masters.length === 1 && holders.length === 1 && holders[0]!.name === masters[0]!.name;
}
