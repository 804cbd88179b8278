/**
 * Paths in keepalived.conf (the config file itself when named on keepalived's command
 * line, scripts, includes) are the daemon's paths on the real file system. A Host maps
 * the paths it is given under its own root instead (a lab node's directory). The daemon
 * view is a host whose "/" is the real "/" and whose commands still run where the
 * node's do (same network namespace).
 */
import type { Host } from '../host/types.js';

/** The host that reads the paths keepalived.conf names (same network namespace as `host`). */
export function daemonView(host: Host): Host {
  return host.runtimeView();
}

/** A path the user gave for this host (--config, --log) as the daemon would name it. */
export function daemonPathOf(host: Host, path: string): string {
  return host.runtimePath(path);
}

export { commandLine, shellQuote } from '../system/node-shell.js';
