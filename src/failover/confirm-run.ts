/**
 * The tail of failover-test's one orchestration (src/failover/action.ts), for one node and
 * for a pair: refuse on preflight problems, describe (--dry-run), confirm, run with signal
 * handlers, report.
 */
import { nodeShell } from '../system/node-shell.js';
import { UserError, OperationError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import { output, paint, printInfo, printJson, printLine, reportError } from '../ui/output.js';
import { guard, type Guard } from '../guard.js';
import { commandLine } from '../doctor/paths.js';
import { checkName } from '../doctor/instances.js';
import { WATCHDOG_MARGIN_MS, type WatchdogLock } from './record.js';
import type { WatchedNode } from './fault.js';
import type { ParsedFlags } from './flags.js';
import type { Preflight } from './preflight.js';
import { runFailoverTest, type RunDeps, type RunOutcome } from './run.js';
import { describeInject, describeRemove } from './fault.js';

/** The steps, in words, for the confirmation and --dry-run. */
export function describePlan(flags: ParsedFlags, pf: Preflight, node: string, outside = false): string[] {
  const failback = outside ? t('failover.pair.failback', { node }) : t('failover.plan.failback');
  return [
    t('failover.plan.title', { mode: flags.mode, node, vip: pf.vip, peer: pf.peer, source: pf.peerSource }),
    `  1. ${t(outside ? 'failover.pair.probe' : 'failover.plan.probe', { vip: pf.vip, interval: flags.intervalMs })}`,
    `  2. ${t('failover.plan.inject', { action: describeInject(flags.mode, pf.flagPath) })}`,
    `  3. ${t('failover.plan.wait', { bound: pf.bound?.ms ?? '?', basis: pf.bound?.basis ?? '' })}`,
    `  4. ${t('failover.plan.remove', { action: describeRemove(flags.mode, pf.flagPath) })}`,
    `  5. ${pf.preempt ? failback : t('failover.plan.noFailback')}`,
    `  ${t('failover.plan.safety', { timeout: flags.timeoutMs / 1000 })}`,
  ];
}

const EXIT_FOR: Record<RunOutcome, number> = {
  ok: EXIT.ok,
  exceeded: EXIT.failure,
  'no-failover': EXIT.failure,
  timeout: EXIT.failure,
  interrupted: EXIT.interrupted,
  'inject-failed': EXIT.failure,
  'not-restored': EXIT.failure,
  'no-failback': EXIT.failure,
};

/** What a run acts on: the master's hosts and services (this node, or one over ssh). */
export interface RunTarget {
  factsHost: import('../host/types.js').Host;
  applyHost: import('../host/types.js').Host;
  services: import('../system/service-control.js').ServiceControl;
}

/** How a run differs when the prober is not on the master (the pair, from outside). */
export interface RunExtras {
  identify?: RunDeps['identify'];
  vipWatchMs?: number;
  logWatchMs?: number;
  /** Added to the --json report and the --dry-run JSON. */
  json?: Record<string, unknown>;
  /** Prefix of each preflight problem (the node it was found on). */
  problemPrefix?: string;
  /** The prober is not on the node under test: the plan and the question say so. */
  outside?: boolean;
  /** For the run record: where the run comes from (default: this node and PID). */
  by?: string;
  /** The master's lock, which its watchdog frees at the deadline. */
  lock?: WatchdogLock | null;
  /** Other locked nodes (the peer), each with a watchdog of its own. */
  others?: WatchedNode[];
  /** Frees the locks; run by the guard when it has to end the process itself. */
  cleanup?: () => Promise<unknown>;
}

/**
 * After preflight and the lock: refuse on problems, describe (--dry-run), confirm, run
 * with signal handlers and report.
 */
export async function confirmAndRun(flags: ParsedFlags, opts: GlobalOptions, pf: Preflight, node: string, target: RunTarget, extras: RunExtras = {}): Promise<number> {
  if (!pf.ok) {
    const prefix = extras.problemPrefix ? `${extras.problemPrefix}: ` : '';
    throw new OperationError(t('failover.pre.failed'), { details: pf.problems.map((p) => `${prefix}[${p.id}] ${p.message}`), hint: t('failover.pre.hint', { command: nodeShell(target.factsHost).haSetup(['doctor']) }) });
  }
  const plan = describePlan(flags, pf, node, extras.outside);
  if (opts.dryRun) {
    if (output.json) printJson({ dry_run: true, mode: flags.mode, vip: pf.vip, peer: pf.peer, expected_bound_ms: pf.bound?.ms ?? null, steps: plan.slice(1).map((s) => s.trim()), ...extras.json });
    else {
      for (const line of plan) printLine(line);
      printLine(t('failover.plan.dryRun'));
    }
    return EXIT.ok;
  }
  // From here on every way out of the process restores the node (src/guard.ts): the
  // question, the run and its restoration are all inside the guard.
  let faults: Parameters<NonNullable<RunDeps['onFaults']>>[0] | null = null;
  let undone: { restored: boolean } | null = null;
  return guard(
    {
      // The guard ends the process itself only after an exception or a run stuck past its limit:
      // put the node back and free the locks (at the same time: one node may not answer).
      undo: () => Promise.all([(async () => (undone = faults ? await faults.restore() : { restored: true }))(), extras.cleanup?.()]),
      abortOnOutputClosed: true,
      onStop: (why) => printInfo(paint('yellow', t('failover.interrupting', { why }))),
      onFatal: (why, error) => {
        const pending = faults?.pending;
        const hint = undone?.restored
          ? t('failover.fatal.restored')
          : pending
            ? t(pending.watchdog === null ? 'failover.report.undoByHand' : 'failover.report.watchdog', { deadline: pending.deadline, undo: commandLine(pending.undo) })
            : t('failover.fatal.notRestored');
        reportError(new OperationError(t('failover.fatal', { why, message: error instanceof Error ? error.message : String(error) }), { hint }));
      },
    },
    async (g) => {
      if (!opts.yes) {
        if (!process.stdin.isTTY) throw new UserError({ field: '--yes', accepted: t('failover.accepted.yes'), reason: t('failover.reason.noTty') });
        for (const line of plan) printLine(line);
        const { confirm } = await import('../ui/prompts.js');
        const yes = await confirm({ message: extras.outside ? t('failover.pair.confirm', { node }) : t('failover.confirm'), default: false }, { signal: g.signal }).catch((e: Error) => {
          if (e.name === 'AbortPromptError' || e.name === 'ExitPromptError') return null;
          throw e;
        });
        if (yes !== true) {
          printLine(t('failover.cancelled'));
          return yes === null ? EXIT.interrupted : EXIT.failure;
        }
      } else if (!output.json) {
        for (const line of plan) printInfo(line);
      }
      g.limit(flags.timeoutMs);
      return runGuarded(flags, pf, target, node, extras, g, (f) => (faults = f));
    },
  );
}

/**
 * The doctor's critical checks (those marked so), run by its own runner: "id: summary" of
 * each that failed or could not finish (either way the failover test has no ground to stand on).
 */
export async function criticalDoctorFailures(ctx: Pick<RunTarget, 'factsHost' | 'services'>, root: string, peers: string[]): Promise<string[]> {
  const { ALL_CHECKS } = await import('../../checks/index.js');
  const { criticalChecks, runChecks } = await import('../doctor/run.js');
  const { createDoctorContext } = await import('../doctor/build-context.js');
  const { doctorOptions } = await import('../doctor/flags.js');
  const dctx = createDoctorContext({ host: ctx.factsHost, services: ctx.services }, doctorOptions({ peer: peers }, root));
  return blockingFailures(await runChecks(dctx, criticalChecks(ALL_CHECKS)));
}

/** The lines a failover preflight refuses on: each critical check that failed or could not finish (named for its instance when there are several). */
export function blockingFailures(report: Pick<import('../doctor/run.js').DoctorReport, 'checks'>): string[] {
  return report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => `${checkName(c)}: ${c.summary}`);
}

async function runGuarded(flags: ParsedFlags, pf: Preflight, ctx: RunTarget, node: string, extras: RunExtras, g: Guard, onFaults: RunDeps['onFaults']): Promise<number> {
  const live = !output.json && process.stdout.isTTY ? (await import('../ui/failover-view.js')).startLiveView(`failover-test ${flags.mode} @ ${node}`) : null;
  const { formatEvent, renderReport, reportJson } = await import('../ui/failover-report.js');
  const result = await runFailoverTest(
    { mode: flags.mode, intervalMs: flags.intervalMs, timeoutMs: flags.timeoutMs },
    {
      host: ctx.factsHost,
      applyHost: ctx.applyHost,
      services: ctx.services,
      preflight: pf,
      signal: g.signal,
      onEvent: (e) => (live ? live.event(e) : printInfo(formatEvent(e))),
      onSample: live ? (s) => live.sample(s) : undefined,
      identify: extras.identify,
      vipWatchMs: extras.vipWatchMs,
      logWatchMs: extras.logWatchMs,
      safeguards: { host: ctx.applyHost, services: ctx.services, by: extras.by ?? `${node} pid ${process.pid}`, deadlineMs: flags.timeoutMs + WATCHDOG_MARGIN_MS, lock: extras.lock ?? null, others: extras.others },
      onFaults,
    },
  );
  live?.stop();
  if (output.json) printJson({ ...reportJson(result.report, result.outcome), ...extras.json });
  else for (const line of renderReport(result.report, result.outcome, true)) printLine(line);
  return EXIT_FOR[result.outcome];
}
