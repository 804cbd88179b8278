import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
  bytes: number[];
  text: string;
}

function ipv6Bytes(address: string): number[] | null {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':') : []);
  let groups = parse(head);
  if (tail !== undefined) {
    const rest = parse(tail);
    groups = [...groups, ...Array(8 - groups.length - rest.length).fill('0'), ...rest];
  }
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** "192.0.2.50/24" -> parts; null when it is not an address with a valid prefix. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const [, address, p] = m as unknown as [string, string, string];
  const prefix = Number(p);
  if (isIPv4(address)) {
    if (prefix < 1 || prefix > 32) return null;
    return { family: 4, address, prefix, bytes: address.split('.').map(Number), text: `${address}/${prefix}` };
  }
  if (isIPv6(address)) {
    const bytes = ipv6Bytes(address);
    if (!bytes || prefix < 1 || prefix > 128) return null;
    return { family: 6, address, prefix, bytes, text: `${address}/${prefix}` };
  }
  return null;
}

export function cidrContains(net: Cidr, address: string): boolean {
  const other = parseCidr(`${address}/${net.family === 4 ? 32 : 128}`);
  if (!other || other.family !== net.family) return false;
  let bits = net.prefix;
  for (let i = 0; i < net.bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((net.bytes[i]! & mask) !== (other.bytes[i]! & mask)) return false;
  }
  return true;
}
