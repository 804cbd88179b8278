/**
 * Where each lab daemon keeps its files, as paths on the node (what a Host is given).
 * NetnsHost.runtimePath() turns them into the real paths under the node's directory,
 * which is what goes on the daemons' command lines and into their configs.
 */
export const NODE_PATHS = {
  keepalivedConf: '/etc/keepalived/keepalived.conf',
  // Own pid files per node: with the defaults (/run/keepalived.pid, ...) a second node's
  // keepalived logs "daemon is already running" and exits 0.
  keepalivedPid: '/run/keepalived.pid',
  vrrpPid: '/run/vrrp.pid',
  checkersPid: '/run/checkers.pid',
  bfdPid: '/run/bfd.pid',
  keepalivedLog: '/var/log/keepalived.log',
  // keepalived writes its SIGUSR1/SIGUSR2/JSON dumps to $TMPDIR: one per node, or they overwrite each other.
  tmpDir: '/tmp',
  nginxConf: '/etc/nginx/nginx.conf',
  nginxPid: '/run/nginx.pid',
  nginxErrorLog: '/var/log/nginx/error.log',
  nginxAccessLog: '/var/log/nginx/access.log',
  nginxTempDir: '/var/lib/nginx',
  webRoot: '/var/www/html',
  osRelease: '/etc/os-release',
} as const;

/** Directories every node root gets at `lab up`. */
export const NODE_DIRS = ['/etc/keepalived', '/etc/nginx', '/run', '/tmp', '/var/log/nginx', '/var/lib/nginx', '/var/www/html'] as const;
