/** The other nodes of this VRRP group as the shared capture saw them (never starts a capture). */
import type { DoctorContext } from './context.js';
import { summarizeCapture, type VrrpSenderSummary } from '../vrrp/capture.js';

export interface SeenPeer {
  src: string;
  /** The priority the peer advertises while healthy: the highest non-zero one seen. */
  priority: number;
  sender: VrrpSenderSummary;
}

/** This node's own addresses (without prefix). */
export async function ownAddresses(ctx: DoctorContext): Promise<string[]> {
  const facts = await ctx.facts();
  return facts.interfaces.flatMap((i) => [...i.ipv4, ...i.ipv6]).map((a) => a.split('/')[0]!);
}

/** Peers of our instance's VRID in the capture, when a capture was started by someone. */
export async function seenPeers(ctx: DoctorContext): Promise<SeenPeer[] | null> {
  const started = ctx.captureIfStarted?.() ?? null;
  if (!started) return null;
  const capture = await started.catch(() => null);
  const inst = await ctx.instance();
  if (!capture || !inst) return null;
  const own = new Set(await ownAddresses(ctx));
  return summarizeCapture(capture)
    .senders.filter((s) => s.vrid === inst.virtualRouterId && !s.outgoing && !own.has(s.src))
    .map((s) => ({ src: s.src, priority: Math.max(0, ...s.priorities.filter((p) => p > 0)), sender: s }))
    .filter((p) => p.priority > 0);
}
