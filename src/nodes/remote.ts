/**
 * `--host A --host B`: the nodes of a pair reached over the system ssh client. Shared by
 * setup, doctor and failover-test: one SshHost per node (one multiplexed connection
 * each), the node's service control chosen by its PID 1, connections closed at the end.
 */
import { SshHost, type SshHostOptions } from '../host/ssh.js';
import { PlanHost } from '../host/plan.js';
import type { Host } from '../host/types.js';
import { SystemdServices, SysvServices, type ServiceControl } from '../system/service-control.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { ClusterNode } from './types.js';
import { audited, commandObserver } from './local.js';

/**
 * ssh settings from the environment. HA_SETUP_SSH_IDENTITY / HA_SETUP_SSH_KNOWN_HOSTS are
 * set by `ha-setup lab exec client` for the lab's generated key (lab only: on real
 * machines your own ~/.ssh/config, keys, agent and known_hosts are used).
 */
export function sshOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SshHostOptions {
  const o: SshHostOptions = {};
  if (env.HA_SETUP_SSH_IDENTITY) o.identityFile = env.HA_SETUP_SSH_IDENTITY;
  if (env.HA_SETUP_SSH_KNOWN_HOSTS) o.knownHostsFile = env.HA_SETUP_SSH_KNOWN_HOSTS;
  return o;
}

export interface RemoteNode extends ClusterNode {
  ssh: SshHost;
}

/** How a remote node starts its services: systemctl where PID 1 is systemd, else its init scripts. */
export async function remoteServices(host: SshHost, apply: Host): Promise<ServiceControl> {
  const comm = (await host.machine().readFile('/proc/1/comm').catch(() => null))?.trim();
  return comm === 'systemd' ? new SystemdServices(apply) : new SysvServices(apply);
}

/**
 * Connect to every target (all at once; each failure is a classified ssh error naming
 * its node) and build its PairNode. Nothing is changed on the nodes.
 */
export async function connectNodes(targets: string[], opts: { dryRun: boolean; ssh?: SshHostOptions }): Promise<RemoteNode[]> {
  if (targets.length < 1 || targets.length > 2) throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('pair.error.hostCount') });
  const observer = commandObserver();
  const hosts = targets.map((target) => new SshHost(target, { ...sshOptionsFromEnv(), ...opts.ssh, ...(observer ? { observer } : {}) }));
  try {
    await Promise.all(hosts.map((h) => h.checkConnection()));
    return await Promise.all(
      hosts.map(async (ssh) => {
        // Every change on a node goes to that node's own audit log.
        const apply: Host = opts.dryRun ? new PlanHost(ssh) : audited(ssh);
        return { label: ssh.label, ssh, factsHost: ssh, applyHost: apply, services: await remoteServices(ssh, apply) };
      }),
    );
  } catch (e) {
    await closeNodes(hosts);
    throw e;
  }
}

export async function closeNodes(hosts: ReadonlyArray<SshHost | { ssh: SshHost }>): Promise<void> {
  await Promise.all(hosts.map((h) => ('ssh' in h ? h.ssh : h).close().catch(() => undefined)));
}
