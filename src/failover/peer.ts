/**
 * Which node takes over: named with --peer, written in the config (unicast_peer), known
 * to the lab, or, for multicast setups, learnt from the network: a short VRRP capture
 * (another sender of our VRID) and then the neighbour table (the only other live
 * neighbour in the VIP's subnet). Several candidates are never guessed between.
 */
import type { Host } from '../host/types.js';
import type { VrrpInstance } from '../keepalived/model.js';

export type PeerSource = 'option' | 'unicast_peer' | 'lab' | 'capture' | 'neighbour' | 'host';

export interface PeerFinding {
  address: string | null;
  source: PeerSource | null;
  /** When several were possible: all of them, for the error message. */
  candidates: string[];
}

export interface NeighbourEntry {
  dst: string;
  lladdr?: string;
  state?: string[];
}

export function parseNeighbours(json: string): NeighbourEntry[] {
  try {
    const list = JSON.parse(json) as NeighbourEntry[];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function ipv4ToInt(a: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function sameSubnet(a: string, b: string, prefix: number): boolean {
  const x = ipv4ToInt(a);
  const y = ipv4ToInt(b);
  if (x === null || y === null) return false;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (x & mask) === (y & mask);
}

/** Live neighbours in the VIP's subnet other than the VIP and our own addresses. */
export function neighbourCandidates(entries: NeighbourEntry[], vip: string, prefix: number, own: string[]): string[] {
  const dead = new Set(['FAILED', 'INCOMPLETE', 'NOARP']);
  return entries
    .filter((e) => e.lladdr && !(e.state ?? []).some((s) => dead.has(s)))
    .map((e) => e.dst)
    .filter((d) => d !== vip && !own.includes(d) && sameSubnet(d, vip, prefix))
    .filter((d, i, all) => all.indexOf(d) === i);
}

export async function ownAddresses(host: Host, iface: string): Promise<string[]> {
  const r = await host.exec('ip', ['-j', 'addr', 'show', 'dev', iface]);
  if (r.exitCode !== 0) return [];
  try {
    const list = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
    return list.flatMap((l) => (l.addr_info ?? []).map((a) => a.local).filter((a): a is string => Boolean(a)));
  } catch {
    return [];
  }
}

/** The MAC the neighbour table holds for `address`, or null. */
export async function neighbourMac(host: Host, address: string): Promise<string | null> {
  const r = await host.exec('ip', ['-j', 'neigh', 'show', address]);
  if (r.exitCode !== 0) return null;
  const e = parseNeighbours(r.stdout).find((n) => n.dst === address && n.lladdr);
  return e?.lladdr ?? null;
}

export interface FindPeerInput {
  host: Host;
  instance: Pick<VrrpInstance, 'unicastPeer' | 'virtualRouterId'>;
  iface: string;
  vip: string;
  prefix: number;
  own: string[];
  explicit?: string | null;
  labPeer?: string | null;
  /** Look at the wire (tcpdump) for this many ms; 0 skips the capture. */
  captureMs?: number;
}

export async function findPeer(input: FindPeerInput): Promise<PeerFinding> {
  if (input.explicit) return { address: input.explicit, source: 'option', candidates: [input.explicit] };
  const unicast = input.instance.unicastPeer.filter((p) => !input.own.includes(p));
  if (unicast.length > 0) return { address: unicast[0]!, source: 'unicast_peer', candidates: unicast };
  if (input.labPeer) return { address: input.labPeer, source: 'lab', candidates: [input.labPeer] };
  if (input.captureMs && input.captureMs > 0) {
    // A healthy backup is silent; a capture only finds a peer that also advertises.
    const { captureVrrp } = await import('../vrrp/capture.js');
    const cap = await captureVrrp(input.host, { iface: input.iface, durationMs: input.captureMs });
    const senders = [...new Set(cap.adverts.filter((a) => a.vrid === input.instance.virtualRouterId && !input.own.includes(a.src)).map((a) => a.src))];
    if (senders.length === 1) return { address: senders[0]!, source: 'capture', candidates: senders };
  }
  const r = await input.host.exec('ip', ['-j', 'neigh', 'show', 'dev', input.iface]);
  const candidates = r.exitCode === 0 ? neighbourCandidates(parseNeighbours(r.stdout), input.vip, input.prefix, input.own) : [];
  if (candidates.length === 1) return { address: candidates[0]!, source: 'neighbour', candidates };
  return { address: null, source: null, candidates };
}
