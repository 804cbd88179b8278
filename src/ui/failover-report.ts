/** Plain-text lines of a failover test: one per event as it happens, the report at the end. */
import { t, type MessageKey } from '../i18n/index.js';
import type { FailoverEvent, FailoverReport } from '../failover/types.js';
import type { RunOutcome } from '../failover/run.js';
import { paint } from './output.js';
import { HANDOVER_ALLOWANCE_MS } from '../failover/bound.js';

export function eventLabel(e: Pick<FailoverEvent, 'event'>): string {
  return t(`failover.event.${e.event}` as MessageKey);
}

/** "+  1234 ms  fault injected  stop nginx" */
export function formatEvent(e: FailoverEvent): string {
  const time = `+${String(e.t_ms).padStart(6)} ms`;
  const label = eventLabel(e);
  const coloured = e.event === 'restore-failed' || e.event === 'timeout' ? paint('red', label) : e.event === 'restored' ? paint('green', label) : label;
  return `${paint('gray', time)}  ${coloured}${e.detail ? `  ${paint('dim', e.detail)}` : ''}`;
}

export function verdictLine(report: FailoverReport, outcome: RunOutcome): string {
  switch (outcome) {
    case 'ok':
      return paint('green', t('failover.verdict.ok'));
    case 'exceeded':
      return paint('red', t('failover.verdict.exceeded', { outage: report.failover.outage_ms, bound: report.expected_bound_ms, interval: report.probe_interval_ms, allowance: HANDOVER_ALLOWANCE_MS }));
    case 'no-failover':
      return paint('red', t('failover.verdict.noFailover'));
    case 'timeout':
      return paint('red', t('failover.verdict.timeout'));
    case 'interrupted':
      return paint('yellow', t('failover.verdict.interrupted'));
    case 'inject-failed':
      return paint('red', t('failover.verdict.injectFailed', { error: report.failure ?? '' }));
    case 'not-restored':
      return paint('red', t('failover.verdict.notRestored', { error: report.failure ?? '' }));
    case 'no-failback':
      return paint('red', t('failover.verdict.noFailback'));
  }
}

export function renderReport(report: FailoverReport, outcome: RunOutcome, withEvents = true): string[] {
  const lines: string[] = [paint('bold', t('failover.report.title', { mode: report.mode, vip: report.vip }))];
  if (withEvents) for (const e of report.events) lines.push(`  ${formatEvent(e)}`);
  const none = t('word.none');
  lines.push(
    t('failover.report.failover', { outage: report.failover.outage_ms, failed: report.failover.failed_requests, owner: report.failover.new_owner ?? none }),
    t('failover.report.failback', { outage: report.failback.outage_ms, failed: report.failback.failed_requests }),
    ...(report.vips.length > 1
      ? report.vips.map((v) => t('failover.report.perVip', { vip: v.vip, failover: v.failover.outage_ms, failed: v.failover.failed_requests, failback: v.failback.outage_ms, owner: v.failover.new_owner ?? none }))
      : []),
    t('failover.report.owners', { before: report.owner_before ?? none, after: report.owner_after ?? none }),
    t('failover.report.bound', { bound: report.expected_bound_ms, basis: report.bound_basis }),
    t('failover.report.requests', { requests: report.requests, interval: report.probe_interval_ms }),
    t('failover.report.restored', { restored: t(report.restored ? 'word.yes' : 'word.no') }),
  );
  if (!report.restored && report.pending) {
    lines.push(paint('yellow', report.pending.watchdog_deadline ? t('failover.report.watchdog', { deadline: report.pending.watchdog_deadline, undo: report.pending.undo }) : t('failover.report.undoByHand', { undo: report.pending.undo })));
  }
  lines.push(verdictLine(report, outcome));
  return lines;
}

/** The JSON document of --json: the issue's fields first, then the extra ones. */
export function reportJson(report: FailoverReport, outcome: RunOutcome): Record<string, unknown> {
  return {
    mode: report.mode,
    events: report.events,
    failover: report.failover,
    failback: report.failback,
    expected_bound_ms: report.expected_bound_ms,
    restored: report.restored,
    ...(report.pending ? { pending: report.pending } : {}),
    vip: report.vip,
    peer: report.peer,
    owner_before: report.owner_before,
    owner_after: report.owner_after,
    bound_basis: report.bound_basis,
    within_bound: report.within_bound,
    probe_interval_ms: report.probe_interval_ms,
    requests: report.requests,
    outcome,
    failure: report.failure,
    vips: report.vips,
  };
}
