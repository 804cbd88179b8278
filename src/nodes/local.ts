/**
 * This machine as the node a command acts on (under --root), or a lab node inside
 * `ha-setup lab exec NODE`: its facts host, its audited apply host, its service control.
 */
import { LocalHost, type CommandObserver } from '../host/local.js';
import { NetnsHost } from '../host/netns.js';
import { PlanHost } from '../host/plan.js';
import type { Host } from '../host/types.js';
import { output, printInfo, printVerbose } from '../ui/output.js';
import { AUDIT_LOG_PATH, auditOf, auditedHostFor } from '../audit/log.js';
import { t } from '../i18n/index.js';
import { LAB_BIN_DIR } from '../lab/constants.js';
import type { GlobalOptions } from '../cli-flags/global.js';

export type { GlobalOptions };

/** The --verbose observer: give it to every Host a command creates (local, netns, ssh). */
export function commandObserver(): CommandObserver | undefined {
  return output.verbose ? (argv) => printVerbose(`$ ${argv.join(' ')}`) : undefined;
}

/** The host that reads facts: always the real one, under --root. */
export function factsHost(opts: GlobalOptions): LocalHost {
  // Inside `ha-setup lab exec NODE`, the node's directory is "/" and its daemons name real paths.
  const labNode = process.env.HA_SETUP_LAB_NODE;
  if (labNode && opts.root === process.env.HA_SETUP_ROOT) return new NetnsHost(labNode, opts.root, commandObserver(), [LAB_BIN_DIR], labNode);
  return new LocalHost(opts.root, commandObserver());
}

/** The host that applies changes: records them under --dry-run, audits them otherwise. */
export function applyHost(opts: GlobalOptions, facts: Host = factsHost(opts)): Host {
  return opts.dryRun ? new PlanHost(facts) : audited(facts);
}

/**
 * `host` with every change appended to the node's audit log (src/audit/log.ts). A host
 * that has nowhere to keep a log is returned as it is.
 */
export function audited<H extends Host>(host: H, path = AUDIT_LOG_PATH): H {
  return auditedHostFor(host, (e) => printInfo(t('ship.audit.unwritable', { path, message: e.message })), path);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * The node a command acts on: this machine (under --root), or a lab node when run through
 * `ha-setup lab exec NODE -- ...` (HA_SETUP_LAB_NODE), whose daemons the lab starts itself.
 */
export interface NodeContext {
  /** How messages name the node. */
  label: string;
  factsHost: Host;
  applyHost: Host;
  services: import('../system/service-control.js').ServiceControl;
  /** --root points somewhere other than "/": files only, nothing is run or started. */
  filesOnly: boolean;
  labNode: string | null;
}

export async function nodeContext(opts: GlobalOptions): Promise<NodeContext> {
  const labNode = process.env.HA_SETUP_LAB_NODE;
  if (labNode && (opts.root === '/' || opts.root === process.env.HA_SETUP_ROOT)) {
    const lab = await import('../lab/services.js');
    const { isLabMember } = await import('../lab/constants.js');
    if (isLabMember(labNode)) {
      const observer = commandObserver();
      const host = lab.labNodeHost(labNode, observer);
      const apply = opts.dryRun ? new PlanHost(host) : audited(host);
      // The lab's own daemon control records its starts and stops in the node's log too.
      return { label: labNode, factsHost: host, applyHost: apply, services: lab.labServices(labNode, observer, auditOf(apply)), filesOnly: false, labNode };
    }
  }
  const facts = factsHost(opts);
  const { SystemdServices, SysvServices } = await import('../system/service-control.js');
  const pid1 = (await facts.exec('cat', ['/proc/1/comm'])).stdout.trim();
  const apply = applyHost(opts, facts);
  const services = pid1 === 'systemd' ? new SystemdServices(apply) : new SysvServices(apply);
  return { label: facts.label, factsHost: facts, applyHost: apply, services, filesOnly: facts.root !== '/', labNode: null };
}
