/**
 * One lab user at a time. `lab up` and `lab down` take the lab lock themselves; a test
 * suite (or a benchmark) takes it around its whole run and its `lab up`/`lab down`
 * children inherit it: they find it held by an ancestor process, or by the PID their
 * environment names in HA_SETUP_LAB_LOCK_HELD.
 *
 * The lock is a file created with O_EXCL beside the lab's state directory (not inside it:
 * `lab down` removes that directory). It holds the owner's PID; a lock whose process is
 * gone is stale and taken over (see failover/lock.ts, the one lock implementation).
 */
import { dirname } from 'node:path';
import { acquireLock } from '../failover/lock.js';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { LAB_STATE_DIR } from './constants.js';
import { readProcStat } from './procs.js';

export const LAB_LOCK = `${dirname(LAB_STATE_DIR)}/ha-setup-lab.lock`;
/** Set by a lock holder for its children: "the lab lock held by this PID is yours too". */
export const LAB_LOCK_ENV = 'HA_SETUP_LAB_LOCK_HELD';
/** How long `lab up`/`lab down` wait for another lab run (a whole lab test suite takes minutes). */
export const LAB_LOCK_WAIT_MS = 15 * 60_000;

export type LabLockDecision = { kind: 'take' } | { kind: 'inherited' } | { kind: 'wait'; holder: number };

/**
 * What to do about the lab lock: `holder` is the PID in a live lock (null when the lock
 * was free or stale and is now ours to take). A lock held by an ancestor of this process,
 * or by the PID the environment hands down, is this run's own.
 */
export function labLockDecision(holder: number | null, inherit: { envHolder: string | undefined; ancestors: readonly number[] }): LabLockDecision {
  if (holder === null) return { kind: 'take' };
  if (holder > 0 && (inherit.ancestors.includes(holder) || inherit.envHolder === String(holder))) return { kind: 'inherited' };
  return { kind: 'wait', holder };
}

/** The PIDs above this process, parent first, up to (not including) PID 1. */
export async function ancestorPids(pid = process.pid): Promise<number[]> {
  const out: number[] = [];
  let st = await readProcStat(pid);
  while (st && st.ppid > 1 && !out.includes(st.ppid)) {
    out.push(st.ppid);
    st = await readProcStat(st.ppid);
  }
  return out;
}

export interface LabLockOptions {
  /** Told once when another lab run holds the lock and this one starts waiting. */
  progress?: (message: string) => void;
  waitMs?: number;
  pollMs?: number;
  path?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Take the lab lock, or find it already this run's (inherited), or wait for another lab
 * run to let go of it, up to `waitMs`. Returns the release function (a no-op for an
 * inherited lock: its holder releases it).
 */
export async function takeLabLock(opts: LabLockOptions = {}): Promise<() => Promise<void>> {
  const path = opts.path ?? LAB_LOCK;
  const waitMs = opts.waitMs ?? LAB_LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const lock = await acquireLock(path);
    const holder = 'release' in lock ? null : lock.heldBy;
    const decision = labLockDecision(holder, { envHolder: (opts.env ?? process.env)[LAB_LOCK_ENV], ancestors: holder === null ? [] : await ancestorPids() });
    if ('release' in lock) return () => lock.release();
    if (decision.kind === 'inherited') return async () => {};
    const pid = decision.kind === 'wait' ? decision.holder : -1;
    if (!told) {
      opts.progress?.(t('lab.lock.waiting', { pid }));
      told = true;
    }
    if (Date.now() >= deadline) {
      throw new OperationError(t('lab.lock.timedOut', { pid, minutes: Math.round(waitMs / 60_000) }), { hint: t('lab.lock.hint', { pid, path }) });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}

/** Run `fn` holding the lab lock (taken, or inherited from the run that started this one). */
export async function withLabLock<T>(fn: () => Promise<T>, opts: LabLockOptions = {}): Promise<T> {
  const release = await takeLabLock(opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}
