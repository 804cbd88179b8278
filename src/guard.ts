/**
 * While a command has disturbed a node (a failover test's fault, setup's half-applied plan,
 * a doctor fix), no way out of the process may skip putting the node back. Inside
 * `guard()`:
 *
 * - SIGINT, SIGTERM and SIGHUP do not kill the process: they abort the work's signal and
 *   the work winds down through its own restore/rollback (a second signal changes nothing);
 * - a closed stdout/stderr (`| head`, a dropped terminal) aborts the work too when asked;
 * - an uncaught exception or unhandled rejection anywhere in the process aborts the work,
 *   runs `undo` directly (the work's own chain may be the broken one), then exits 2;
 * - the hard time limit (armed with `limit()`) aborts the work, and when the work has not
 *   ended `graceMs` later, `undo` runs directly (for at most `graceMs` more) and the
 *   process exits 2.
 *
 * `undo` must be safe to call more than once and concurrently (FaultControl.restore is).
 */
import { EXIT } from './exit-codes.js';
import { onOutputClosed } from './ui/output.js';

export type WayOut = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'output-closed' | 'exception' | 'time-limit';

export interface Guard {
  /** Aborted (with the WayOut as its reason) when the work must stop. */
  readonly signal: AbortSignal;
  /** What stopped the work, null while nothing did. */
  why(): WayOut | null;
  /** Arm the hard time limit now (a run's limit starts when the run does, not at its prompt). */
  limit(ms: number): void;
}

export interface GuardOptions {
  /** Puts back what the work disturbed; called by the guard only when the work cannot be trusted to. */
  undo: () => Promise<unknown>;
  /** Stop the work when nobody reads its output any more. */
  abortOnOutputClosed?: boolean;
  /** How long the work may take to wind down after the time limit before the guard undoes itself. */
  graceMs?: number;
  /** Told once, when the work is asked to stop (e.g. to print "restoring..."). */
  onStop?: (why: WayOut) => void;
  /** Told when the guard ends the process itself (exception, time limit overrun), after `undo`. */
  onFatal?: (why: WayOut, error: unknown) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export const DEFAULT_GRACE_MS = 15_000;

export async function guard<T>(opts: GuardOptions, work: (g: Guard) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let why: WayOut | null = null;
  let limitTimer: NodeJS.Timeout | null = null;
  let graceTimer: NodeJS.Timeout | null = null;
  let fatal: Promise<void> | null = null;

  const stop = (reason: WayOut) => {
    if (why !== null) return;
    why = reason;
    controller.abort(reason);
    opts.onStop?.(reason);
  };
  /** The guard ends the process itself: undo, tell, exit 2. Once. */
  const endProcess = (reason: WayOut, error: unknown) => {
    fatal ??= (async () => {
      stop(reason);
      // The undo may hang too (a node that no longer answers): its watchdog is the last resort.
      const cap = new Promise((r) => setTimeout(r, opts.graceMs ?? DEFAULT_GRACE_MS).unref());
      await Promise.race([opts.undo().catch(() => undefined), cap]);
      opts.onFatal?.(reason, error);
      process.exit(EXIT.failure);
    })();
  };

  const onSignal = (name: NodeJS.Signals) => stop(name as WayOut);
  const onException = (error: unknown) => endProcess('exception', error);
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onException);
  const unsubscribe = opts.abortOnOutputClosed ? onOutputClosed(() => stop('output-closed')) : () => undefined;

  const g: Guard = {
    signal: controller.signal,
    why: () => why,
    limit(ms: number) {
      if (limitTimer) clearTimeout(limitTimer);
      limitTimer = setTimeout(() => {
        stop('time-limit');
        graceTimer = setTimeout(() => endProcess('time-limit', new Error('time limit')), opts.graceMs ?? DEFAULT_GRACE_MS);
      }, ms);
    },
  };
  try {
    return await work(g);
  } finally {
    if (limitTimer) clearTimeout(limitTimer);
    if (graceTimer) clearTimeout(graceTimer);
    unsubscribe();
    // Once the guard has taken over, it alone ends the process (its handlers stay).
    if (!fatal) {
      for (const s of SIGNALS) process.off(s, onSignal);
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onException);
    } else {
      await fatal;
    }
  }
}
