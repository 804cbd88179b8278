/**
 * Paths in keepalived.conf (the config file itself when named on keepalived's command
 * line, scripts, includes) are the daemon's paths on the real file system. A Host maps
 * the paths it is given under its own root instead (a lab node's directory). The daemon
 * view is a host whose "/" is the real "/" and whose commands still run where the
 * node's do (same network namespace).
 */
import type { Host } from '../host/types.js';
import { NetnsHost } from '../host/netns.js';

const views = new WeakMap<Host, Host>();

export function daemonView(host: Host): Host {
  // A sandboxed ssh host (a lab node over ssh) offers the remote machine's real "/" itself.
  if (host.kind === 'ssh') return (host as Host & { machine?: () => Host }).machine?.() ?? host;
  if (host.kind !== 'netns' || host.root === '/') return host;
  let view = views.get(host);
  if (!view) {
    const node = host as NetnsHost;
    view = new NetnsHost(node.ns, '/', undefined, node.programDirs);
    views.set(host, view);
  }
  return view;
}

/** A path the user gave for this host (--config, --log) as the daemon would name it. */
export function daemonPathOf(host: Host, path: string): string {
  return host.kind === 'netns' || host.kind === 'ssh' ? host.runtimePath(path) : path;
}

export { commandLine, shellQuote } from '../system/node-shell.js';
