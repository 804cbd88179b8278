/**
 * Configuring one lab node exactly as a real server is configured: the setup flow, run
 * unattended through the node's Host and ServiceControl. `lab up` calls configureNode once
 * per node; nothing else in the lab knows how a node is configured.
 */
import { runSetup, type SetupResult, type SetupUi } from '../setup/run.js';
import { silentProgress } from '../progress.js';
import { LAB_ADDRESSES, LAB_IFACE, LAB_NODES, LAB_VIP2_CIDR, LAB_VIP_CIDR, LAB_VRRP, type LabMode, type LabNodeName, type LabRole } from './constants.js';
import { labNodeHost, labServices } from './services.js';
import { auditOf, auditedHostFor } from '../audit/log.js';

/** The answers each node gets: the pair differs only in role, priority and router_id. */
export function labAnswers(node: LabNodeName, role: LabRole, mode: LabMode = 'active-standby'): Record<string, unknown> {
  return {
    role,
    interface: LAB_IFACE,
    vip: LAB_VIP_CIDR,
    vrid: LAB_VRRP.vrid,
    authPass: LAB_VRRP.authPass,
    routerId: node,
    // priorities come from the role: the wizard's defaults (mirrored in the second instance)
    ...(mode === 'active-active' ? { mode, secondVips: [LAB_VIP2_CIDR], secondVrid: LAB_VRRP.secondVrid } : {}),
  };
}

const quietUi: SetupUi = {
  progress: silentProgress(),
  preflight() {},
  chooseExisting: async () => 'replace',
  ask: null,
  showPlan() {},
  confirm: async () => true,
  done() {},
};

/** Configure `node` for `role` with the real setup flow and (re)start its keepalived. */
export async function configureNode(node: LabNodeName, role: LabRole, mode: LabMode = 'active-standby'): Promise<SetupResult> {
  const host = labNodeHost(node);
  // Configured like any node: every change in the node's own audit log.
  const apply = auditedHostFor(host);
  return runSetup({
    nodes: [{ label: node, factsHost: host, applyHost: apply, services: labServices(node, undefined, auditOf(apply)) }],
    raw: labAnswers(node, role, mode),
    existing: 'replace',
    dryRun: false,
    yes: true,
    filesOnly: false,
    installMethod: 'package',
    installSource: null,
    noInstall: true,
    ui: quietUi,
  });
}

/** The peer of a lab node, for messages and unicast experiments. */
export function labPeerOf(node: LabNodeName): string {
  return LAB_ADDRESSES[LAB_NODES.find((n) => n !== node)!];
}
