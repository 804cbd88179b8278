/**
 * What a pair check may ask: both nodes' DoctorContexts (each lazily filled, shared with
 * that node's own checks) and what only a view of both can measure (their clocks).
 */
import type { DoctorContext } from './context.js';
import type { VrrpInstance, KeepalivedConfig } from '../keepalived/model.js';
import { configuredInstances, instanceContext, matchInstances, matchedName, type CheckUnit } from './instances.js';

export interface PairLabels {
  a: string;
  b: string;
}

export interface ClockReading {
  /** b's clock minus a's, in ms, corrected for the round trips. */
  offsetMs: number;
  /** The uncertainty: half the longer round trip. */
  uncertaintyMs: number;
}

export interface PairContext {
  readonly a: DoctorContext;
  readonly b: DoctorContext;
  readonly labels: PairLabels;
  /** The instance this view of the pair is about, when the nodes have several (see pairUnits). */
  readonly instance?: string;
  /** null when a node's clock could not be read. */
  clock(): Promise<ClockReading | null>;
}

/** One node's config and first vrrp_instance, or null. */
export interface NodeInstance {
  label: string;
  config: KeepalivedConfig;
  instance: VrrpInstance;
}

export async function nodeInstance(ctx: DoctorContext, label: string): Promise<NodeInstance | null> {
  const [loaded, instance] = await Promise.all([ctx.config(), ctx.instance()]);
  return loaded && instance ? { label, config: loaded.parsed.config, instance } : null;
}

/** Both nodes' instances; null when either has none (the node checks say why). */
export async function bothInstances(p: PairContext): Promise<[NodeInstance, NodeInstance] | null> {
  const [a, b] = await Promise.all([nodeInstance(p.a, p.labels.a), nodeInstance(p.b, p.labels.b)]);
  return a && b ? [a, b] : null;
}

/**
 * Where a pair check runs: once, or for a per-instance check when either node has several
 * instances, once per pair of matching instances (by name, else by VRID), each node seen
 * through its own instance. An instance without a counterpart gets a unit too, the other
 * node's side without an instance: the checks say so for that instance.
 */
export async function pairUnits(p: PairContext, perInstance: boolean): Promise<CheckUnit<PairContext>[]> {
  if (!perInstance) return [{ ctx: p, instance: null }];
  const [ia, ib] = await Promise.all([configuredInstances(p.a), configuredInstances(p.b)]);
  if (ia.length <= 1 && ib.length <= 1) return [{ ctx: p, instance: null }];
  return matchInstances(ia, ib).map(([x, y]) => {
    const name = matchedName(x, y);
    // A node without the instance: a context whose instance() is null, kept apart from its real ones.
    const side = (ctx: DoctorContext, i: VrrpInstance | null) => instanceContext(ctx, i, i ? i.name : `\0${name}`);
    return { ctx: { ...p, a: side(p.a, x), b: side(p.b, y), instance: name }, instance: name };
  });
}

/** The time on a node, in ms since the epoch, and how long asking took. */
async function readClock(ctx: DoctorContext): Promise<{ atMs: number; sentMs: number; rttMs: number } | null> {
  const sentMs = Date.now();
  const r = await ctx.host.exec('date', ['+%s%N'], { why: 'compare the nodes\' clocks', timeoutMs: 10_000 }).catch(() => null);
  const rttMs = Date.now() - sentMs;
  if (!r || r.exitCode !== 0 || !/^\d{10,}$/.test(r.stdout.trim())) return null;
  return { atMs: Number(BigInt(r.stdout.trim()) / 1_000_000n), sentMs, rttMs };
}

/**
 * The reading with the shortest round trip of a few: the first one over ssh may include the
 * login, which happens before the command runs, so "halfway" would be seconds off.
 */
async function quickestClock(ctx: DoctorContext, tries = 3): Promise<{ atMs: number; sentMs: number; rttMs: number } | null> {
  let best: Awaited<ReturnType<typeof readClock>> = null;
  for (let i = 0; i < tries; i++) {
    const r = await readClock(ctx);
    if (r && (!best || r.rttMs < best.rttMs)) best = r;
  }
  return best;
}

/** b - a: each reading is taken as made halfway through its round trip. */
export function clockOffset(a: { atMs: number; sentMs: number; rttMs: number }, b: { atMs: number; sentMs: number; rttMs: number }): ClockReading {
  const skewA = a.atMs - (a.sentMs + a.rttMs / 2);
  const skewB = b.atMs - (b.sentMs + b.rttMs / 2);
  return { offsetMs: Math.round(skewB - skewA), uncertaintyMs: Math.round(Math.max(a.rttMs, b.rttMs) / 2) };
}

export function createPairContext(a: DoctorContext, b: DoctorContext, labels: PairLabels): PairContext {
  let clock: Promise<ClockReading | null> | undefined;
  return {
    a,
    b,
    labels,
    clock: () =>
      (clock ??= (async () => {
        // One after the other: concurrent round trips would share (and blur) the timing.
        const ra = await quickestClock(a);
        const rb = await quickestClock(b);
        return ra && rb ? clockOffset(ra, rb) : null;
      })()),
  };
}
