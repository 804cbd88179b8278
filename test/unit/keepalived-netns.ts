/**
 * A throw-away network namespace with a veth pair (kc0/kc1), so `keepalived -t` finds a
 * real non-loopback interface without touching the machine's own network. This kernel
 * has no dummy links, hence veth.
 */
import { execFileSync } from 'node:child_process';

export const TEST_IFACE = 'kc0';

export function createNetns(tag: string, iface = TEST_IFACE): string {
  const ns = `kc-${tag}-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'add', iface, 'type', 'veth', 'peer', 'name', 'kc1']);
  execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', iface, 'up']);
  return ns;
}

export function deleteNetns(ns: string): void {
  execFileSync('ip', ['netns', 'delete', ns]);
}
