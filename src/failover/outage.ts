/**
 * What a client saw, computed from the prober's recorded series. Pure functions: the
 * same series always gives the same numbers, so they are tested on recordings.
 */
import type { PhaseResult, ProbeSample, Responder } from './types.js';

/**
 * The outage of one phase: requests sent in [fromMs, toMs). It runs from the sending of
 * the first failed request to the moment the first answer arrived among the requests sent
 * after the last failed one (answers after a failure prove the service is back; a blip in
 * between counts as part of the outage). The end is an arrival time, not a send time: on
 * the node itself a request sent while the VIP is nowhere waits for ARP and succeeds once
 * the peer's gratuitous ARP arrives, so its send time would end the outage too early.
 * When nothing answered after the last failure, the outage lasts until the last request
 * of the whole series.
 */
export function phaseOutage(samples: readonly ProbeSample[], fromMs: number, toMs: number = Number.POSITIVE_INFINITY): PhaseResult {
  const sorted = [...samples].sort((a, b) => a.sentMs - b.sentMs || a.seq - b.seq);
  const inPhase = sorted.filter((s) => s.sentMs >= fromMs && s.sentMs < toMs);
  const failures = inPhase.filter((s) => !s.ok);
  if (failures.length === 0) return { outage_ms: 0, failed_requests: 0 };
  const first = failures[0]!;
  const last = failures[failures.length - 1]!;
  const recovered = firstAnswer(sorted.filter((s) => s.ok && s.sentMs > last.sentMs));
  const end = recovered ? recovered.doneMs : sorted[sorted.length - 1]!.sentMs;
  return { outage_ms: Math.max(0, Math.round(end - first.sentMs)), failed_requests: failures.length };
}

/** The sample whose answer arrived first. */
export function firstAnswer(samples: readonly ProbeSample[]): ProbeSample | null {
  let best: ProbeSample | null = null;
  for (const s of samples) if (!best || s.doneMs < best.doneMs) best = s;
  return best;
}

/** The first sample matching `pred` sent at or after `fromMs` (in send order). */
export function firstSample(samples: readonly ProbeSample[], fromMs: number, pred: (s: ProbeSample) => boolean): ProbeSample | null {
  let best: ProbeSample | null = null;
  for (const s of samples) {
    if (s.sentMs < fromMs || !pred(s)) continue;
    if (!best || s.sentMs < best.sentMs || (s.sentMs === best.sentMs && s.seq < best.seq)) best = s;
  }
  return best;
}

export function lastSample(samples: readonly ProbeSample[], pred: (s: ProbeSample) => boolean): ProbeSample | null {
  let best: ProbeSample | null = null;
  for (const s of samples) {
    if (!pred(s)) continue;
    if (!best || s.sentMs > best.sentMs || (s.sentMs === best.sentMs && s.seq > best.seq)) best = s;
  }
  return best;
}

/** Who answered most recently before `beforeMs` (the VIP's owner as a client sees it). */
export function responderAt(samples: readonly ProbeSample[], beforeMs: number): Responder | null {
  return lastSample(samples.filter((s) => s.sentMs < beforeMs), (s) => s.ok)?.responder ?? null;
}
