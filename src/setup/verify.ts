/**
 * After apply: is keepalived running, in which VRRP state, and does this node hold the
 * VIP as it should? A MASTER takes about 3 advert intervals plus its skew time to claim
 * the VIP (lab-facts.md: ~3.4 s with advert_int 1), so we wait a little longer than that.
 * One node is verified alone; a pair is verified as one system: exactly one MASTER.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { otherRole, type Answers } from './answers.js';
import { DEFAULTS } from '../defaults.js';
import type { ClusterNode } from '../nodes/types.js';

export interface Verification {
  running: boolean;
  holdsVip: boolean;
  /** The last "Entering X STATE" in keepalived's log, when the log is readable. */
  state: 'MASTER' | 'BACKUP' | 'FAULT' | null;
  /** Waited the full time without reaching the expected state. */
  timedOut: boolean;
  waitedMs: number;
}

export async function holdsAddress(host: Host, iface: string, address: string): Promise<boolean> {
  const r = await host.exec('ip', ['-j', 'addr', 'show', 'dev', iface]);
  if (r.exitCode !== 0) return false;
  try {
    const list = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
    return list.some((l) => (l.addr_info ?? []).some((a) => a.local === address));
  } catch {
    return false;
  }
}

/** One VRRP instance the answers make, with this node's role in it and its VIPs (addresses). */
export interface InstanceView {
  name: string;
  role: Answers['role'];
  vips: string[];
}

/** The instances the answers make: one, or two in active-active (the second with the other role). */
export function answerInstances(answers: Answers): InstanceView[] {
  const bare = (list: readonly string[]) => list.map((v) => v.split('/')[0]!);
  const first = { name: DEFAULTS.instanceName, role: answers.role, vips: bare([answers.vip, ...answers.extraVips]) };
  if (answers.mode !== 'active-active') return [first];
  return [first, { name: DEFAULTS.secondInstanceName, role: otherRole(answers.role), vips: bare(answers.secondVips) }];
}

/** Does the node hold every VIP of the instance (they move together)? By default the first instance. */
export async function holdsVips(host: Host, answers: Answers, instance: InstanceView = answerInstances(answers)[0]!): Promise<boolean> {
  const held = await Promise.all(instance.vips.map((v) => holdsAddress(host, answers.interface, v)));
  return held.every(Boolean);
}

/**
 * The last state keepalived logged; with `instance`, of that instance only (1.x writes
 * "VRRP_Instance(VI_1) Entering ...", 2.x "(VI_1) Entering ...").
 */
export function lastState(lines: string[], instance: string | null = null): Verification['state'] {
  const pattern = instance === null ? /Entering (MASTER|BACKUP|FAULT) STATE/ : new RegExp(`\\(${instance.replace(/\W/g, '\\$&')}\\) Entering (MASTER|BACKUP|FAULT) STATE`);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = pattern.exec(lines[i]!);
    if (m) return m[1] as Verification['state'];
  }
  return null;
}

/** How many log lines are searched for the last state change. */
export const STATE_LOG_LINES = 500;

/**
 * The node's VRRP state: the last state change keepalived logged; when none is left in the
 * window (a reload logs none, and a long-running master's log fills with gratuitous ARP
 * refreshes), what the node does: a running keepalived holding the VIP is the MASTER, one
 * without it a BACKUP.
 */
export function vrrpState(lines: string[], running: boolean, holdsVip: boolean, instance: string | null = null): Verification['state'] {
  return lastState(lines, instance) ?? (running ? (holdsVip ? 'MASTER' : 'BACKUP') : null);
}

export async function verifySetup(host: Host, services: ServiceControl, answers: Answers, timeoutMs?: number): Promise<Verification> {
  const limit = timeoutMs ?? (3 * answers.advertInt + 3) * 1000;
  const started = Date.now();
  let v: Verification = { running: false, holdsVip: false, state: null, timedOut: false, waitedMs: 0 };
  for (;;) {
    const running = await services.isActive('keepalived');
    const holdsVip = await holdsVips(host, answers);
    const state = vrrpState(await services.recentLogs('keepalived', STATE_LOG_LINES), running, holdsVip);
    v = { running, holdsVip, state, timedOut: false, waitedMs: Date.now() - started };
    const settled = !running || state === 'FAULT' || (answers.role === 'MASTER' && !answers.nopreempt ? holdsVip && state === 'MASTER' : state === 'BACKUP' || state === 'MASTER');
    if (settled) return v;
    if (Date.now() - started > limit) return { ...v, timedOut: true };
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface PairVerification {
  /** Per node, in the order given: keepalived running, VRRP state from its log, VIP held (of the first instance). */
  nodes: Array<{ label: string; running: boolean; state: 'MASTER' | 'BACKUP' | 'FAULT' | null; holdsVip: boolean }>;
  /** Every instance holds its VIPs on exactly one node, which is its MASTER, the other its BACKUP. */
  ok: boolean;
  /** The first instance's holder. */
  vipHolder: string | null;
  /** Per instance (one, or two in active-active): who holds its VIPs. */
  instances: Array<{ name: string; vips: string[]; vipHolder: string | null; ok: boolean }>;
  timedOut: boolean;
  waitedMs: number;
}

/**
 * For each instance, exactly one node holds its VIPs and says MASTER for it, the other says
 * BACKUP. Waits up to 3 advert intervals plus a margin: the MASTER needs ~3.5 s to claim the VIP.
 */
export async function verifyPair(nodes: readonly ClusterNode[], answers: readonly Answers[], timeoutMs?: number): Promise<PairVerification> {
  const a = answers[0]!;
  const limit = timeoutMs ?? (3 * a.advertInt + 6) * 1000;
  const started = Date.now();
  const instances = answerInstances(a);
  const named = instances.length > 1;
  for (;;) {
    const seen = await Promise.all(
      nodes.map(async (n, i) => {
        const mine = answerInstances(answers[i]!);
        const [running, held, logs] = await Promise.all([
          n.services.isActive('keepalived'),
          Promise.all(mine.map((inst) => holdsVips(n.factsHost, answers[i]!, inst))),
          n.services.recentLogs('keepalived', STATE_LOG_LINES),
        ]);
        const states = mine.map((inst, k) => vrrpState(logs, running, held[k]!, named ? inst.name : null));
        return { label: n.label, running, held, states };
      }),
    );
    const perInstance = instances.map((inst, k) => {
      const holders = seen.filter((s) => s.held[k]);
      // With preemption the instance settles on its highest priority: a reload can leave the
      // VIP on the other node for a few adverts (in dual-master, the node reloaded first
      // holds the second instance until the other node has it too), which is not the end.
      const priorities = answers.map((x) => (k === 0 ? x.priority : (x.secondPriority ?? 0)));
      const preferred = seen[priorities.indexOf(Math.max(...priorities))]!;
      const settledWhere = a.nopreempt || holders[0] === preferred;
      const ok = holders.length === 1 && settledWhere && holders[0]!.states[k] === 'MASTER' && seen.filter((s) => s !== holders[0]).every((s) => s.running && s.states[k] === 'BACKUP');
      return { name: inst.name, vips: inst.vips, vipHolder: holders.length === 1 ? holders[0]!.label : null, ok };
    });
    const ok = perInstance.every((p) => p.ok);
    const waitedMs = Date.now() - started;
    if (ok || waitedMs > limit) {
      const view = seen.map((s) => ({ label: s.label, running: s.running, state: s.states[0]!, holdsVip: s.held[0]! }));
      return { nodes: view, ok, vipHolder: perInstance[0]!.vipHolder, instances: perInstance, timedOut: !ok, waitedMs };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function isPairVerification(v: Verification | PairVerification): v is PairVerification {
  return 'nodes' in v;
}

/** Did the nodes end as they should: a pair with one MASTER, one node running and settled. */
export function verified(v: Verification | PairVerification): boolean {
  return isPairVerification(v) ? v.ok : v.running && !v.timedOut;
}
