/**
 * The shape every doctor check has, on one node or on a pair. One file per check in
 * checks/ (node) and checks/pair/ (pair), each exporting one `Check`; a pair check is a
 * check whose context is both nodes. The runner and the renderers know nothing about
 * individual checks.
 */
import type { DoctorContext } from '../src/doctor/context.js';
import type { PlanStep } from '../src/setup/plan.js';

/** What a check itself reports about the node (or the pair). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/**
 * What a report holds: the check's own status, or `error` when the check could not finish
 * (it threw or ran out of time). An error is a fault of doctor, never of the node.
 */
export type ReportStatus = CheckStatus | 'error';

export const REPORT_STATUSES: readonly ReportStatus[] = ['ok', 'warn', 'fail', 'skip', 'error'];

/** One line of evidence: a log line, a counter, a captured advert, a file mode. */
export type Detail = string;

export interface Fix {
  /** One or two sentences: what the commands do and why that fixes it. */
  explain: string;
  /** Exact commands, copy-pasteable, in order. */
  commands: string[];
}

export interface CheckResult {
  status: CheckStatus;
  /** One line: what is wrong (or right). */
  summary: string;
  /** Evidence, one line each. */
  details: Detail[];
  fix: Fix | null;
}

/** `true`: the check runs; a string: it is reported as `skip` with this reason (one line, through the catalogue). */
export type Applies = true | string;

export interface Check<C = DoctorContext> {
  /** Stable id: machine output, --check ID, the README's troubleshooting table. */
  id: string;
  /** Short human title (through the message catalogue). */
  title(): string;
  /** Whether the check means anything here; without it the check always runs. */
  applies?(ctx: C): Promise<Applies> | Applies;
  run(ctx: C): Promise<CheckResult>;
  /**
   * The repair as plan steps (read from the context, nothing changed yet): after
   * confirmation `doctor --fix` applies them with setup's applier on the node's audited
   * host, a failing step rolling back the ones before it. A check repairs in no other way.
   */
  fixSteps?(ctx: C): Promise<PlanStep[]>;
  /**
   * The check is about one vrrp_instance (`ctx.instance()`): on a config with several the
   * runner runs it once per instance, each time with that instance as `ctx.instance()`,
   * and names the instance in its report. Without it the check is about the whole node
   * (or, in a pair, both nodes) and runs once.
   */
  perInstance?: boolean;
  /** Checks that need the shared VRRP capture; the runner starts it once, early. */
  needsCapture?: boolean;
  /** A failure (or an error) here makes a failover test meaningless or unsafe: failover-test refuses to start. */
  critical?: boolean;
}
