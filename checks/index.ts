/**
 * Every doctor check, in the order doctor reports them: the node itself first (installed,
 * running, config, ha-setup's own maintenance state, nginx, health check, boot order, firewall, cloud), then what the
 * configuration means for the election, then what is seen on the wire.
 */
import type { Check } from './types.js';
import { keepalivedInstalled } from './keepalived-installed.js';
import { keepalivedRunning } from './keepalived-running.js';
import { configValid } from './config-valid.js';
import { nginxRunning } from './nginx-running.js';
import { checkScript } from './check-script.js';
import { maintenance } from './maintenance.js';
import { systemdOrder } from './systemd-order.js';
import { firewallVrrp } from './firewall-vrrp.js';
import { cloudMulticast } from './cloud-multicast.js';
import { priority } from './priority.js';
import { election } from './election.js';
import { vipReachable } from './vip-reachable.js';

// Checks that need the VRRP capture (one file each, exporting `check`).
import { check as multicast } from './multicast.js';
import { check as unicast } from './unicast.js';
import { check as peerAuth } from './peer-auth.js';
import { check as vridConflict } from './vrid-conflict.js';
import { check as advertInterval } from './advert-interval.js';
import { check as vipPlacement } from './vip-placement.js';

export const WIRE_CHECKS: readonly Check[] = [multicast, unicast, peerAuth, vridConflict, advertInterval, vipPlacement];

export const NODE_CHECKS: readonly Check[] = [
  keepalivedInstalled,
  keepalivedRunning,
  configValid,
  maintenance,
  nginxRunning,
  checkScript,
  systemdOrder,
  firewallVrrp,
  cloudMulticast,
  priority,
  election,
  vipReachable,
];

export const ALL_CHECKS: readonly Check[] = [...NODE_CHECKS, ...WIRE_CHECKS];
