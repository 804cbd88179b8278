/**
 * The longest client-visible outage the configuration allows, from keepalived's own timers
 * (reference keepalived.md §1.2-1.4):
 *   skew         = (256 - priority) / 256 s            (VRRPv2; v3 scales it by advert_int)
 *   master down  = 3 x advert_int + skew                (down_timer_adverts defaults to 3)
 * where priority is the one of the node that takes over (its own timers decide).
 *
 * - check with weight 0 (drain, nginx): the first `fall` failed runs put the instance in
 *   FAULT, which sends a priority-0 advert; the peer waits its skew time only:
 *   interval x fall + skew.
 * - weighted check: the master keeps advertising, with a lower priority the peer discards,
 *   so the peer waits for its full master-down timer after the checks failed:
 *   interval x fall + master down interval.
 * - keepalived stopped gracefully: it sends priority 0 on its way out: skew.
 * - crash (the master dies without a word): the peer hears nothing more and waits its full
 *   master-down timer: 3 x advert_int + skew (1.x: + advert_int to the VIP).
 *
 * When the check is ha-setup's own script, stopping nginx costs one retry pause more
 * (DEFAULTS.check.retryDelayMs) before the script reports the failure.
 *
 * keepalived 1.x (releases.ts faultEntersOnAdvertTick, masterAfterTransitionAdvert) acts on a
 * failed check only at its next advert tick, and the backup that takes over adds the VIP one
 * advert interval after its "Transition to MASTER STATE":
 * - fault: interval x fall + advert_int (the tick) + skew + advert_int (the VIP);
 * - keepalived stopped: skew + advert_int;
 * - weighted: interval x fall + 2 x advert_int (the priority timer, then the advert carrying
 *   it) + 2 x advert_int (the backup forces an election: one advert to its transition, one to
 *   the VIP). 1.3.5 measured 3.08 s for the fault and 1.66 s for the stop (recordings).
 */
import type { VrrpInstance, VrrpScript } from '../keepalived/model.js';
import { releaseHas } from '../keepalived/releases.js';
import type { FailoverMode } from './types.js';
import { t } from '../i18n/index.js';

export interface BoundInput {
  mode: FailoverMode;
  instance: Pick<VrrpInstance, 'priority' | 'advertInt' | 'version' | 'trackScript' | 'state'>;
  scripts: readonly Pick<VrrpScript, 'name' | 'interval' | 'fall' | 'weight'>[];
  /** The tracked vrrp_script the drain/nginx fault is seen by; null: the first tracked one. */
  checkScript?: string | null;
  /** Priority of the node expected to take over. */
  peerPriority: number;
  /** Global vrrp_version, when the instance does not set one. */
  globalVersion?: number | null;
  /** Extra time the check script itself takes to report a failure in this mode. */
  scriptDelayMs?: number;
  /** The keepalived release running on the node (its timers differ before 2.0); null: 2.x. */
  release?: string | null;
}

export interface Bound {
  ms: number;
  kind: 'fault' | 'weighted' | 'priority-zero' | 'master-down';
  /** The formula with its numbers, e.g. "interval 1 s x fall 1 + skew 391 ms". */
  basis: string;
  /** false: with these priorities the fault does not move the VIP at all. */
  moves: boolean;
  ownPriorityAfter: number | null;
}

export function skewMs(priority: number, advertIntS: number, version: number): number {
  const p = 256 - priority;
  return version === 3 ? (p * advertIntS * 1000) / 256 : (p * 1000) / 256;
}

export function masterDownMs(priority: number, advertIntS: number, version: number): number {
  return 3 * advertIntS * 1000 + skewMs(priority, advertIntS, version);
}

/** The tracked script the fault is detected by, and its effective weight (a track_script entry may override it). */
export function trackedCheck(
  instance: BoundInput['instance'],
  scripts: BoundInput['scripts'],
  name?: string | null,
): { name: string; interval: number; fall: number; weight: number } | null {
  const entry = name ? instance.trackScript.find((e) => e.name === name) : instance.trackScript[0];
  if (!entry) return null;
  const script = scripts.find((s) => s.name === entry.name);
  if (!script) return null;
  return { name: entry.name, interval: script.interval ?? 1, fall: script.fall ?? 1, weight: entry.weight ?? script.weight ?? 0 };
}

/** keepalived's default priority is 100; `state MASTER` without a priority makes an address owner (255). */
export function ownPriority(instance: BoundInput['instance']): number {
  return instance.priority ?? (instance.state === 'MASTER' ? 255 : 100);
}

export function expectedBound(input: BoundInput): Bound {
  const { instance } = input;
  const advert = instance.advertInt ?? 1;
  const version = instance.version ?? input.globalVersion ?? 2;
  const skew = skewMs(input.peerPriority, advert, version);
  const advertMs = advert * 1000;
  const release = input.release ?? null;
  // The formula is read by people: it is spelled in their language (the numbers are the formula's).
  const skewText = t('failover.bound.skew', { skew: Math.round(skew), priority: input.peerPriority });
  // 1.x: the failed check is acted on at the next advert tick; the new master adds the VIP one advert after its transition.
  const tick = releaseHas(release, 'faultEntersOnAdvertTick') ? advertMs : 0;
  const toVip = releaseHas(release, 'masterAfterTransitionAdvert') ? advertMs : 0;
  const old = tick || toVip ? t('failover.bound.release', { release: release ?? '' }) : '';
  const tickText = tick ? ` + ${t('failover.bound.tick', { ms: Math.round(tick) })}` : '';
  const toVipText = toVip ? ` + ${t('failover.bound.toVip', { ms: Math.round(toVip) })}` : '';
  if (input.mode === 'keepalived') {
    return { ms: Math.round(skew + toVip), kind: 'priority-zero', basis: `${skewText}${toVipText}${old}`, moves: true, ownPriorityAfter: 0 };
  }
  if (input.mode === 'crash') {
    const down = masterDownMs(input.peerPriority, advert, version);
    return {
      ms: Math.round(down + toVip),
      kind: 'master-down',
      basis: `${t('failover.bound.masterDown', { down: Math.round(down), advert, skew: Math.round(skew), priority: input.peerPriority })}${toVipText}${old}`,
      moves: true,
      ownPriorityAfter: null,
    };
  }
  const check = trackedCheck(instance, input.scripts, input.checkScript);
  if (!check) {
    return { ms: 0, kind: 'fault', basis: t('failover.bound.untracked'), moves: false, ownPriorityAfter: null };
  }
  const detect = check.interval * check.fall * 1000 + (input.scriptDelayMs ?? 0);
  const detectText = t(input.scriptDelayMs ? 'failover.bound.detectRetry' : 'failover.bound.detect', { interval: check.interval, fall: check.fall, retry: Math.round(input.scriptDelayMs ?? 0) });
  if (check.weight === 0) {
    return {
      ms: Math.round(detect + tick + skew + toVip),
      kind: 'fault',
      basis: `${detectText}${tickText} + ${skewText}${toVipText}${old}`,
      moves: true,
      ownPriorityAfter: 0,
    };
  }
  // A negative weight is subtracted while the check fails; a positive one is only added
  // while it succeeds. Either way a failure costs |weight|.
  const base = ownPriority(instance);
  const after = clampPriority(check.weight < 0 ? base + check.weight : base);
  if (tick) {
    // 1.x: the priority timer and the next advert (2 x advert_int), then the backup forces an
    // election: its transition one advert later, the VIP one more.
    const wait = 2 * advertMs + advertMs + toVip;
    return {
      ms: Math.round(detect + wait),
      kind: 'weighted',
      basis: `${detectText} + ${t('failover.bound.priorityTimer', { ms: Math.round(2 * advertMs) })} + ${t('failover.bound.election', { ms: Math.round(advertMs) })}${toVipText}${old}`,
      moves: after < input.peerPriority,
      ownPriorityAfter: after,
    };
  }
  const down = masterDownMs(input.peerPriority, advert, version);
  return {
    ms: Math.round(detect + down),
    kind: 'weighted',
    basis: `${detectText} + ${t('failover.bound.masterDown', { down: Math.round(down), advert, skew: Math.round(skew), priority: input.peerPriority })}`,
    moves: after < input.peerPriority,
    ownPriorityAfter: after,
  };
}

function clampPriority(p: number): number {
  return Math.min(254, Math.max(1, p));
}

/**
 * Time the hand-over itself takes beyond keepalived's timers: the new master's gratuitous
 * ARP reaching the client and the kernels' scheduling (lab-facts.md: keepalived stopped
 * -> client served after 0.64-0.66 s with a 0.61 s skew).
 */
export const HANDOVER_ALLOWANCE_MS = 100;

/**
 * The verdict: the measured outage may exceed the bound by the probe interval (the
 * measurement's own resolution: a request is sent only every interval) and the hand-over
 * allowance.
 */
export function withinBound(outageMs: number, boundMs: number, probeIntervalMs: number): boolean {
  return outageMs <= boundMs + probeIntervalMs + HANDOVER_ALLOWANCE_MS;
}
