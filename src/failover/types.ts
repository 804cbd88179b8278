/**
 * The vocabulary of a failover test: what was done (mode), what was seen (events, probe
 * samples) and what it amounts to (the report). Plain data only, so the report can be
 * rebuilt from a recording in tests.
 */

/**
 * drain: set the maintenance flag the check script honours; nginx / keepalived: stop that
 * service; crash: the master dies without a word (keepalived killed with SIGKILL, its VIPs
 * removed), as a host does when it loses power or its cable.
 */
export type FailoverMode = 'drain' | 'nginx' | 'keepalived' | 'crash';
export const FAILOVER_MODES: readonly FailoverMode[] = ['drain', 'nginx', 'keepalived', 'crash'];

/** The service a mode stops (and restore starts again); drain stops none. */
export function serviceOf(mode: FailoverMode): 'nginx' | 'keepalived' | null {
  return mode === 'drain' ? null : mode === 'crash' ? 'keepalived' : mode;
}

export type FailoverEventName =
  | 'probe-started'
  | 'fault-injected'
  | 'check-failed'
  | 'state-change'
  | 'priority-zero-sent'
  | 'vip-released'
  | 'first-failed-request'
  | 'first-peer-answer'
  | 'fault-removed'
  | 'check-recovered'
  | 'vip-back'
  | 'first-answer-here'
  | 'last-failed-request'
  | 'timeout'
  | 'interrupted'
  | 'restored'
  | 'restore-failed';

export interface FailoverEvent {
  /** Milliseconds since the test started (the probe's clock). */
  t_ms: number;
  event: FailoverEventName;
  detail: string;
}

/** Who answered a request for the VIP. */
export type Responder = 'self' | 'peer' | 'unknown';

/** One request of the prober. Times in ms since the test started. */
export interface ProbeSample {
  seq: number;
  sentMs: number;
  doneMs: number;
  ok: boolean;
  /** Set when ok. */
  responder: Responder | null;
  status: number | null;
  /** Set when not ok: ECONNREFUSED, timeout, EHOSTUNREACH... */
  error: string | null;
}

export interface PhaseResult {
  /** From the first failed request to the first answered request after the last failure; 0 when none failed. */
  outage_ms: number;
  failed_requests: number;
}

/** What a client of one VIP saw. */
export interface VipOutage {
  vip: string;
  failover: PhaseResult & { new_owner: string | null };
  failback: PhaseResult;
  within_bound: boolean;
  requests: number;
}

export interface FailoverReport {
  mode: FailoverMode;
  vip: string;
  peer: string;
  events: FailoverEvent[];
  failover: PhaseResult & { new_owner: string | null };
  failback: PhaseResult;
  owner_before: string | null;
  owner_after: string | null;
  expected_bound_ms: number;
  /** How the bound was computed, in words (English formula, not translated: it is data). */
  bound_basis: string;
  /** The failover happened and its outage did not exceed the bound (plus the probe's resolution). */
  within_bound: boolean;
  restored: boolean;
  probe_interval_ms: number;
  requests: number;
  /** Why the run failed (timeout, interrupted, failover never seen), null when it did not. */
  failure: string | null;
  /** One entry per VIP the client watched (the first is `vip`): its own outage in each phase. */
  vips: VipOutage[];
  /** Not restored: what the node still holds, the command that undoes it there, when its watchdog does. */
  pending?: { undo: string; watchdog_deadline: string | null } | null;
}
