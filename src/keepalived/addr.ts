/** Just enough address arithmetic for the validator: families, equality, subnet membership. */
import { isIPv4, isIPv6 } from 'node:net';

export interface Addr {
  family: 4 | 6;
  value: bigint;
  /** Prefix length when written as a.b.c.d/p; null when absent. */
  prefix: number | null;
}

function v6ToBigInt(address: string): bigint | null {
  let text = address;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const parts = v4tail[1]!.split('.').map(Number);
    text = text.slice(0, -v4tail[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const split = (s: string) => (s ? s.split(':') : []);
  let groups = split(head);
  if (tail !== undefined) {
    const rest = split(tail);
    groups = [...groups, ...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest];
  }
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** "192.0.2.50", "192.0.2.50/24", "fe80::1/64" -> Addr; null when not an address. */
export function parseAddr(text: string): Addr | null {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const address = m[1]!;
  const prefix = m[2] === undefined ? null : Number(m[2]);
  if (isIPv4(address)) {
    if (prefix !== null && prefix > 32) return null;
    return { family: 4, value: address.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n), prefix };
  }
  if (isIPv6(address)) {
    const value = v6ToBigInt(address.split('%')[0]!);
    if (value === null || (prefix !== null && prefix > 128)) return null;
    return { family: 6, value, prefix };
  }
  return null;
}

export function sameAddress(a: Addr, b: Addr): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Is `addr` inside the subnet of `net` (an interface address with its prefix)? */
export function inSubnet(addr: Addr, net: Addr): boolean {
  if (addr.family !== net.family || net.prefix === null) return false;
  const bits = BigInt(addr.family === 4 ? 32 : 128);
  const host = bits - BigInt(net.prefix);
  return addr.value >> host === net.value >> host;
}
