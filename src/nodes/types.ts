/** One node a command acts on: this machine, a lab node or a node over ssh. */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';

export interface ClusterNode {
  /** What the user typed (--host) or the node's own name, used in every message. */
  label: string;
  factsHost: Host;
  applyHost: Host;
  services: ServiceControl;
}
