/**
 * `lab restart [NODE] [SERVICE]` and `lab logs NODE [SERVICE]`: the lab's own way to
 * (re)start a node's daemons and read their logs, since a lab node has no init system of
 * its own that `systemctl`/`service` would reach.
 */
import { OperationError, UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { ServiceName } from '../system/service-control.js';
import { LAB_INSTANCES, LAB_NODES, LAB_VIP_TIMEOUT_MS, isLabNode, type LabNodeName } from './constants.js';
import { netnsInode } from './procs.js';
import { auditedLabServices, labServices } from './services.js';
import { waitForVipHolders } from './up.js';
import { readManifest } from './manifest.js';
import { labMode } from './status.js';

export const LAB_SERVICES: readonly ServiceName[] = ['nginx', 'keepalived'];

/** NODE and SERVICE as typed, checked; either may be left out (all of them, in start order). */
export function labTargets(node: string | undefined, service: string | undefined): { nodes: LabNodeName[]; services: ServiceName[] } {
  // `lab restart keepalived`: a service alone means that service on both nodes.
  if (node !== undefined && service === undefined && (LAB_SERVICES as readonly string[]).includes(node)) return labTargets(undefined, node);
  if (node !== undefined && !isLabNode(node)) throw new UserError({ field: 'NODE', value: node, accepted: LAB_NODES.join(', ') });
  if (service !== undefined && !(LAB_SERVICES as readonly string[]).includes(service)) throw new UserError({ field: 'SERVICE', value: service, accepted: LAB_SERVICES.join(', ') });
  return {
    nodes: node === undefined ? [...LAB_NODES] : [node as LabNodeName],
    // nginx first: keepalived's check asks it as soon as keepalived starts.
    services: service === undefined ? [...LAB_SERVICES] : [service as ServiceName],
  };
}

async function requireNodes(nodes: readonly LabNodeName[]): Promise<void> {
  for (const node of nodes) {
    if ((await netnsInode(node)) === null) throw new OperationError(t('lab.error.notUp', { member: node }), { hint: 'sudo ha-setup lab up' });
  }
}

export interface LabRestartOutcome {
  node: LabNodeName;
  service: ServiceName;
  ok: boolean;
  pid: number | null;
  message: string;
}

export interface LabRestartReport {
  restarted: LabRestartOutcome[];
  /** After a keepalived restart: the one node that holds the VIP once the election settled (null: none or several). */
  vipHolder: LabNodeName | null;
  /** The same for every VIP of the lab's mode (two in active-active), in its order. */
  vipHolders: Array<{ vip: string; holder: LabNodeName | null }>;
  /** false when no keepalived was restarted (nothing to wait for). */
  waitedForVip: boolean;
}

/** Stop (when running) and start each service on each node; a stopped one is simply started. */
export async function labRestart(nodes: readonly LabNodeName[], services: readonly ServiceName[]): Promise<LabRestartReport> {
  await requireNodes(nodes);
  const restarted: LabRestartOutcome[] = [];
  for (const service of services) {
    for (const node of nodes) {
      const control = auditedLabServices(node);
      const r = await control.restart(service);
      restarted.push({ node, service, ok: r.exitCode === 0, pid: await control.pid(service), message: (r.exitCode === 0 ? r.stdout : r.stderr).trim() });
    }
  }
  const waitedForVip = services.includes('keepalived') && restarted.every((r) => r.ok);
  const mode = labMode(await readManifest());
  const holders = waitedForVip ? ((await waitForVipHolders(mode, LAB_VIP_TIMEOUT_MS)) as Array<LabNodeName | null>) : [];
  const vipHolders = holders.map((holder, i) => ({ vip: LAB_INSTANCES[mode][i]!.vip, holder }));
  const vipHolder = holders.length > 0 && holders.every((h) => h !== null) ? holders[0]! : null;
  return { restarted, vipHolder, vipHolders, waitedForVip };
}

export interface LabLogs {
  node: LabNodeName;
  service: ServiceName;
  path: string;
  lines: string[];
}

/** The last `lines` lines of each service's log on the node. */
export async function labLogs(node: LabNodeName, services: readonly ServiceName[], lines: number): Promise<LabLogs[]> {
  await requireNodes([node]);
  const control = labServices(node);
  return Promise.all(services.map(async (service) => ({ node, service, path: control.logPath(service), lines: await control.recentLogs(service, lines) })));
}
