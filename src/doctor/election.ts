/**
 * Who holds the VIP, simulated from configuration alone. Pure: no I/O, no messages. The
 * node check feeds this node's config plus the peer's advertised priority; pair mode can
 * feed two full configs.
 *
 * keepalived semantics used (reference §2.2-§2.4, §3.4):
 * - a tracked script with weight 0 (or none) that fails puts the instance in FAULT: it
 *   sends priority 0 and cannot hold the VIP;
 * - weight < 0 is added while the script fails, weight > 0 while it succeeds; `reverse`
 *   flips when the weight applies;
 * - the effective priority is clamped to 1..254; an address owner (base 255) ignores
 *   weighted scripts altogether (they are removed at start), not weight-0 ones;
 * - a backup takes over from a master only with a strictly higher priority (equal
 *   priorities do not preempt a running master) and only without an effective nopreempt;
 * - nopreempt is cleared on `state MASTER` and on priority 255.
 */
import { PRIORITY_OWNER, PRIORITY_RANGE } from '../keepalived/ranges.js';
import { effectiveState, type KeepalivedConfig, type VrrpInstance } from '../keepalived/model.js';

export interface ElectionScript {
  name: string;
  /** 0: a failure means FAULT. */
  weight: number;
  reverse: boolean;
}

export interface ElectionNode {
  name: string;
  /** Base priority as keepalived uses it (255 when implied by `state MASTER` without priority). */
  priority: number;
  /** `state MASTER` */
  wantsMaster: boolean;
  /** nopreempt as written (see nopreemptEffective). */
  nopreempt: boolean;
  /** Tracked scripts that keepalived keeps (defined ones). */
  scripts: ElectionScript[];
  /** false: the node's scripts are not known (a peer seen only on the wire); it is assumed healthy. */
  scriptsKnown: boolean;
  /** Used to break ties between equal priorities (the higher address wins); null when unknown. */
  address: string | null;
}

export type Effective = number | 'FAULT';

export interface ElectionOutcome {
  /** Scripts failing in this combination, per node. */
  failed: Record<string, string[]>;
  effective: Record<string, Effective>;
  /** Who holds the VIP, starting from the healthy holder; null: nobody (all in FAULT), or a tie. */
  holder: string | null;
}

export interface Adjustment {
  script: string;
  weight: number;
}

export type ElectionProblem =
  /** `node` keeps the VIP with all its checks failing while `other` is healthy. */
  | {
      kind: 'vip-stays';
      node: string;
      /** The scripts failing in this scenario. */
      failed: string[];
      base: number;
      adjustments: Adjustment[];
      effective: number;
      other: string;
      otherPriority: number;
      /** Why it stays: the weights are too small, the other side has nopreempt, or the owner ignores weights. */
      reason: 'weight-too-small' | 'nopreempt' | 'owner';
    }
  /** Nothing tracks the service on `node`: if it dies there, the VIP does not move. */
  | { kind: 'untracked'; node: string }
  /** nopreempt on `node` is ignored by keepalived (state MASTER or priority 255). */
  | { kind: 'nopreempt-ignored'; node: string; because: 'state-master' | 'owner' };

export interface ElectionResult {
  /** Who holds the VIP when every check passes; null on a tie or when nobody can. */
  steadyHolder: string | null;
  outcomes: ElectionOutcome[];
  problems: ElectionProblem[];
}

/** At most this many scripts in total are combined (2^n outcomes). */
const MAX_COMBINED_SCRIPTS = 10;

export function nopreemptEffective(node: ElectionNode): boolean {
  return node.nopreempt && !node.wantsMaster && node.priority !== PRIORITY_OWNER;
}

/** The priority keepalived advertises for `node` with the scripts in `failed` failing. */
export function effectivePriority(node: ElectionNode, failed: ReadonlySet<string>): Effective {
  const owner = node.priority === PRIORITY_OWNER;
  let p = node.priority;
  for (const s of node.scripts) {
    const ok = !failed.has(s.name);
    if (s.weight === 0) {
      if (!ok) return 'FAULT';
      continue;
    }
    if (owner) continue;
    const appliesWhenOk = s.reverse ? s.weight < 0 : s.weight > 0;
    if (appliesWhenOk === ok) p += s.weight;
  }
  if (owner) return PRIORITY_OWNER;
  return Math.min(PRIORITY_RANGE.max, Math.max(PRIORITY_RANGE.min, p));
}

function addressKey(address: string | null): number[] | null {
  if (!address) return null;
  const parts = address.split('/')[0]!.split('.').map(Number);
  return parts.length === 4 && parts.every((n) => Number.isInteger(n)) ? parts : null;
}

function higherAddress(a: ElectionNode, b: ElectionNode): number {
  const ka = addressKey(a.address);
  const kb = addressKey(b.address);
  if (!ka || !kb) return 0;
  for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}

/** A fresh election (nobody holds the VIP yet): highest priority, then highest address. */
function freshElection(nodes: ElectionNode[], eff: Record<string, Effective>): string | null {
  const eligible = nodes.filter((n) => eff[n.name] !== 'FAULT');
  if (eligible.length === 0) return null;
  eligible.sort((a, b) => (eff[b.name] as number) - (eff[a.name] as number) || higherAddress(b, a));
  const [first, second] = eligible;
  if (second && eff[first!.name] === eff[second.name] && higherAddress(first!, second) === 0) return null;
  return first!.name;
}

/** Who holds the VIP after the change, when `current` held it before. */
function nextHolder(nodes: ElectionNode[], eff: Record<string, Effective>, current: string | null): string | null {
  const holder = current === null ? undefined : nodes.find((n) => n.name === current);
  if (!holder || eff[holder.name] === 'FAULT') return freshElection(nodes, eff);
  const mine = eff[holder.name] as number;
  const challengers = nodes.filter((n) => n !== holder && eff[n.name] !== 'FAULT' && (eff[n.name] as number) > mine && !nopreemptEffective(n));
  if (challengers.length === 0) return holder.name;
  return freshElection(challengers, eff);
}

function effectiveAll(nodes: ElectionNode[], failed: Record<string, string[]>): Record<string, Effective> {
  return Object.fromEntries(nodes.map((n) => [n.name, effectivePriority(n, new Set(failed[n.name] ?? []))]));
}

/** The weights keepalived adds to `node`'s base priority with `failed` failing, in config order. */
export function appliedWeights(node: ElectionNode, failed: ReadonlySet<string>): Adjustment[] {
  return node.scripts
    .filter((s) => s.weight !== 0 && (s.reverse ? s.weight < 0 : s.weight > 0) === !failed.has(s.name))
    .map((s) => ({ script: s.name, weight: s.weight }));
}

export function simulateElection(nodes: ElectionNode[]): ElectionResult {
  const healthy = effectiveAll(nodes, {});
  const steadyHolder = freshElection(nodes, healthy);

  // Every combination of script results (bounded), starting from the healthy holder.
  const slots = nodes.flatMap((n) => n.scripts.map((s) => ({ node: n.name, script: s.name }))).slice(0, MAX_COMBINED_SCRIPTS);
  const outcomes: ElectionOutcome[] = [];
  for (let mask = 0; mask < 1 << slots.length; mask++) {
    const failed: Record<string, string[]> = {};
    slots.forEach((slot, i) => {
      if (mask & (1 << i)) (failed[slot.node] ??= []).push(slot.script);
    });
    const effective = effectiveAll(nodes, failed);
    outcomes.push({ failed, effective, holder: nextHolder(nodes, effective, steadyHolder) });
  }

  const problems: ElectionProblem[] = [];
  for (const n of nodes) {
    if (n.nopreempt && (n.wantsMaster || n.priority === PRIORITY_OWNER)) {
      problems.push({ kind: 'nopreempt-ignored', node: n.name, because: n.priority === PRIORITY_OWNER ? 'owner' : 'state-master' });
    }
  }
  for (const n of nodes) {
    if (!n.scriptsKnown) continue;
    if (n.scripts.length === 0) {
      problems.push({ kind: 'untracked', node: n.name });
      continue;
    }
    // n holds the VIP (naturally, or after a failover) and its checks fail (all of them,
    // then each one alone); everybody else is healthy. Does the VIP leave n?
    const scenarios = n.scripts.length > 1 ? [n.scripts, ...n.scripts.map((x) => [x])] : [n.scripts];
    for (const failing of scenarios) {
      const failedNames = failing.map((x) => x.name);
      const eff = effectiveAll(nodes, { [n.name]: failedNames });
      if (eff[n.name] === 'FAULT') continue;
      const others = nodes.filter((o) => o !== n);
      if (others.length === 0) continue;
      if (nextHolder(nodes, eff, n.name) !== n.name) continue;
      const priorityOf = (o: ElectionNode) => (healthy[o.name] === 'FAULT' ? 0 : (healthy[o.name] as number));
      const best = others.slice().sort((a, b) => priorityOf(b) - priorityOf(a))[0]!;
      const bestPriority = priorityOf(best);
      const mine = eff[n.name] as number;
      const reason: 'weight-too-small' | 'nopreempt' | 'owner' =
        n.priority === PRIORITY_OWNER ? 'owner' : bestPriority > mine && nopreemptEffective(best) ? 'nopreempt' : 'weight-too-small';
      problems.push({ kind: 'vip-stays', node: n.name, failed: failedNames, base: n.priority, adjustments: n.priority === PRIORITY_OWNER ? [] : appliedWeights(n, new Set(failedNames)), effective: mine, other: best.name, otherPriority: bestPriority, reason });
    }
  }
  return { steadyHolder, outcomes, problems };
}

/** "150 - 20 = 130": the arithmetic behind a vip-stays problem. */
export function formatArithmetic(p: Extract<ElectionProblem, { kind: 'vip-stays' }>): string {
  const terms = p.adjustments.map((a) => (a.weight < 0 ? ` - ${-a.weight}` : ` + ${a.weight}`)).join('');
  return terms ? `${p.base}${terms} = ${p.effective}` : `${p.effective}`;
}

/**
 * The ElectionNode keepalived makes of one vrrp_instance: priority implied by state,
 * track_script weights (the track_script entry's weight overrides the vrrp_script's),
 * undefined scripts dropped.
 */
export function electionNodeFromConfig(name: string, config: KeepalivedConfig, instance: VrrpInstance, address: string | null = null): ElectionNode {
  const state = effectiveState(instance);
  const priority = instance.priority ?? (state === 'MASTER' ? PRIORITY_OWNER : 100);
  const scripts: ElectionScript[] = [];
  for (const entry of instance.trackScript) {
    const def = config.vrrpScripts.find((s) => s.name === entry.name);
    if (!def) continue;
    scripts.push({ name: entry.name, weight: entry.weight ?? def.weight ?? 0, reverse: entry.reverse || def.weightReverse });
  }
  return { name, priority, wantsMaster: state === 'MASTER', nopreempt: instance.nopreempt, scripts, scriptsKnown: true, address };
}

/** Who holds the VIP after the scripts in `failed` (per node) fail, starting from the healthy holder. */
export function holderAfter(nodes: ElectionNode[], failed: Record<string, string[]>): string | null {
  const steady = freshElection(nodes, effectiveAll(nodes, {}));
  return nextHolder(nodes, effectiveAll(nodes, failed), steady);
}

/** One node as the VIP-placement question sees it: its name, its config, its address (for ties). */
export interface PlacementNode {
  name: string;
  config: KeepalivedConfig;
  address?: string | null;
}

/** Where one VIP is, with every check passing and when nginx dies on each node. */
export interface VipPlacement {
  vip: string;
  /** The instance that carries it ("VI_2"; "VI_2/VI_B" when the nodes name it differently). */
  instance: string;
  /** Who holds it with every check passing; null: nobody (a tie, or nobody can). */
  holder: string | null;
  /**
   * Who holds it when nginx dies on a node: every script that node's instance tracks fails
   * (ha-setup's chk_nginx, weight 0, shared by both instances of a dual-master node, puts
   * both in FAULT at once). A node without the instance leaves it where it was.
   */
  whenNginxDies: Record<string, string | null>;
}

/**
 * Every VIP of every instance of the nodes, and where it goes: instances are matched
 * across the nodes by name, else by VRID; a node lacking an instance never holds its VIPs.
 */
export function vipPlacements(nodes: readonly PlacementNode[]): VipPlacement[] {
  const groups: Array<{ name: string; members: Array<{ node: PlacementNode; instance: VrrpInstance }> }> = [];
  for (const node of nodes) {
    for (const instance of node.config.vrrpInstances) {
      const free = groups.filter((g) => !g.members.some((m) => m.node === node));
      const group =
        free.find((g) => g.members.some((m) => m.instance.name === instance.name)) ??
        (instance.virtualRouterId === null ? undefined : free.find((g) => g.members.some((m) => m.instance.virtualRouterId === instance.virtualRouterId)));
      if (group) {
        group.members.push({ node, instance });
        if (!group.name.split('/').includes(instance.name)) group.name = `${group.name}/${instance.name}`;
      } else groups.push({ name: instance.name, members: [{ node, instance }] });
    }
  }
  const out: VipPlacement[] = [];
  for (const g of groups) {
    const election = g.members.map((m) => electionNodeFromConfig(m.node.name, m.node.config, m.instance, m.node.address ?? null));
    const holder = simulateElection(election).steadyHolder;
    const whenNginxDies = Object.fromEntries(
      nodes.map((n) => {
        const e = election.find((x) => x.name === n.name);
        return [n.name, e ? holderAfter(election, { [n.name]: e.scripts.map((s) => s.name) }) : holder];
      }),
    );
    const vips = [...new Set(g.members.flatMap((m) => m.instance.virtualIpaddress.map((v) => v.address)))];
    for (const vip of vips) out.push({ vip, instance: g.name, holder, whenNginxDies });
  }
  return out;
}

/**
 * The other node of a pair as this config implies it, when its own config is not at hand:
 * every instance with the other role and ha-setup's priority for it, tracking the same
 * scripts (what setup writes on the peer, a dual-master's mirror included).
 */
export function mirroredConfig(config: KeepalivedConfig, priorities: { master: number; backup: number }): KeepalivedConfig {
  return {
    ...config,
    vrrpInstances: config.vrrpInstances.map((i) => {
      const master = effectiveState(i) === 'MASTER';
      return { ...i, state: master ? 'BACKUP' : 'MASTER', priority: master ? priorities.backup : priorities.master };
    }),
  };
}
