/**
 * How a lab node's daemons are started: one argv per daemon, used by the lab's own service
 * control (services.ts) and by the nodes' init scripts (init-scripts.ts), so that a node
 * reached over ssh runs exactly what `lab up` runs.
 */
import type { ServiceName } from '../system/service-control.js';
import { labNodeRoot, type LabNodeName } from './constants.js';
import { keepalivedDaemonArgv, LAB_KEEPALIVED, type LabKeepalived } from './keepalived.js';
import { NODE_PATHS } from './paths.js';

/** The daemon's argv without the `ip netns exec NODE` prefix; every file under the node's directory. */
export function labDaemonArgv(node: LabNodeName, name: ServiceName, keepalived: LabKeepalived): string[] {
  const p = (path: string) => `${labNodeRoot(node)}${path}`;
  if (name === 'keepalived') {
    return keepalivedDaemonArgv(
      keepalived,
      {
        tmpDir: p(NODE_PATHS.tmpDir),
        config: p(NODE_PATHS.keepalivedConf),
        pid: p(NODE_PATHS.keepalivedPid),
        vrrpPid: p(NODE_PATHS.vrrpPid),
        checkersPid: p(NODE_PATHS.checkersPid),
        bfdPid: p(NODE_PATHS.bfdPid),
      },
      LAB_KEEPALIVED,
    );
  }
  return ['nginx', '-c', p(NODE_PATHS.nginxConf), '-e', p(NODE_PATHS.nginxErrorLog), '-g', 'daemon off;'];
}
