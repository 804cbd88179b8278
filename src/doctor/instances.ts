/**
 * A config with several vrrp_instances (dual-master: VI_1 and VI_2 on one interface, each
 * with its own VIPs): the checks stay written against one instance, and the runner runs a
 * check marked `perInstance` once per instance, each time with a context whose
 * `instance()` is that one. Everything else (facts, config, the one capture, dumps, logs)
 * is the node's own context, shared: a per-instance context only answers `instance()`
 * differently. One context per instance and node, so that what a check memoizes per
 * context (wire/pair.ts) is shared by the checks of one instance and kept apart between
 * instances.
 */
import type { DoctorContext } from './context.js';
import type { VrrpInstance } from '../keepalived/model.js';

/** What the runner runs a check on: the node's context, or one instance's; `instance` names it in the report. */
export interface CheckUnit<C> {
  ctx: C;
  /** null: the check is about the whole node (or the config has one instance: reported as always). */
  instance: string | null;
}

const derived = new WeakMap<DoctorContext, Map<string, DoctorContext>>();
const parents = new WeakMap<DoctorContext, DoctorContext>();

/** `ctx` seen through one instance (null: a node of a pair that lacks the instance). */
export function instanceContext(ctx: DoctorContext, instance: VrrpInstance | null, key = instance?.name ?? ''): DoctorContext {
  const base = baseContext(ctx);
  let byName = derived.get(base);
  if (!byName) derived.set(base, (byName = new Map()));
  let c = byName.get(key);
  if (!c) {
    c = { ...base, instance: async () => instance };
    byName.set(key, c);
    parents.set(c, base);
  }
  return c;
}

/** The node's own context behind a per-instance one (itself when it is the node's). */
export function baseContext(ctx: DoctorContext): DoctorContext {
  return parents.get(ctx) ?? ctx;
}

/** Every vrrp_instance of the node's config, in config order; none without a readable config. */
export async function configuredInstances(ctx: DoctorContext): Promise<VrrpInstance[]> {
  const loaded = await ctx.config().catch(() => null);
  return loaded?.parsed.config.vrrpInstances ?? [];
}

/**
 * Where a check runs on a node: once on the node, or for a per-instance check on a config
 * with several instances once per instance. With one instance (or none) it is the node's
 * context as it always was, so such a report reads exactly as before.
 */
export async function nodeUnits(ctx: DoctorContext, perInstance: boolean): Promise<CheckUnit<DoctorContext>[]> {
  const list = perInstance ? await configuredInstances(ctx) : [];
  if (list.length <= 1) return [{ ctx, instance: null }];
  return list.map((i) => ({ ctx: instanceContext(ctx, i), instance: i.name }));
}

/** A check's report as text names it: its id, and the instance it is about when there are several (`vip-placement [VI_2]`). */
export function checkName(c: { id: string; instance?: string }): string {
  return c.instance === undefined ? c.id : `${c.id} [${c.instance}]`;
}

/** The largest advert_int of the instances (seconds; null: none names one): the shared capture lasts for it. */
export function largestAdvertInt(instances: readonly VrrpInstance[]): number | null {
  const set = instances.map((i) => i.advertInt).filter((a): a is number => a !== null);
  return set.length ? Math.max(...set) : null;
}

/**
 * The instances of two nodes paired up: by name, else by virtual_router_id; what is left
 * over on either side has no counterpart (the other node would never take its VIPs).
 */
export function matchInstances(a: readonly VrrpInstance[], b: readonly VrrpInstance[]): Array<[VrrpInstance | null, VrrpInstance | null]> {
  const left = [...b];
  const take = (pred: (x: VrrpInstance) => boolean): VrrpInstance | null => {
    const i = left.findIndex(pred);
    return i < 0 ? null : left.splice(i, 1)[0]!;
  };
  const byName = a.map((x) => take((y) => y.name === x.name));
  const pairs: Array<[VrrpInstance | null, VrrpInstance | null]> = a.map((x, i) => [x, byName[i] ?? (x.virtualRouterId === null ? null : take((y) => y.virtualRouterId === x.virtualRouterId))]);
  for (const y of left) pairs.push([null, y]);
  return pairs;
}

/** The name a matched pair of instances is reported under ("VI_2", or "VI_2/VI_B" when the nodes name it differently). */
export function matchedName(a: VrrpInstance | null, b: VrrpInstance | null): string {
  if (a && b) return a.name === b.name ? a.name : `${a.name}/${b.name}`;
  return (a ?? b)!.name;
}
