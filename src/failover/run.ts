/**
 * One failover test, after preflight and confirmation: probe, inject the fault, watch the
 * VIP leave and the peer answer, remove the fault, watch the VIP come back, and restore
 * everything whatever happens (the caller's abort signal, the hard timeout, an exception).
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import type { LogEvent } from '../keepalived/runtime/logs.js';
import { FaultControl, type Safeguards } from './fault.js';
import { firstAnswer, firstSample, lastSample, phaseOutage, responderAt } from './outage.js';
import { identifyResponder, Prober } from './prober.js';
import { neighbourMac } from './peer.js';
import type { Preflight } from './preflight.js';
import { Timeline } from './timeline.js';
import type { FailoverEvent, FailoverMode, FailoverReport, ProbeSample, Responder } from './types.js';
import { poll, watchKeepalivedLog, watchVip, type Poller } from './watch.js';
import { withinBound } from './bound.js';
import { commandLine } from '../doctor/paths.js';
import { findKeepalived } from '../keepalived/runtime/process.js';

/** The running keepalived's processes on the node: its parent and every child. */
async function keepalivedPids(host: Host): Promise<number[]> {
  const kp = await findKeepalived(host);
  return kp ? [kp.pid, ...kp.childPids] : [];
}

export interface RunOptions {
  mode: FailoverMode;
  intervalMs: number;
  /** Per request; default: 4 intervals, at least 200 ms. */
  probeTimeoutMs?: number;
  /** Hard limit for the whole run; restores and reports a failure when reached. */
  timeoutMs: number;
  /** Answers seen before the fault, to know the owner and that the VIP is served. */
  baselineMs?: number;
  /** Consecutive answers that count as "served again". */
  steadyAnswers?: number;
}

export interface RunDeps {
  host: Host;
  applyHost: Host;
  services: ServiceControl;
  preflight: Preflight;
  signal?: AbortSignal;
  onEvent?: (e: FailoverEvent) => void;
  onSample?: (s: ProbeSample) => void;
  /** Log and VIP polling intervals (ms). */
  watchMs?: number;
  /** Overrides of the two cadences: a node over ssh pays ~100-300 ms per look, so it is polled less often. */
  vipWatchMs?: number;
  logWatchMs?: number;
  /**
   * Who answered, when the caller knows better than "this node vs its peer" (a run from
   * outside both nodes): replaces the page / local VIP / neighbour-MAC rule and its poller.
   */
  identify?: (body: string, view: { vipLocal: boolean }) => Responder;
  /** The run record and watchdogs on the node(s) (none: a unit test's fakes). */
  safeguards?: Safeguards;
  /** Given the run's fault control, so a guard can restore when the run itself cannot. */
  onFaults?: (faults: Pick<FaultControl, 'restore' | 'pending'>) => void;
}

export type RunOutcome = 'ok' | 'exceeded' | 'no-failover' | 'timeout' | 'interrupted' | 'inject-failed' | 'not-restored' | 'no-failback';

export interface RunResult {
  report: FailoverReport;
  outcome: RunOutcome;
  restoreErrors: string[];
}

class Stop extends Error {
  constructor(readonly why: 'timeout' | 'interrupted') {
    super(why);
  }
}

export async function runFailoverTest(opts: RunOptions, deps: RunDeps): Promise<RunResult> {
  const pf = deps.preflight;
  const vip = pf.vip!;
  const iface = pf.iface!;
  const peer = pf.peer!;
  const watchMs = deps.watchMs ?? 50;
  const steady = opts.steadyAnswers ?? 5;
  const timeline = new Timeline();
  const unsubscribe = deps.onEvent ? timeline.onEvent(deps.onEvent) : () => false;
  const crash = opts.mode === 'crash' ? { vips: pf.heldVips, pids: () => keepalivedPids(deps.host) } : null;
  const faults = new FaultControl(opts.mode, deps.services, deps.applyHost, pf.flagPath, deps.safeguards ?? null, crash);
  deps.onFaults?.(faults);
  const deadline = timeline.now() + opts.timeoutMs;

  /** A client of `address`: who answered is told by the page, or where the VIP is and which MAC answers for it. */
  const proberOf = (address: string, local: () => boolean, mac: () => string | null, onSample?: (s: ProbeSample) => void) =>
    new Prober({
      url: `http://${address}/`,
      intervalMs: opts.intervalMs,
      timeoutMs: opts.probeTimeoutMs ?? Math.max(200, 4 * opts.intervalMs),
      now: () => timeline.now(),
      identify: (a) =>
        deps.identify
          ? deps.identify(a.body, { vipLocal: local() })
          : identifyResponder(a.body, { selfBody: pf.selfBody, peerBody: pf.peerBody, vipLocal: local, vipMac: mac, peerMac: () => pf.peerMac }),
      onSample,
    });
  let vipLocal = pf.holdsVip;
  let vipMac: string | null = null;
  const prober = proberOf(vip, () => vipLocal, () => vipMac, deps.onSample);

  let faultAt: number | null = null;
  let removedAt: number | null = null;
  const pollers: Poller[] = [];
  const onLog = (e: LogEvent) => {
    if (faultAt === null) return;
    const at = timeline.now();
    if (e.kind === 'script-failed' || e.kind === 'script-timed-out') timeline.add('check-failed', e.message, at);
    else if (e.kind === 'script-succeeded' && removedAt !== null) timeline.add('check-recovered', e.message, at);
    else if (e.kind === 'state') timeline.add('state-change', e.message, at);
    else if (e.kind === 'priority-zero-sent') timeline.add('priority-zero-sent', e.message, at);
    else if (e.kind === 'stopping' || e.kind === 'starting') timeline.add('state-change', e.message, at);
  };

  const restoreState = { restored: false, errors: [] as string[] };
  let outcome: RunOutcome = 'ok';
  let failure: string | null = null;
  const check = () => {
    if (deps.signal?.aborted) throw new Stop(deps.signal.reason === 'time-limit' ? 'timeout' : 'interrupted');
    if (timeline.now() > deadline) throw new Stop('timeout');
  };
  const waitUntil = async (cond: () => boolean) => {
    for (;;) {
      check();
      if (cond()) return;
      await sleep(20, deps.signal);
    }
  };
  const settledOn = (who: Responder, fromMs: number) => steadyRun(prober.samples, fromMs, who, steady);

  // Every further VIP this node is MASTER for moves with the fault: each is watched by a
  // prober of its own and gets its own outage in the report.
  const extras = pf.alsoVips.map((address) => {
    const w = { vip: address, local: true, mac: null as string | null, prober: null as unknown as Prober };
    w.prober = proberOf(address, () => w.local, () => w.mac);
    return w;
  });
  const extrasOn = (who: Responder, fromMs: number, local: boolean) => extras.every((w) => w.local === local && steadyRun(w.prober.samples, fromMs, who, steady) !== null);

  try {
    await faults.recordFoundState();
    pollers.push(
      watchVip(deps.host, iface, vip, deps.vipWatchMs ?? watchMs, vipLocal, (holds) => {
        vipLocal = holds;
        if (faultAt === null) return;
        if (!holds) timeline.add('vip-released', `${vip} ${iface}`);
        else timeline.add('vip-back', `${vip} ${iface}`);
      }),
    );
    // Which MAC answers for the VIP while it is not here (how a node is named when both serve the same page).
    if (!deps.identify) {
      pollers.push(
        poll(watchMs * 2, async () => {
          if (!vipLocal) vipMac = await neighbourMac(deps.host, vip);
        }),
      );
    }
    for (const w of extras) {
      pollers.push(watchVip(deps.host, iface, w.vip, deps.vipWatchMs ?? watchMs, w.local, (holds) => (w.local = holds)));
      if (!deps.identify) pollers.push(poll(watchMs * 2, async () => void (w.mac = w.local ? null : await neighbourMac(deps.host, w.vip))));
    }
    pollers.push(await watchKeepalivedLog(deps.services, deps.logWatchMs ?? watchMs * 2, onLog));
    prober.start();
    for (const w of extras) w.prober.start();
    timeline.add('probe-started', `GET http://${vip}/ every ${opts.intervalMs} ms`);
    await sleepChecked(opts.baselineMs ?? 500, check, deps.signal);

    faultAt = timeline.now();
    const step = await faults.inject();
    timeline.add('fault-injected', step.action + (step.ok ? '' : `: ${step.error}`), faultAt);
    if (!step.ok) {
      outcome = 'inject-failed';
      failure = step.error;
    } else {
      // Failover: the peer answers steadily and the VIP has left this node.
      await waitUntil(() => settledOn('peer', faultAt!) !== null && !vipLocal && extrasOn('peer', faultAt!, false));
      removedAt = timeline.now();
      timeline.add('fault-removed', faults.describeRemove(), removedAt);
      const r = await faults.restore();
      for (const s of r.steps.filter((x) => !x.ok)) timeline.add('restore-failed', `${s.action}: ${s.error}`);
      // Failback: with preempt the VIP returns here; without it, it stays with the peer.
      if (pf.preempt) {
        await waitUntil(() => vipLocal && settledOn('self', removedAt!) !== null && extrasOn('self', removedAt!, true));
      } else {
        await sleepChecked(2000, check, deps.signal);
      }
      // A short tail, so a late failure after the hand-back is still seen.
      await sleepChecked(Math.max(250, 4 * opts.intervalMs), check, deps.signal);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    outcome = e.why;
    failure = e.why;
    timeline.add(e.why, e.why === 'timeout' ? `${opts.timeoutMs} ms` : String(deps.signal?.reason ?? 'interrupted'));
  } finally {
    const r = await faults.restore();
    await prober.stop();
    for (const w of extras) await w.prober.stop();
    for (const p of pollers) await p.stop();
    const errors = r.steps.filter((s) => !s.ok);
    if (!r.restored) timeline.add('restore-failed', errors.map((s) => `${s.action}: ${s.error}`).join('; ') || 'services differ from before');
    else timeline.add('restored', r.steps.map((s) => s.action).join(', ') || 'nothing left to undo');
    restoreState.restored = r.restored;
    restoreState.errors = errors.map((s) => `${s.action}: ${s.error}`);
  }

  // The request events are decided once all requests ended; they reach the caller in the report.
  unsubscribe();
  const samples = prober.samples;
  addRequestEvents(timeline, samples, faultAt, removedAt, peer);
  const bound = pf.bound!;
  const phases = (series: readonly ProbeSample[]) => {
    const failover = faultAt === null ? { outage_ms: 0, failed_requests: 0 } : phaseOutage(series, faultAt, removedAt ?? Number.POSITIVE_INFINITY);
    const failback = removedAt === null ? { outage_ms: 0, failed_requests: 0 } : phaseOutage(series, removedAt);
    const answered = faultAt !== null && firstSample(series, faultAt, (s) => s.ok && s.responder === 'peer') !== null;
    return { failover, failback, answered, within: answered && withinBound(failover.outage_ms, bound.ms, opts.intervalMs) };
  };
  const main = phases(samples);
  const more = extras.map((w) => ({ vip: w.vip, ...phases(w.prober.samples), requests: w.prober.samples.length }));
  const failoverPhase = main.failover;
  const failbackPhase = main.failback;
  const peerAnswered = main.answered && more.every((m) => m.answered);
  const within = peerAnswered && main.within && more.every((m) => m.within);
  const name = (r: Responder | null) => (r === 'self' ? pf.self ?? 'self' : r === 'peer' ? peer : r === 'unknown' ? 'unknown' : null);

  if (outcome === 'ok') {
    if (!peerAnswered) {
      outcome = 'no-failover';
      failure = 'the peer never answered';
    } else if (!within) {
      outcome = 'exceeded';
      failure = `outage ${failoverPhase.outage_ms} ms > bound ${bound.ms} ms`;
    }
  }
  if (!restoreState.restored && (outcome === 'ok' || outcome === 'exceeded')) {
    outcome = 'not-restored';
    failure = restoreState.errors.join('; ') || 'not restored';
  }

  const report: FailoverReport = {
    mode: opts.mode,
    vip,
    peer,
    events: timeline.events(),
    failover: { ...failoverPhase, new_owner: peerAnswered ? peer : null },
    failback: failbackPhase,
    owner_before: name(responderAt(samples, faultAt ?? Number.POSITIVE_INFINITY)),
    owner_after: name(lastSample(samples, (s) => s.ok)?.responder ?? null),
    expected_bound_ms: bound.ms,
    bound_basis: bound.basis,
    within_bound: within,
    restored: restoreState.restored,
    probe_interval_ms: opts.intervalMs,
    requests: samples.length,
    failure,
    vips: [
      { vip, failover: { ...failoverPhase, new_owner: main.answered ? peer : null }, failback: failbackPhase, within_bound: main.within, requests: samples.length },
      ...more.map((m) => ({ vip: m.vip, failover: { ...m.failover, new_owner: m.answered ? peer : null }, failback: m.failback, within_bound: m.within, requests: m.requests })),
    ],
    pending: faults.pending ? { undo: commandLine(faults.pending.undo), watchdog_deadline: faults.pending.watchdog === null ? null : faults.pending.deadline } : null,
  };
  return { report, outcome, restoreErrors: restoreState.errors };
}

/**
 * The request events, from the recorded series once every request has finished: a
 * request's result is known only when it ends, so "first" and "last" are decided on send
 * times here, not in the order the answers arrived.
 */
export function addRequestEvents(timeline: Timeline, samples: readonly ProbeSample[], faultAt: number | null, removedAt: number | null, peer: string): void {
  if (faultAt === null) return;
  const firstFail = firstSample(samples, faultAt, (s) => !s.ok);
  if (firstFail) timeline.add('first-failed-request', `#${firstFail.seq} ${firstFail.error}`, firstFail.sentMs);
  // Answers are placed when they arrived: that is when the peer (or this node) served.
  const firstPeer = firstAnswer(samples.filter((s) => s.sentMs >= faultAt && s.ok && s.responder === 'peer'));
  if (firstPeer) timeline.add('first-peer-answer', `#${firstPeer.seq} ${peer} HTTP ${firstPeer.status}`, firstPeer.doneMs);
  if (removedAt !== null) {
    const back = firstAnswer(samples.filter((s) => s.sentMs >= removedAt && s.ok && s.responder === 'self'));
    if (back) timeline.add('first-answer-here', `#${back.seq} HTTP ${back.status}`, back.doneMs);
  }
  const lastFail = lastSample(samples.filter((s) => s.sentMs >= faultAt), (s) => !s.ok);
  if (lastFail) timeline.add('last-failed-request', `#${lastFail.seq} ${lastFail.error}`, lastFail.sentMs);
}

/**
 * The first of `count` consecutive answers by `who` (in send order, from `fromMs`) with no
 * failure after its start; null until there is such a run.
 */
export function steadyRun(samples: readonly ProbeSample[], fromMs: number, who: Responder, count: number): ProbeSample | null {
  const sorted = samples.filter((s) => s.sentMs >= fromMs).sort((a, b) => a.sentMs - b.sentMs || a.seq - b.seq);
  let run: ProbeSample[] = [];
  for (const s of sorted) {
    if (s.ok && s.responder === who) run.push(s);
    else run = [];
  }
  return run.length >= count ? run[0]! : null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function sleepChecked(ms: number, check: () => void, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    check();
    const left = end - Date.now();
    if (left <= 0) return;
    await sleep(Math.min(left, 50), signal);
  }
}
