/**
 * Configuring one lab node as a real server would be configured. `lab up` calls
 * configureNode once per node; nothing else in the lab knows how a node is configured.
 */
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { LAB_ADDRESSES, LAB_IFACE, LAB_VIP_CIDR, LAB_VRRP, type LabNodeName, type LabRole } from './constants.js';
import { NODE_PATHS } from './paths.js';
import { labNodeHost, labServices } from './services.js';

/**
 * The keepalived.conf the lab uses until the setup flow configures nodes. The check asks
 * nginx over the node's own loopback (all nodes share one PID space, so looking for an
 * nginx process would find the other node's). No `weight`: a failed check puts the
 * instance in FAULT and it sends priority 0, the fastest hand-over (~2 s).
 */
export function renderLabKeepalivedConf(node: LabNodeName, role: LabRole): string {
  const v = LAB_VRRP;
  return `# Written by \`ha-setup lab up\` for lab node ${node} (${role}).
global_defs {
    router_id lab_${node}
    enable_script_security
    script_user root
}

vrrp_script ${v.checkScript} {
    script "/usr/bin/curl -s -o /dev/null --max-time 1 http://127.0.0.1/"
    interval ${v.checkInterval}
    fall ${v.checkFall}
    rise ${v.checkRise}
}

vrrp_instance ${v.instance} {
    state ${role}
    interface ${LAB_IFACE}
    virtual_router_id ${v.vrid}
    priority ${v.priority[role]}
    advert_int ${v.advertInt}
    authentication {
        auth_type PASS
        auth_pass ${v.authPass}
    }
    virtual_ipaddress {
        ${LAB_VIP_CIDR} dev ${LAB_IFACE}
    }
    track_script {
        ${v.checkScript}
    }
}
`;
}

/** Configure `node` for `role` and (re)start its keepalived. */
export async function configureNode(node: LabNodeName, role: LabRole): Promise<void> {
  // replaced by runSetup once src/setup lands
  const host = labNodeHost(node);
  const services = labServices(node);
  await host.writeFileAtomic(NODE_PATHS.keepalivedConf, renderLabKeepalivedConf(node, role), {
    mode: 0o600,
    rootOwned: true,
    why: `keepalived for ${node} (${LAB_ADDRESSES[node]}, ${role})`,
  });
  const r = await services.restart('keepalived');
  if (r.exitCode !== 0) {
    throw new OperationError(t('lab.error.serviceStart', { service: 'keepalived', node }), {
      details: r.stderr.split('\n').filter(Boolean),
    });
  }
}
