import type { Host } from '../host/types.js';
import type { Gaps } from './gaps.js';

export interface InterfaceFacts {
  name: string;
  /** Administratively up AND with a carrier (flags UP and LOWER_UP): usable for VRRP now. */
  up: boolean;
  /** "address/prefix", e.g. "192.0.2.11/24". */
  ipv4: string[];
  ipv6: string[];
  mac: string | null;
  /** This interface holds a default route (IPv4 or IPv6). */
  default: boolean;
  loopback: boolean;
}

export interface InterfacesResult {
  interfaces: InterfaceFacts[];
  /** Which source answered: `ip -j` (authoritative), systeminformation (fallback), or nothing. */
  source: 'ip' | 'systeminformation' | null;
}

interface IpAddrEntry {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  link_type?: string;
  address?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
}

interface IpRouteEntry {
  dst?: string;
  dev?: string;
}

function asArray<T>(json: unknown): T[] {
  const value = typeof json === 'string' ? (json.trim() ? JSON.parse(json) : []) : json;
  if (!Array.isArray(value)) throw new Error('ip -j did not print a JSON array');
  return value as T[];
}

/**
 * Interfaces from `ip -j addr` and `ip -j route` (plus, optionally, `ip -j -6 route`).
 * Accepts the raw JSON text or already parsed values. Throws when the text is not JSON.
 */
export function parseIpJson(addrJson: unknown, routeJson: unknown, route6Json: unknown = []): InterfaceFacts[] {
  const links = asArray<IpAddrEntry>(addrJson);
  const routes = [...asArray<IpRouteEntry>(routeJson), ...asArray<IpRouteEntry>(route6Json)];
  const defaultDevs = new Set(routes.filter((r) => r.dst === 'default' && r.dev).map((r) => r.dev!));
  return links
    .filter((l) => typeof l.ifname === 'string')
    .map((l) => {
      const flags = l.flags ?? [];
      const addrs = l.addr_info ?? [];
      const fmt = (a: { local?: string; prefixlen?: number }) => `${a.local}/${a.prefixlen}`;
      return {
        name: l.ifname!,
        up: flags.includes('UP') && flags.includes('LOWER_UP'),
        ipv4: addrs.filter((a) => a.family === 'inet' && a.local).map(fmt),
        ipv6: addrs.filter((a) => a.family === 'inet6' && a.local).map(fmt),
        mac: l.address && l.link_type !== 'none' ? l.address : null,
        default: defaultDevs.has(l.ifname!),
        loopback: flags.includes('LOOPBACK') || l.link_type === 'loopback',
      };
    });
}

/** The subset of systeminformation's networkInterfaces() entry we use. */
export interface SiInterface {
  iface: string;
  ip4?: string;
  ip4subnet?: string;
  ip6?: string;
  ip6subnet?: string;
  mac?: string;
  internal?: boolean;
  operstate?: string;
  default?: boolean;
}

/** Count the one bits of a dotted or colon-hex netmask ("255.255.255.0" -> 24). */
export function maskToPrefix(mask: string): number | null {
  if (!mask) return null;
  let bits = 0;
  if (mask.includes('.')) {
    for (const part of mask.split('.')) bits += Number(part).toString(2).replace(/0/g, '').length;
    return bits;
  }
  for (const part of mask.split(':')) if (part) bits += parseInt(part, 16).toString(2).replace(/0/g, '').length;
  return bits;
}

/**
 * systeminformation's view, used only when `ip` is missing. It knows one IPv4 and one IPv6
 * address per interface (the first of each), which is why it is not the main source.
 */
export function interfacesFromSystemInformation(list: SiInterface[]): InterfaceFacts[] {
  return list.map((i) => {
    const p4 = maskToPrefix(i.ip4subnet ?? '');
    const p6 = maskToPrefix(i.ip6subnet ?? '');
    return {
      name: i.iface,
      up: i.operstate === 'up' || (Boolean(i.internal) && i.operstate === 'unknown'),
      ipv4: i.ip4 ? [p4 === null ? i.ip4 : `${i.ip4}/${p4}`] : [],
      ipv6: i.ip6 ? [p6 === null ? i.ip6 : `${i.ip6}/${p6}`] : [],
      mac: i.mac || null,
      default: Boolean(i.default),
      loopback: Boolean(i.internal),
    };
  });
}

/**
 * The host's interfaces. `ip -j` runs through the host, so on a lab node it runs inside the
 * node's network namespace and is the truth. systeminformation reads the namespace of THIS
 * process (the root namespace, whatever the host), so it is only used where that is the
 * host's (Host.ownInterfaces) and only when `ip` cannot answer; it then fills what `ip` would have said.
 */
export async function readInterfaces(host: Host, gaps?: Gaps): Promise<InterfacesResult> {
  const [addr, route4, route6] = await Promise.all([
    host.exec('ip', ['-j', 'addr', 'show'], { why: 'list interfaces and addresses', timeoutMs: 10_000 }),
    host.exec('ip', ['-j', 'route', 'show'], { why: 'find the default route', timeoutMs: 10_000 }),
    host.exec('ip', ['-j', '-6', 'route', 'show'], { why: 'find the IPv6 default route', timeoutMs: 10_000 }),
  ]);
  if (!addr.notFound && addr.exitCode === 0) {
    try {
      const routesOk = !route4.notFound && route4.exitCode === 0;
      if (!routesOk) gaps?.add('interfaces.default', 'unparsed');
      return {
        interfaces: parseIpJson(addr.stdout, routesOk ? route4.stdout : [], route6.exitCode === 0 ? route6.stdout : []),
        source: 'ip',
      };
    } catch {
      gaps?.add('interfaces.ip', 'unparsed');
    }
  } else {
    gaps?.add('interfaces.ip', addr.notFound ? 'missing' : 'unparsed');
  }
  try {
    const list = await host.ownInterfaces();
    if (list === null) {
      gaps?.add('interfaces', 'not-applicable');
      return { interfaces: [], source: null };
    }
    return { interfaces: interfacesFromSystemInformation(list as SiInterface[]), source: 'systeminformation' };
  } catch {
    gaps?.add('interfaces', 'missing');
    return { interfaces: [], source: null };
  }
}
