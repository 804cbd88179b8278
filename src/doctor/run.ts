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
import { pairUnits, type PairContext } from './pair-context.js';
import { configuredInstances, largestAdvertInt, nodeUnits, type CheckUnit } from './instances.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import { captureDurationMs } from './build-context.js';
import { applyPlan, describeStep } from '../setup/apply.js';
import type { PlanStep } from '../setup/plan.js';
import { commandLine } from '../system/node-shell.js';

export interface DoctorCheckReport {
  id: string;
  /** The vrrp_instance the finding is about, when the config has several and the check runs per instance. */
  instance?: string;
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
  /** As in the check's report. */
  instance?: string;
  applied: boolean;
  /** What the fix did, one line per action. */
  actions: string[];
  error: string | null;
}

export interface RunHooks<C = DoctorContext> {
  /** A check started running (after `applies` said yes), on `instance` (null: the node, or the only instance). */
  onStart?(check: Check<C>, instance: string | null): void;
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

/** The report's id and, when there is one, its instance (absent otherwise: one instance reads as always). */
function named(id: string, instance: string | null): Pick<DoctorCheckReport, 'id' | 'instance'> {
  return instance === null ? { id } : { id, instance };
}

function normalise(id: string, instance: string | null, r: CheckResult): DoctorCheckReport {
  const fix = r.fix && (r.fix.explain || r.fix.commands.length) ? { explain: String(r.fix.explain ?? ''), commands: (r.fix.commands ?? []).map(String) } : null;
  return { ...named(id, instance), status: r.status, summary: String(r.summary), details: (r.details ?? []).map(String), fix };
}

function crashed(id: string, instance: string | null, e: unknown): DoctorCheckReport {
  const message = e instanceof Error ? e.message : String(e);
  return { ...named(id, instance), status: 'error', summary: t('doctor.run.crashed', { message }), details: e instanceof Error && e.stack ? e.stack.split('\n').slice(0, 4) : [], fix: null };
}

function timedOut(id: string, instance: string | null, limitMs: number): DoctorCheckReport {
  return { ...named(id, instance), status: 'error', summary: t('doctor.run.timedOut', { seconds: Math.round(limitMs / 1000) }), details: [], fix: null };
}

/** Does this report belong to this check on this instance? */
export function reportOf(r: Pick<DoctorCheckReport, 'id' | 'instance'>, id: string, instance: string | null): boolean {
  return r.id === id && (r.instance ?? null) === instance;
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
  /** Where the check runs: once, or once per vrrp_instance (checks marked `perInstance`). */
  units(ctx: C, check: Check<C>): Promise<CheckUnit<C>[]>;
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
    // The one capture lasts for the slowest instance, whichever instance this check is about.
    return limit + captureDurationMs(largestAdvertInt(await configuredInstances(ctx)), ctx.options.captureMs);
  },
  units: (ctx, check) => nodeUnits(ctx, check.perInstance === true),
};

const PAIR: Subject<PairContext> = {
  label: (p) => `${p.labels.a} + ${p.labels.b}`,
  timeLimit: async (p, _check, base) => Math.max(nodeLimit(p.a.host, base), nodeLimit(p.b.host, base)),
  units: (p, check) => pairUnits(p, check.perInstance === true),
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

/** One check on one unit, never throwing: applies, run, time limit; a crash or the time limit is `error`. */
async function runOne<C>(subject: Subject<C>, unit: CheckUnit<C>, check: Check<C>, opts: RunChecksOptions<C>): Promise<DoctorCheckReport> {
  const base = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const { ctx, instance } = unit;
  try {
    const a = await checkApplies(ctx, check);
    if (a !== true) return normalise(check.id, instance, skipped(a));
    opts.onStart?.(check, instance);
    const limit = subject.timeLimit ? await subject.timeLimit(ctx, check, base) : base;
    return await withTimeout(
      check.run(ctx).then((r) => normalise(check.id, instance, r)),
      limit,
      () => timedOut(check.id, instance, limit),
    );
  } catch (e) {
    return crashed(check.id, instance, e);
  }
}

/** The check's units; when they cannot be told (the config does not read), it runs once on the whole context, as it always did. */
async function unitsOf<C>(subject: Subject<C>, ctx: C, check: Check<C>): Promise<CheckUnit<C>[]> {
  return subject.units(ctx, check).catch(() => [{ ctx, instance: null }]);
}

async function runAll<C>(subject: Subject<C>, ctx: C, checks: readonly Check<C>[], opts: RunChecksOptions<C>): Promise<DoctorReport> {
  const started = Date.now();
  subject.warmUp?.(ctx, checks);
  const perCheck = await Promise.all(
    checks.map(async (check) =>
      Promise.all(
        (await unitsOf(subject, ctx, check)).map(async (unit) => {
          const r = await runOne(subject, unit, check, opts);
          opts.onResult?.(check, r);
          return r;
        }),
      ),
    ),
  );
  const results = perCheck.flat();
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

/** A check on one unit that `--fix` can repair: it did not pass there and describes its repair as plan steps. */
export interface FixableCheck {
  check: Check;
  report: DoctorCheckReport;
  /** The context it ran on (one instance's, for a per-instance check on several). */
  ctx: DoctorContext;
}

export async function fixableChecks(ctx: DoctorContext, checks: readonly Check[], report: DoctorReport): Promise<FixableCheck[]> {
  const out: FixableCheck[] = [];
  for (const check of checks.filter((c) => c.fixSteps)) {
    for (const unit of await unitsOf(NODE, ctx, check)) {
      const r = report.checks.find((x) => reportOf(x, check.id, unit.instance));
      if (r && (r.status === 'fail' || r.status === 'warn')) out.push({ check, report: r, ctx: unit.ctx });
    }
  }
  return out;
}

export interface FixOptions extends RunChecksOptions {
  /** Asked once with everything that would be fixed; false: nothing is changed. */
  confirm(fixable: FixableCheck[], extra: ExtraFix[]): Promise<boolean>;
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
  const rerun = checks.filter((c) => c.needsCapture && report.checks.some((r) => r.id === c.id && r.status === 'skip')).map((c) => c.id);
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
  const fixable = await fixableChecks(ctx, checks, report);
  const extra = await extraFixes(ctx, checks, report);
  if (fixable.length === 0 && extra.length === 0) return { report, fixes: [], confirmed: false };
  const outcome = (f: FixableCheck, o: Omit<FixOutcome, 'id' | 'instance'>): FixOutcome => ({ ...named(f.check.id, f.report.instance ?? null), ...o });
  if (!(await opts.confirm(fixable, extra))) {
    return { report, fixes: [...fixable.map((f) => outcome(f, { applied: false, actions: [], error: null })), ...extra.map((x) => ({ id: x.id, applied: false, actions: [], error: null }))], confirmed: false };
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
  // Two instances may need the same repair (one check script, one sysctl file): it is applied once.
  const applied = new Set<string>();
  for (const f of fixable) {
    if (opts.signal?.aborted) {
      fixes.push(outcome(f, { applied: false, actions: [], error: String(opts.signal.reason) }));
      continue;
    }
    try {
      const steps = await f.check.fixSteps!(f.ctx);
      const key = `${f.check.id} ${JSON.stringify(steps)}`;
      const actions = applied.has(key) ? [] : await applyFixSteps(steps, fixCtx);
      applied.add(key);
      fixes.push(outcome(f, { applied: true, actions, error: null }));
    } catch (e) {
      fixes.push(outcome(f, { applied: false, actions: [], error: e instanceof Error ? e.message : String(e) }));
    }
    rerun.add(f.check.id);
  }
  if (rerun.size === 0) return { report, fixes, confirmed: true };
  // A fix that (re)started keepalived is judged once keepalived re-read its config and
  // scripts and its election is over; and every check runs again, not only the fixed ones:
  // a repair changes what others see (the script keepalived -t complained about, the VIP).
  if (touched.keepalived) {
    const slowest = largestAdvertInt(await configuredInstances(ctx));
    await (opts.settle ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(keepalivedSettleMs(slowest));
  }
  const second = await runChecks(opts.freshContext(), checks, opts);
  return { report: { ...second, durationMs: report.durationMs + second.durationMs }, fixes, confirmed: true };
}
