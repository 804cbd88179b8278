/**
 * The doctor report as text (one line per check, the summary, then under each problem its
 * details and fix, then apart from them the checks doctor could not finish) and as the
 * --json object. Colour only through paint(), so a pipe or
 * NO_COLOR gets plain lines. Knows the report's shape, nothing about individual checks.
 */
import { REPORT_STATUSES, type Detail, type Fix, type ReportStatus } from '../../checks/types.js';
import type { DoctorCheckReport, DoctorReport, DoctorSummary, FixOutcome, PairDoctorReport } from '../doctor/run.js';
import { checkName } from '../doctor/instances.js';
import { t } from '../i18n/index.js';
import { displayWidth, output, paint, padDisplay, printJson, printLine, type Colour } from './output.js';
export { displayWidth } from './output.js';

const COLOUR: Record<ReportStatus, Colour> = { ok: 'green', warn: 'yellow', fail: 'red', skip: 'gray', error: 'magenta' };

/** "ok  ", "warn", "FAIL", "skip", "ERR ": padded so that the ids line up, in the user's language. */
export function statusLabel(status: ReportStatus, width = statusWidth()): string {
  const label = t(`doctor.ui.status.${status}`);
  return paint(COLOUR[status], padDisplay(label, width));
}

function statusWidth(): number {
  return Math.max(...REPORT_STATUSES.map((s) => displayWidth(t(`doctor.ui.status.${s}`))));
}


export function checkLine(c: DoctorCheckReport, idWidth: number): string {
  return `${statusLabel(c.status)}  ${checkName(c).padEnd(idWidth)}  ${c.summary}`;
}

export function summaryLine(report: Pick<DoctorReport, 'summary' | 'durationMs'>): string {
  const s = report.summary;
  const text = t(s.error ? 'doctor.ui.summaryErrors' : 'doctor.ui.summary', { ...s, seconds: (report.durationMs / 1000).toFixed(1) });
  return paint(s.fail ? 'red' : s.error ? 'magenta' : s.warn ? 'yellow' : 'green', text);
}

/** The whole human report, line by line. */
export function renderDoctorReport(report: DoctorReport, fixes: FixOutcome[] = []): string[] {
  const idWidth = Math.max(...report.checks.map((c) => checkName(c).length), 0);
  const lines = [paint('bold', t('doctor.ui.title', { node: report.node })), ''];
  for (const c of report.checks) lines.push(checkLine(c, idWidth));
  lines.push('', summaryLine(report));
  const problems = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  if (problems.length) {
    lines.push('', paint('bold', t('doctor.ui.problems')));
    for (const c of problems) {
      lines.push('', `${statusLabel(c.status).trimEnd()} ${paint('bold', checkName(c))}: ${c.summary}`);
      for (const d of c.details) lines.push(`    ${d}`);
      if (c.fix) {
        if (c.fix.explain) lines.push(`  ${paint('bold', t('doctor.ui.fix'))}: ${c.fix.explain}`);
        for (const cmd of c.fix.commands) lines.push(`    ${paint('cyan', `$ ${cmd}`)}`);
      }
    }
  }
  // Apart from the node's faults: what doctor itself could not finish says nothing about the node.
  const errors = report.checks.filter((c) => c.status === 'error');
  if (errors.length) {
    lines.push('', paint('bold', t('doctor.ui.errors')));
    for (const c of errors) {
      lines.push('', `${statusLabel(c.status).trimEnd()} ${paint('bold', checkName(c))}: ${c.summary}`);
      for (const d of c.details) lines.push(`    ${d}`);
    }
    lines.push('', t('doctor.ui.errors.report', { command: `ha-setup doctor --check ${errors[0]!.id} --json` }));
  }
  if (fixes.length) {
    lines.push('', paint('bold', t('doctor.fix.title')));
    for (const f of fixes) {
      const id = checkName(f);
      if (f.error) lines.push(`  ${paint('red', t('doctor.fix.failed', { id, error: f.error }))}`);
      else if (!f.applied) lines.push(`  ${t('doctor.fix.skipped', { id })}`);
      else lines.push(`  ${paint('green', t('doctor.fix.applied', { id }))}`);
      for (const a of f.actions) lines.push(`    ${a}`);
    }
  }
  return lines;
}

/** One check in `doctor --json` (docs/doctor.md has its schema). */
export interface DoctorJsonCheck {
  id: string;
  /** Only when the config has several vrrp_instances and the check is about one of them. */
  instance?: string;
  status: ReportStatus;
  summary: string;
  details: Detail[];
  fix: Fix | null;
}

/** `doctor --json` of one node (docs/doctor.md has its schema). */
export interface DoctorJson {
  node: string;
  durationMs: number;
  checks: DoctorJsonCheck[];
  summary: DoctorSummary;
  fixes?: FixOutcome[];
}

/** Exactly the documented JSON shape (plus node, durationMs and, with --fix, fixes). */
export function doctorJson(report: DoctorReport, fixes: FixOutcome[] | null = null): DoctorJson {
  return {
    node: report.node,
    durationMs: report.durationMs,
    checks: report.checks.map((c) => ({ id: c.id, ...(c.instance === undefined ? {} : { instance: c.instance }), status: c.status, summary: c.summary, details: [...c.details], fix: c.fix ? { explain: c.fix.explain, commands: [...c.fix.commands] } : null })),
    summary: Object.fromEntries(REPORT_STATUSES.map((s) => [s, report.summary[s]])) as DoctorSummary,
    ...(fixes ? { fixes } : {}),
  };
}

/** One node's report as the command prints it: JSON with --json, else the table. */
export function printDoctorReport(report: DoctorReport, fixes: FixOutcome[] | null = null): void {
  if (output.json) printJson(doctorJson(report, fixes));
  else for (const line of renderDoctorReport(report, fixes ?? [])) printLine(line);
}

/** `doctor --host A --host B --json` (docs/pair.md). */
export interface PairDoctorJson {
  durationMs: number;
  nodes: Record<string, DoctorJson>;
  pair: Omit<DoctorJson, 'node'> & { node?: undefined; nodes: string[] };
}

export function pairDoctorJson(r: PairDoctorReport): PairDoctorJson {
  const pair = doctorJson(r.pair);
  return {
    durationMs: r.durationMs,
    nodes: Object.fromEntries(r.nodes.map((n) => [n.node, doctorJson(n)])),
    pair: { ...pair, node: undefined, nodes: r.nodes.map((n) => n.node) },
  };
}

export function renderPairDoctorReport(r: PairDoctorReport): string[] {
  const lines: string[] = [];
  for (const n of r.nodes) lines.push(...renderDoctorReport(n), '');
  const [a, b] = r.nodes.map((n) => n.node);
  const pairLines = renderDoctorReport(r.pair);
  // The pair's block gets its own heading instead of the node title.
  pairLines[0] = paint('bold', t('pair.doctor.group.pair', { a, b }));
  lines.push(...pairLines);
  return lines;
}
