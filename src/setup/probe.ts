/**
 * Ask the network before choosing: is the VIP already answered for (ARP duplicate
 * address detection, which a host firewall cannot fool the way it fools ping), and which
 * VRIDs are already advertised on this segment.
 */
import type { Host } from '../host/types.js';
import { captureVrrp, summarizeCapture } from '../vrrp/capture.js';
import { VRID_RANGE } from '../keepalived/ranges.js';

export interface VipProbe {
  /** true: some machine answers ARP for the VIP; null: could not tell (no arping, IPv6). */
  inUse: boolean | null;
  macs: string[];
  command: string[] | null;
}

const MAC = /\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/gi;

/** Two ARP requests, half a second apart. Works with both arping flavours (iputils and Habets). */
export async function probeVip(host: Host, iface: string, vipAddress: string): Promise<VipProbe> {
  if (vipAddress.includes(':')) return { inUse: null, macs: [], command: null };
  const habets = ['-c', '2', '-w', '0.5', '-i', iface, vipAddress];
  let r = await host.exec('arping', habets, { timeoutMs: 5000 });
  let command = ['arping', ...habets];
  if (r.notFound) return { inUse: null, macs: [], command: null };
  if (/invalid option|Usage: arping \[-/i.test(r.stderr + r.stdout)) {
    // iputils arping: -D is duplicate address detection, exit 1 when someone answers.
    const iputils = ['-D', '-c', '2', '-w', '2', '-I', iface, vipAddress];
    r = await host.exec('arping', iputils, { timeoutMs: 5000 });
    command = ['arping', ...iputils];
  }
  const macs = [...new Set([...(r.stdout.matchAll(MAC) ?? [])].map((m) => m[1]!.toLowerCase()))];
  return { inUse: macs.length > 0, macs, command };
}

export interface VridProbe {
  /** VRIDs seen, with the VIPs each announces. */
  seen: Array<{ vrid: number; addresses: string[]; src: string }>;
  /** false when no capture could be made (tcpdump missing, no permission). */
  listened: boolean;
}

export async function probeVrids(host: Host, iface: string, durationMs: number): Promise<VridProbe> {
  const capture = await captureVrrp(host, { iface, durationMs });
  if (capture.tcpdumpMissing || capture.error) return { seen: [], listened: false };
  const summary = summarizeCapture(capture);
  return { seen: summary.senders.filter((s) => !s.outgoing).map((s) => ({ vrid: s.vrid, addresses: s.addresses, src: s.src })), listened: true };
}

/**
 * The VRID to propose. A group on the wire that advertises our own VIP is the peer of this
 * very pair: its VRID is the answer, whatever was derived (joining it on another VRID would
 * be a second group for one VIP). Otherwise the one derived from the VIP (or configured),
 * unless another group uses it.
 */
export function proposeVrid(derived: number, vipAddress: string, seen: VridProbe['seen']): { vrid: number; conflict: VridProbe['seen'][number] | null; ours: VridProbe['seen'][number] | null } {
  const forVip = seen.filter((s) => s.addresses.some((a) => a.split('/')[0] === vipAddress));
  const ours = forVip.find((s) => s.vrid === derived) ?? forVip[0] ?? null;
  if (ours) return { vrid: ours.vrid, conflict: null, ours };
  const conflict = seen.find((s) => s.vrid === derived) ?? null;
  if (!conflict) return { vrid: derived, conflict: null, ours: null };
  const used = new Set(seen.map((s) => s.vrid));
  for (let i = 1; i < VRID_RANGE.max; i++) {
    const candidate = ((derived - 1 + i) % VRID_RANGE.max) + 1;
    if (!used.has(candidate)) return { vrid: candidate, conflict, ours: null };
  }
  return { vrid: derived, conflict, ours: null };
}
