/**
 * A lab member's directory, seen through its NetnsHost as "/": the directories its
 * daemons need, the machine's os-release (so distro detection through the node works),
 * and nginx's own configuration and page.
 */
import type { Host } from '../host/types.js';
import { LocalHost } from '../host/local.js';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { LabMemberName, LabNodeName } from './constants.js';
import { NODE_DIRS, NODE_PATHS } from './paths.js';

export async function prepareMemberRoot(member: LabMemberName, host: Host, machine: Host = new LocalHost('/')): Promise<void> {
  // /tmp too: keepalived (root) writes its dumps there; nothing unprivileged runs in the lab.
  for (const dir of NODE_DIRS) await host.mkdir(dir, 0o755);
  const osRelease = (await machine.readFile('/etc/os-release')) ?? (await machine.readFile('/usr/lib/os-release'));
  if (osRelease === null) throw new OperationError(t('lab.error.noOsRelease', { member }));
  await host.writeFileAtomic(NODE_PATHS.osRelease, osRelease, { mode: 0o644, why: 'distro detection inside the lab node' });
}

/** The body nginx serves at "/": the node's name, so a client can see who answered. */
export function pageBody(node: LabNodeName): string {
  return `${node}\n`;
}

/**
 * nginx for one node: every file it writes (pid, logs, temp directories) under the
 * node's directory so two nodes never share one. It listens on *:80 inside the node's
 * namespace, which includes the VIP whenever the node holds it.
 */
export function renderLabNginxConf(host: Host): string {
  const p = (path: string) => host.runtimePath(path);
  const temp = (name: string) => p(`${NODE_PATHS.nginxTempDir}/${name}`);
  return `# Written by \`ha-setup lab up\` for lab node ${host.label}; removed by \`ha-setup lab down\`.
worker_processes 1;
pid ${p(NODE_PATHS.nginxPid)};
error_log ${p(NODE_PATHS.nginxErrorLog)} notice;

events {
    worker_connections 128;
}

http {
    access_log ${p(NODE_PATHS.nginxAccessLog)};
    client_body_temp_path ${temp('body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    default_type text/plain;

    server {
        listen 80 default_server;
        root ${p(NODE_PATHS.webRoot)};
        index index.html;
    }
}
`;
}

export async function writeNginxFiles(node: LabNodeName, host: Host): Promise<void> {
  await host.writeFileAtomic(`${NODE_PATHS.webRoot}/index.html`, pageBody(node), { mode: 0o644, why: 'the page that names the node' });
  await host.writeFileAtomic(NODE_PATHS.nginxConf, renderLabNginxConf(host), { mode: 0o644, why: 'nginx of the lab node' });
}
