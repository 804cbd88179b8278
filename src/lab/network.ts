/**
 * The lab network: namespace `ha-br` holds bridge br0; every member gets a veth pair
 * created in `ha-br` whose other end goes straight into the member and is named eth0
 * there. The root namespace never sees a lab interface or a lab packet.
 */
import type { Host } from '../host/types.js';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import {
  LAB_ADDRESSES,
  LAB_BRIDGE,
  LAB_BRIDGE_NS,
  LAB_IFACE,
  LAB_MEMBERS,
  LAB_NAMESPACES,
  LAB_PREFIX_LEN,
  type LabMemberName,
} from './constants.js';
import { netnsInode } from './procs.js';

/** The bridge-side end of a member's veth pair. */
export function bridgePort(member: LabMemberName): string {
  return `veth-${member}`;
}

async function ip(host: Host, args: string[], why: string): Promise<void> {
  const r = await host.exec('ip', args, { why });
  if (r.exitCode !== 0) {
    throw new OperationError(t('lab.error.command', { command: ['ip', ...args].join(' '), code: r.exitCode }), {
      details: r.stderr.split('\n').filter(Boolean),
    });
  }
}

/**
 * Build the network. `created(ns)` is awaited before each namespace is made, so the
 * manifest already names it if we crash right after.
 */
export async function createLabNetwork(host: Host, created: (ns: string) => Promise<void>): Promise<void> {
  await created(LAB_BRIDGE_NS);
  await ip(host, ['netns', 'add', LAB_BRIDGE_NS], 'the namespace that holds the lab bridge');
  await ip(host, ['-n', LAB_BRIDGE_NS, 'link', 'set', 'lo', 'up'], 'loopback of the bridge namespace');
  await ip(host, ['-n', LAB_BRIDGE_NS, 'link', 'add', LAB_BRIDGE, 'type', 'bridge'], 'the lab switch');
  await ip(host, ['-n', LAB_BRIDGE_NS, 'link', 'set', LAB_BRIDGE, 'up'], 'the lab switch');
  for (const member of LAB_MEMBERS) {
    await created(member);
    await ip(host, ['netns', 'add', member], `lab member ${member}`);
    await ip(host, ['-n', member, 'link', 'set', 'lo', 'up'], 'health checks talk to nginx over loopback');
    await ip(
      host,
      ['-n', LAB_BRIDGE_NS, 'link', 'add', bridgePort(member), 'type', 'veth', 'peer', 'name', LAB_IFACE, 'netns', member],
      `cable from the switch to ${member}`,
    );
    await ip(host, ['-n', LAB_BRIDGE_NS, 'link', 'set', bridgePort(member), 'master', LAB_BRIDGE, 'up'], `plug ${member} into the switch`);
    await ip(host, ['-n', member, 'addr', 'add', `${LAB_ADDRESSES[member]}/${LAB_PREFIX_LEN}`, 'dev', LAB_IFACE], `address of ${member}`);
    await ip(host, ['-n', member, 'link', 'set', LAB_IFACE, 'up'], `bring up ${member}'s ${LAB_IFACE}`);
  }
}

/** Lab namespaces that exist now, by name. */
export async function existingLabNamespaces(): Promise<string[]> {
  const present: string[] = [];
  for (const ns of LAB_NAMESPACES) if ((await netnsInode(ns)) !== null) present.push(ns);
  return present;
}

/** Members first, the bridge last: deleting `ha-br` takes the bridge and every veth with it. */
export async function deleteLabNamespaces(host: Host): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await existingLabNamespaces()) {
    await ip(host, ['netns', 'delete', ns], `remove lab namespace ${ns}`);
    removed.push(ns);
  }
  return removed;
}
