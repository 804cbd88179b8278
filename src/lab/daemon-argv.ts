/**
 * How a lab node's daemons are started: one argv per daemon, its pid file and log, the
 * marker that makes a pid "ours" and how long start-up and stop may take. Read by the lab's
 * own service control (services.ts) and by the nodes' init scripts (init-scripts.ts), so that
 * a node reached over ssh runs, waits for and recognises exactly what `lab up` does.
 */
import type { ServiceName } from '../system/service-control.js';
import { labNodeRoot, type LabMemberName, type LabNodeName } from './constants.js';
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

/** A daemon's pid file and log, as paths on the node (under its directory). */
export function labDaemonFiles(name: ServiceName): { pidFile: string; log: string } {
  return name === 'keepalived'
    ? { pidFile: NODE_PATHS.keepalivedPid, log: NODE_PATHS.keepalivedLog }
    : { pidFile: NODE_PATHS.nginxPid, log: NODE_PATHS.nginxErrorLog };
}

/** What the command line of a node's own daemon contains: the node's directory. */
export function labDaemonMarker(node: LabMemberName): string {
  return labNodeRoot(node) + '/';
}

/** How long a daemon may take to write its pid file, and to go after SIGTERM (a few ms here). */
export const LAB_DAEMON_TIMING = { startTimeoutMs: 5000, stopGraceMs: 5000 } as const;
