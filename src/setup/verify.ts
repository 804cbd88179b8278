/**
 * After apply: is keepalived running, in which VRRP state, and does this node hold the
 * VIP as it should? A MASTER takes about 3 advert intervals plus its skew time to claim
 * the VIP (lab-facts.md: ~3.4 s with advert_int 1), so we wait a little longer than that.
 * One node is verified alone; a pair is verified as one system: exactly one MASTER.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import type { Answers } from './answers.js';
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

/** Does the node hold every VIP of its instance (they move together)? */
export async function holdsVips(host: Host, answers: Answers): Promise<boolean> {
  const held = await Promise.all([answers.vip, ...answers.extraVips].map((v) => holdsAddress(host, answers.interface, v.split('/')[0]!)));
  return held.every(Boolean);
}

export function lastState(lines: string[]): Verification['state'] {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /Entering (MASTER|BACKUP|FAULT) STATE/.exec(lines[i]!);
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
export function vrrpState(lines: string[], running: boolean, holdsVip: boolean): Verification['state'] {
  return lastState(lines) ?? (running ? (holdsVip ? 'MASTER' : 'BACKUP') : null);
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
  /** Per node, in the order given: keepalived running, VRRP state from its log, VIP held. */
  nodes: Array<{ label: string; running: boolean; state: 'MASTER' | 'BACKUP' | 'FAULT' | null; holdsVip: boolean }>;
  /** Exactly one node holds the VIP and is MASTER, the other is BACKUP. */
  ok: boolean;
  vipHolder: string | null;
  timedOut: boolean;
  waitedMs: number;
}

/**
 * Exactly one node holds the VIP and says MASTER, the other says BACKUP. Waits up to
 * 3 advert intervals plus a margin: the MASTER needs ~3.5 s to claim the VIP.
 */
export async function verifyPair(nodes: readonly ClusterNode[], answers: readonly Answers[], timeoutMs?: number): Promise<PairVerification> {
  const a = answers[0]!;
  const limit = timeoutMs ?? (3 * a.advertInt + 6) * 1000;
  const started = Date.now();
  for (;;) {
    const seen = await Promise.all(
      nodes.map(async (n, i) => {
        const [running, held, logs] = await Promise.all([
          n.services.isActive('keepalived'),
          holdsVips(n.factsHost, answers[i]!),
          n.services.recentLogs('keepalived', STATE_LOG_LINES),
        ]);
        return { label: n.label, running, state: vrrpState(logs, running, held), holdsVip: held };
      }),
    );
    const holders = seen.filter((s) => s.holdsVip);
    const ok = holders.length === 1 && holders[0]!.state === 'MASTER' && seen.filter((s) => s !== holders[0]).every((s) => s.running && s.state === 'BACKUP');
    const waitedMs = Date.now() - started;
    if (ok || waitedMs > limit) {
      return { nodes: seen, ok, vipHolder: holders.length === 1 ? holders[0]!.label : null, timedOut: !ok, waitedMs };
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
