import { DEFAULTS } from '../defaults.js';
/**
 * The lab's fixed names and addresses: one source for the lab itself, the setup flow
 * that configures its nodes, the integration tests and docs/lab.md.
 * Addresses come from 192.0.2.0/24 (TEST-NET-1, RFC 5737): never routed anywhere real.
 */

/** Everything the lab creates on disk lives here; `lab down` removes it. /run is tmpfs, so a reboot clears it too. */
export const LAB_STATE_DIR = '/run/ha-setup-lab';
/** The programs a lab node finds first (the lab's keepalived, see keepalived.ts). */
export const LAB_BIN_DIR = `${LAB_STATE_DIR}/bin`;
/** Records what `lab up` created (namespaces, daemon pids) so `lab down` can undo it after a crash. */
export const LAB_MANIFEST = `${LAB_STATE_DIR}/manifest.json`;

export type LabNodeName = 'ha1' | 'ha2';
export type LabMemberName = LabNodeName | 'client';
export type LabRole = 'MASTER' | 'BACKUP';

/** The namespace that holds the bridge: the root namespace never carries lab traffic. */
export const LAB_BRIDGE_NS = 'ha-br';
export const LAB_BRIDGE = 'br0';
/** Inside every member the lab interface is called like a real server's. */
export const LAB_IFACE = 'eth0';

export const LAB_PREFIX_LEN = 24;
export const LAB_SUBNET = '192.0.2.0/24';
export const LAB_VIP = '192.0.2.50';
export const LAB_VIP_CIDR = `${LAB_VIP}/${LAB_PREFIX_LEN}`;

/** active-active (`lab up --active-active`): the second instance's VIP, whose master is ha2. */
export const LAB_VIP2 = '192.0.2.51';
export const LAB_VIP2_CIDR = `${LAB_VIP2}/${LAB_PREFIX_LEN}`;

export const LAB_NODES: readonly LabNodeName[] = ['ha1', 'ha2'];
export const LAB_MEMBERS: readonly LabMemberName[] = ['ha1', 'ha2', 'client'];
/** Every namespace the lab may create; `lab down` removes exactly these names. */
export const LAB_NAMESPACES: readonly string[] = [...LAB_MEMBERS, LAB_BRIDGE_NS];

export const LAB_ADDRESSES: Readonly<Record<LabMemberName, string>> = {
  ha1: '192.0.2.11',
  ha2: '192.0.2.12',
  client: '192.0.2.100',
};

export const LAB_ROLES: Readonly<Record<LabNodeName, LabRole>> = { ha1: 'MASTER', ha2: 'BACKUP' };

/**
 * The VRRP values `lab up` answers the setup flow with. The check's interval, fall and
 * rise are not here: they are the wizard's defaults (src/defaults.ts), so the lab
 * rehearses exactly what a real pair gets.
 */
export const LAB_VRRP = {
  instance: DEFAULTS.instanceName,
  vrid: 51,
  priority: { MASTER: DEFAULTS.priority.master, BACKUP: DEFAULTS.priority.backup } as Readonly<Record<LabRole, number>>,
  advertInt: DEFAULTS.advertInt,
  authPass: 'lab51pw',
  checkScript: DEFAULTS.scriptName,
  /** active-active: the second instance's VRID. */
  secondVrid: 52,
} as const;

export type LabMode = 'active-standby' | 'active-active';

/** One VRRP instance of the lab: its VIP and the node that is its MASTER. */
export interface LabInstance {
  instance: string;
  vip: string;
  master: LabNodeName;
}

/** The instances a lab of each mode runs. */
export const LAB_INSTANCES: Readonly<Record<LabMode, readonly LabInstance[]>> = {
  'active-standby': [{ instance: DEFAULTS.instanceName, vip: LAB_VIP, master: 'ha1' }],
  'active-active': [
    { instance: DEFAULTS.instanceName, vip: LAB_VIP, master: 'ha1' },
    { instance: DEFAULTS.secondInstanceName, vip: LAB_VIP2, master: 'ha2' },
  ],
};

/** How long `lab up` waits for a MASTER to hold the VIP (keepalived needs ~3.4 s). */
export const LAB_VIP_TIMEOUT_MS = 10_000;

/** The directory that stands for "/" on a lab member (NetnsHost root). */
export function labNodeRoot(member: LabMemberName): string {
  return `${LAB_STATE_DIR}/${member}`;
}

export function isLabMember(name: string): name is LabMemberName {
  return (LAB_MEMBERS as readonly string[]).includes(name);
}

export function isLabNode(name: string): name is LabNodeName {
  return (LAB_NODES as readonly string[]).includes(name);
}
