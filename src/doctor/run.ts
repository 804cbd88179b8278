/**
 * The one runner of doctor checks, on one node or on a pair (a pair check is a check whose
 * context is both nodes): every applicable check at once, each with its own time limit;
 * on a node the capture, the slowest part, is started first so that it overlaps everything
 * else. A check that throws or runs out of time is reported as `error` (doctor could not
 * tell), never as a fault of the node, and the others still report. Results come back in
 * check order whatever order they finished in. The runner knows nothing about individual
 * checks and prints nothing.
 */
import type { Applies, Check, CheckResult, Detail, Fix, ReportStatus } from '../../checks/types.js';
import type { PairCheck } from '../../checks/pair/types.js';
import type { DoctorContext } from './context.js';
import type { PairContext } from './pair-context.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import { captureDurationMs } from './build-context.js';
import { applyPlan, describeStep } from '../setup/apply.js';
import type { PlanStep } from '../setup/plan.js';
import { commandLine } from '../system/node-shell.js';

export interface DoctorCheckReport {
  id: string;
  status: ReportStatus;
  summary: string;
  details: Detail[];
  fix: Fix | null;
}

export type DoctorSummary = Record<ReportStatus, number>;

export interface DoctorReport {
  node: string;
  durationMs: number;
  checks: DoctorCheckReport[];
  summary: DoctorSummary;
}

export interface FixOutcome {
  id: string;
  applied: boolean;
  /** What the fix did, one line per action. */
  actions: string[];
  error: string | null;
}

export interface RunHooks<C = DoctorContext> {
  /** A check started running (after `applies` said yes). */
  onStart?(check: Check<C>): void;
  /** A check has its result. */
  onResult?(check: Check<C>, result: DoctorCheckReport): void;
}

export interface RunChecksOptions<C = DoctorContext> extends RunHooks<C> {
  /** Time limit of one check without the capture (ms). */
  timeoutMs?: number;
}

/** Time limit of a check that does not wait for the capture. */
export const CHECK_TIMEOUT_MS = 20_000;
/**
 * Over ssh every look at the node is a round trip on its one shared connection, which every
 * check uses at once: a healthy pair's checks take most of the local limit there, so a node
 * over ssh gets this many times it.
 */
export const REMOTE_TIME_FACTOR = 3;

/** The base time limit on a node: longer when it is reached over ssh. */
function nodeLimit(host: { remote?: boolean }, base: number): number {
  return host.remote ? base * REMOTE_TIME_FACTOR : base;
}

/** The checks `--check ID` selects; an unknown id is a UserError listing the known ones. */
export function selectChecks<C>(checks: readonly Check<C>[], only: string | null | undefined): Check<C>[] {
  if (!only) return [...checks];
  const found = checks.find((c) => c.id === only);
  if (!found) throw new UserError({ field: '--check', value: only, accepted: checks.map((c) => c.id).join(', ') });
  return [found];
}

/** The checks whose failure makes a failover test meaningless or unsafe. */
export function criticalChecks<C>(checks: readonly Check<C>[]): Check<C>[] {
  return checks.filter((c) => c.critical === true);
}

export function summarize(checks: readonly DoctorCheckReport[]): DoctorSummary {
  const s: DoctorSummary = { ok: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}

/**
 * 2 when any check failed (the node has a fault, whatever else happened), else 3 when a
 * check could not finish (doctor could not tell), else 1 on warnings, else 0. Over one
 * report or several (a pair: both nodes and the pair).
 */
export function exitCodeFor(...reports: Array<Pick<DoctorReport, 'summary'>>): number {
  const count = (s: ReportStatus) => reports.reduce((n, r) => n + (r.summary[s] ?? 0), 0);
  if (count('fail') > 0) return EXIT.failure;
  if (count('error') > 0) return EXIT.checkError;
  if (count('warn') > 0) return EXIT.warnings;
  return EXIT.ok;
}

function normalise(id: string, r: CheckResult): DoctorCheckReport {
  const fix = r.fix && (r.fix.explain || r.fix.commands.length) ? { explain: String(r.fix.explain ?? ''), commands: (r.fix.commands ?? []).map(String) } : null;
  return { id, status: r.status, summary: String(r.summary), details: (r.details ?? []).map(String), fix };
}

function crashed(id: string, e: unknown): DoctorCheckReport {
  const message = e instanceof Error ? e.message : String(e);
  return { id, status: 'error', summary: t('doctor.run.crashed', { message }), details: e instanceof Error && e.stack ? e.stack.split('\n').slice(0, 4) : [], fix: null };
}

function timedOut(id: string, limitMs: number): DoctorCheckReport {
  return { id, status: 'error', summary: t('doctor.run.timedOut', { seconds: Math.round(limitMs / 1000) }), details: [], fix: null };
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** What the runner needs to know about a kind of context (one node, a pair). */
interface Subject<C> {
  /** The report's name: the node, or both nodes. */
  label(ctx: C): string;
  /** Work to start before any check (the capture). */
  warmUp?(ctx: C, checks: readonly Check<C>[]): void;
  /** The time limit of a check on this context, from the base one. */
  timeLimit?(ctx: C, check: Check<C>, base: number): Promise<number>;
}

const NODE: Subject<DoctorContext> = {
  label: (ctx) => ctx.host.label,
  // The capture takes 3 advert intervals: start it before anything else so it overlaps them.
  warmUp: (ctx, checks) => {
    if (checks.some((c) => c.needsCapture)) void ctx.capture().catch(() => null);
  },
  async timeLimit(ctx, check, base) {
    const limit = nodeLimit(ctx.host, base);
    if (!check.needsCapture) return limit;
    const inst = await ctx.instance().catch(() => null);
    return limit + captureDurationMs(inst?.advertInt ?? null, ctx.options.captureMs);
  },
};

const PAIR: Subject<PairContext> = {
  label: (p) => `${p.labels.a} + ${p.labels.b}`,
  timeLimit: async (p, _check, base) => Math.max(nodeLimit(p.a.host, base), nodeLimit(p.b.host, base)),
};

/** Whether the check applies: `true`, or the reason it is skipped. */
async function checkApplies<C>(ctx: C, check: Check<C>): Promise<Applies> {
  if (!check.applies) return true;
  const a = await check.applies(ctx);
  return a === true ? true : String(a || t('doctor.run.notApplicable'));
}

function skipped(reason: string): CheckResult {
  return { status: 'skip', summary: reason, details: [], fix: null };
}

/**
 * The check's own answer without the runner's guard: skip with its reason, or what `run`
 * returns; what the check throws is thrown (for replays and tables of checks, where a
 * crash must not look like an answer).
 */
export async function checkAnswer<C>(ctx: C, check: Check<C>): Promise<CheckResult> {
  const a = await checkApplies(ctx, check);
  return a === true ? check.run(ctx) : skipped(a);
}

/** One check, never throwing: applies, run, time limit; a crash or the time limit is `error`. */
async function runOne<C>(subject: Subject<C>, ctx: C, check: Check<C>, opts: RunChecksOptions<C>): Promise<DoctorCheckReport> {
  const base = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  try {
    const a = await checkApplies(ctx, check);
    if (a !== true) return normalise(check.id, skipped(a));
    opts.onStart?.(check);
    const limit = subject.timeLimit ? await subject.timeLimit(ctx, check, base) : base;
    return await withTimeout(
      check.run(ctx).then((r) => normalise(check.id, r)),
      limit,
      () => timedOut(check.id, limit),
    );
  } catch (e) {
    return crashed(check.id, e);
  }
}

async function runAll<C>(subject: Subject<C>, ctx: C, checks: readonly Check<C>[], opts: RunChecksOptions<C>): Promise<DoctorReport> {
  const started = Date.now();
  subject.warmUp?.(ctx, checks);
  const results = await Promise.all(
    checks.map(async (check) => {
      const r = await runOne(subject, ctx, check, opts);
      opts.onResult?.(check, r);
      return r;
    }),
  );
  return { node: subject.label(ctx), durationMs: Date.now() - started, checks: results, summary: summarize(results) };
}

/** The node checks on one node. */
export function runChecks(ctx: DoctorContext, checks: readonly Check[], opts: RunChecksOptions = {}): Promise<DoctorReport> {
  return runAll(NODE, ctx, checks, opts);
}

/** The pair checks over both nodes: the same runner, time limits and error handling. */
export function runPairChecks(p: PairContext, checks: readonly PairCheck[], opts: RunChecksOptions<PairContext> = {}): Promise<DoctorReport> {
  return runAll(PAIR, p, checks, opts);
}

/** Both nodes' own checks and the pair checks. */
export interface PairDoctorReport {
  /** One report per node, in the order given (--host A first). */
  nodes: DoctorReport[];
  pair: DoctorReport;
  durationMs: number;
}

/** The exit code of the whole: as for one node, over both nodes and the pair. */
export function pairExitCode(r: PairDoctorReport): number {
  return exitCodeFor(...r.nodes, r.pair);
}

/** A check `--fix` can repair: it did not pass and describes its repair as plan steps. */
export function fixableChecks(checks: readonly Check[], report: DoctorReport): Check[] {
  return checks.filter((c) => {
    const r = report.checks.find((x) => x.id === c.id);
    return c.fixSteps && r && (r.status === 'fail' || r.status === 'warn');
  });
}

export interface FixOptions extends RunChecksOptions {
  /** Asked once with everything that would be fixed; false: nothing is changed. */
  confirm(fixable: Array<{ check: Check; report: DoctorCheckReport }>, extra: ExtraFix[]): Promise<boolean>;
  /** A fresh context for the re-run (the first one memoized the broken state). */
  freshContext(): DoctorContext;
  /** Aborted (a signal): the fix under way completes, the next ones are not started. */
  signal?: AbortSignal;
  /**
   * The host and services the repairs go through (the node's audited ones, so that every
   * change lands in its audit log); the checks' own reading host otherwise.
   */
  applyWith?: { host: DoctorContext['host']; services: DoctorContext['services'] };
  /** How to wait for keepalived to settle after a fix (re)started it; a plain timer otherwise. */
  settle?(ms: number): Promise<void>;
}

/**
 * How long keepalived needs after a (re)start or reload before a check of it means what
 * it says: it loads the config and its scripts, starts in BACKUP and decides the election
 * after the master-down interval (3 x advert_int plus skew, under 1 s).
 */
export function keepalivedSettleMs(advertInt: number | null): number {
  return 3 * (advertInt ?? 1) * 1000 + 1000;
}

/** The services, with every start, restart or reload of keepalived noted in `touched`. */
function watchKeepalived(services: DoctorContext['services'], touched: { keepalived: boolean }): DoctorContext['services'] {
  return new Proxy(services, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (prop === 'start' || prop === 'restart' || prop === 'reload') {
        return (name: unknown, ...rest: unknown[]) => {
          if (name === 'keepalived') touched.keepalived = true;
          return method.call(target, name, ...rest);
        };
      }
      return method.bind(target);
    },
  });
}

/**
 * A check's repair as a plan, applied by setup's applier on the applying host (the node's
 * audited one): a step that fails puts back the ones before it. Returns what was done,
 * one line per step as the user would type it.
 */
async function applyFixSteps(steps: PlanStep[], fixCtx: DoctorContext): Promise<string[]> {
  // No signal: a fix once started completes (the caller stops before the next one).
  const warnings: string[] = [];
  const refuse = (what: string) => async (): Promise<never> => {
    throw new Error(`a doctor fix cannot ${what}`);
  };
  await applyPlan({ steps }, fixCtx.host, fixCtx.services, {
    step: (_label, fn) => fn(),
    testConfig: refuse('test a keepalived config'),
    install: refuse('install keepalived'),
    warn: (message) => warnings.push(message),
  });
  return [...steps.map(fixStepLine), ...warnings];
}

function fixStepLine(step: PlanStep): string {
  switch (step.kind) {
    case 'write':
      return t('doctor.fix.wrote', { path: step.path });
    case 'exec':
      return `$ ${commandLine(step.argv)}${step.saveTo ? ` > ${step.saveTo.path}` : ''}`;
    default:
      return describeStep(step);
  }
}

/** A repair that belongs to no check (installing tcpdump so the wire checks can run). */
export interface ExtraFix {
  id: string;
  explain: string;
  argv: string[];
  /** Checks to run again afterwards. */
  rerun: string[];
}

/** The tcpdump install when the capture was skipped for want of it. */
export async function extraFixes(ctx: DoctorContext, checks: readonly Check[], report: DoctorReport): Promise<ExtraFix[]> {
  const skip = ctx.captureSkip ? await ctx.captureSkip() : null;
  if (skip?.reason !== 'tcpdump-missing' || !skip.install) return [];
  const rerun = checks.filter((c) => c.needsCapture && report.checks.find((r) => r.id === c.id)?.status === 'skip').map((c) => c.id);
  return rerun.length ? [{ id: 'tcpdump', explain: t('doctor.fix.installTcpdump'), argv: skip.install, rerun }] : [];
}

/**
 * `--fix`: ask once, apply each fixable check's steps (and the extra fixes), then run
 * those checks again on a fresh context and put their new results in the report.
 */
export async function applyFixes(
  ctx: DoctorContext,
  checks: readonly Check[],
  report: DoctorReport,
  opts: FixOptions,
): Promise<{ report: DoctorReport; fixes: FixOutcome[]; confirmed: boolean }> {
  const fixable = fixableChecks(checks, report);
  const extra = await extraFixes(ctx, checks, report);
  if (fixable.length === 0 && extra.length === 0) return { report, fixes: [], confirmed: false };
  const listed = fixable.map((check) => ({ check, report: report.checks.find((r) => r.id === check.id)! }));
  if (!(await opts.confirm(listed, extra))) {
    return { report, fixes: [...fixable.map((c) => ({ id: c.id, applied: false, actions: [], error: null })), ...extra.map((x) => ({ id: x.id, applied: false, actions: [], error: null }))], confirmed: false };
  }
  const fixes: FixOutcome[] = [];
  const rerun = new Set<string>();
  // Same facts, memoized reads and shell; only changes go through the applying host.
  const touched = { keepalived: false };
  const applying = opts.applyWith ?? { host: ctx.host, services: ctx.services };
  const fixCtx: DoctorContext = { ...ctx, host: applying.host, services: watchKeepalived(applying.services, touched) };
  for (const x of extra) {
    const r = await fixCtx.host.exec(x.argv[0]!, x.argv.slice(1), { why: x.explain, timeoutMs: 10 * 60_000 });
    const ok = r.exitCode === 0;
    fixes.push({ id: x.id, applied: ok, actions: [`$ ${x.argv.join(' ')}`], error: ok ? null : (r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`) });
    if (ok) x.rerun.forEach((id) => rerun.add(id));
  }
  for (const check of fixable) {
    if (opts.signal?.aborted) {
      fixes.push({ id: check.id, applied: false, actions: [], error: String(opts.signal.reason) });
      continue;
    }
    try {
      const actions = await applyFixSteps(await check.fixSteps!(ctx), fixCtx);
      fixes.push({ id: check.id, applied: true, actions, error: null });
    } catch (e) {
      fixes.push({ id: check.id, applied: false, actions: [], error: e instanceof Error ? e.message : String(e) });
    }
    rerun.add(check.id);
  }
  if (rerun.size === 0) return { report, fixes, confirmed: true };
  // A fix that (re)started keepalived is judged once keepalived re-read its config and
  // scripts and its election is over; and every check runs again, not only the fixed ones:
  // a repair changes what others see (the script keepalived -t complained about, the VIP).
  if (touched.keepalived) {
    const inst = await ctx.instance().catch(() => null);
    await (opts.settle ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(keepalivedSettleMs(inst?.advertInt ?? null));
  }
  const second = await runChecks(opts.freshContext(), checks, opts);
  return { report: { ...second, durationMs: report.durationMs + second.durationMs }, fixes, confirmed: true };
}
