/** What the lab looks like right now, read without changing anything. */
import { LAB_ADDRESSES, LAB_IFACE, LAB_INSTANCES, LAB_MANIFEST, LAB_MEMBERS, LAB_NAMESPACES, LAB_STATE_DIR, LAB_VIP, isLabNode, type LabInstance, type LabMemberName, type LabMode } from './constants.js';
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
  /** Per instance of the lab's mode: the last state logged for it (null: none). */
  states: Record<string, string | null>;
  /** The lab VIPs this member holds. */
  holds: string[];
}

/** One lab VIP: its instance, the node meant to be its MASTER, and who holds it now. */
export interface LabVipStatus extends LabInstance {
  holders: LabMemberName[];
  holder: LabMemberName | null;
  /** The nodes whose keepalived says MASTER for this instance. */
  masters: LabMemberName[];
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
  /** active-standby, or active-active (two instances, each node MASTER of one). */
  mode: LabMode;
  /** Every VIP of the mode (one, or two in active-active). */
  vips: LabVipStatus[];
  /** The keepalived the lab runs, as `lab up` recorded it; null without a manifest. */
  keepalived: { path: string; version: string | null } | null;
  members: LabMemberStatus[];
}

/** The lab VIPs (of `among`) this member has on its lab interface. */
export async function heldVips(member: LabMemberName, among: readonly string[]): Promise<string[]> {
  const r = await labNodeHost(member).exec('ip', ['-j', '-4', 'addr', 'show', 'dev', LAB_IFACE]);
  if (r.exitCode !== 0) return [];
  try {
    const links = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
    const local = new Set(links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local)));
    return among.filter((v) => local.has(v));
  } catch {
    return [];
  }
}

/** Does this member have the VIP (by default the first) on its lab interface? */
export async function holdsVip(member: LabMemberName, vip: string = LAB_VIP): Promise<boolean> {
  return (await heldVips(member, [vip])).length > 0;
}

/** The last state keepalived logged, of any instance or of `instance` only. */
export function lastVrrpState(log: string, instance: string | null = null): string | null {
  let state: string | null = null;
  // 2.2.7 writes both `(VI_1) Entering FAULT STATE` and `(VI_1): entering FAULT state due to script ...`.
  for (const m of log.matchAll(/\(([^)]+)\):? entering (\w+) state/gi)) if (instance === null || m[1] === instance) state = m[2]!.toUpperCase();
  return state;
}

/** The lab's mode, as `lab up` recorded it. */
export function labMode(manifest: { mode?: LabMode } | null): LabMode {
  return manifest?.mode ?? 'active-standby';
}

export async function labStatus(): Promise<LabStatus> {
  const namespaces = await existingLabNamespaces();
  const recorded = await readManifest();
  const manifest = recorded !== null || (await labMachine.exists(LAB_MANIFEST));
  const mode = labMode(recorded);
  const instances = LAB_INSTANCES[mode];
  const vipList = instances.map((i) => i.vip);
  const statesOf = (log: string) => Object.fromEntries(instances.map((i) => [i.instance, lastVrrpState(log, i.instance)]));
  const members = await Promise.all(
    LAB_MEMBERS.map(async (name): Promise<LabMemberStatus> => {
      const namespace = namespaces.includes(name);
      const base = { name, address: LAB_ADDRESSES[name], namespace };
      const holds = namespace ? await heldVips(name, vipList) : [];
      if (!isLabNode(name)) return { ...base, nginx: null, keepalived: null, holdsVip: holds.includes(LAB_VIP), vrrpState: null, states: {}, holds };
      const services = labServices(name);
      const [nginxPid, keepalivedPid, log] = await Promise.all([
        services.pid('nginx'),
        services.pid('keepalived'),
        labMachine.readFile(services.logPath('keepalived')).then((text) => text ?? '').catch(() => ''),
      ]);
      return {
        ...base,
        nginx: { running: nginxPid !== null, pid: nginxPid },
        keepalived: { running: keepalivedPid !== null, pid: keepalivedPid },
        holdsVip: holds.includes(LAB_VIP),
        vrrpState: lastVrrpState(log),
        states: statesOf(log),
        holds,
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
    healthy: up && labHealthy(members, instances),
    mode,
    vips: instances.map((i) => {
      const holders = members.filter((m) => m.holds.includes(i.vip)).map((m) => m.name);
      const masters = members.filter((m) => (instances.length === 1 ? m.vrrpState : m.states[i.instance]) === 'MASTER').map((m) => m.name);
      return { ...i, holders, holder: holders.length === 1 ? holders[0]! : null, masters };
    }),
    keepalived: recorded?.keepalived ? { path: recorded.keepalived.path, version: recorded.keepalived.version } : null,
    members,
  };
}

/**
 * A healthy pair: every daemon runs and, for each instance, exactly one node is its MASTER
 * and that node alone holds its VIP. Two MASTERs are a split brain even while only one of
 * them holds the address.
 */
export function labHealthy(members: readonly LabMemberStatus[], instances: readonly LabInstance[] = LAB_INSTANCES['active-standby']): boolean {
  const daemonsUp = members.every((m) => (m.nginx?.running ?? true) && (m.keepalived?.running ?? true));
  const single = instances.length === 1;
  return (
    daemonsUp &&
    instances.every((i) => {
      // One instance: the last state logged, whatever instance name a config of the user's has.
      const masters = members.filter((m) => (single ? m.vrrpState : m.states[i.instance]) === 'MASTER');
      const holders = members.filter((m) => m.holds.includes(i.vip));
      return masters.length === 1 && holders.length === 1 && holders[0]!.name === masters[0]!.name;
    })
  );
}
