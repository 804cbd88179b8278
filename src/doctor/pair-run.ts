/**
 * The pair part of `doctor --host A --host B`: every pair check over both nodes'
 * contexts, each with a time limit, a crash turned into that check's `fail`. The node
 * checks run through the doctor's own runner (run.ts), once per node.
 */
import type { Check, CheckResult } from '../../checks/types.js';
import type { PairCheck } from '../../checks/pair/types.js';
import type { PairContext } from './pair-context.js';
import { CHECK_TIMEOUT_MS, exitCodeFor, runChecks, summarize, type DoctorCheckReport, type DoctorReport } from './run.js';
import { t } from '../i18n/index.js';

export interface PairDoctorReport {
  /** One report per node, in the order given (--host A first). */
  nodes: DoctorReport[];
  pair: DoctorReport;
  durationMs: number;
}

function normalise(id: string, r: CheckResult): DoctorCheckReport {
  return { id, status: r.status, summary: String(r.summary), details: (r.details ?? []).map(String), fix: r.fix && (r.fix.explain || r.fix.commands.length) ? r.fix : null };
}

export async function runOnePairCheck(p: PairContext, check: PairCheck, timeoutMs = CHECK_TIMEOUT_MS): Promise<DoctorCheckReport> {
  try {
    if (!(await check.appliesTo(p))) {
      const reason = check.skipReason ? await check.skipReason(p) : t('doctor.run.notApplicable');
      return { id: check.id, status: 'skip', summary: reason, details: [], fix: null };
    }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<DoctorCheckReport>((resolve) => {
      timer = setTimeout(() => resolve({ id: check.id, status: 'fail', summary: t('doctor.run.timedOut', { seconds: Math.round(timeoutMs / 1000) }), details: [], fix: null }), timeoutMs);
      timer.unref?.();
    });
    return await Promise.race([check.run(p).then((r) => normalise(check.id, r)), limit]).finally(() => clearTimeout(timer));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { id: check.id, status: 'fail', summary: t('doctor.run.crashed', { message }), details: [], fix: null };
  }
}

export async function runPairChecks(p: PairContext, checks: readonly PairCheck[], timeoutMs?: number): Promise<DoctorReport> {
  const started = Date.now();
  const results = await Promise.all(checks.map((c) => runOnePairCheck(p, c, timeoutMs)));
  return { node: `${p.labels.a} + ${p.labels.b}`, durationMs: Date.now() - started, checks: results, summary: summarize(results) };
}

/** Both nodes' own checks and the pair checks, all at once (each node's capture overlaps the rest). */
export async function runPairDoctor(p: PairContext, nodeChecks: readonly Check[], pairChecks: readonly PairCheck[]): Promise<PairDoctorReport> {
  const started = Date.now();
  const [a, b, pair] = await Promise.all([runChecks(p.a, nodeChecks), runChecks(p.b, nodeChecks), runPairChecks(p, pairChecks)]);
  return { nodes: [a, b], pair, durationMs: Date.now() - started };
}

/** The worst of all: 2 when anything failed, 1 on warnings, else 0. */
export function pairExitCode(r: PairDoctorReport): number {
  return Math.max(...[...r.nodes, r.pair].map((x) => exitCodeFor(x)));
}
