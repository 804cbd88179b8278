/**
 * The shape every doctor check has. One file per check in checks/, each exporting one
 * `Check`. The runner and the renderers know nothing about individual checks.
 */
import type { DoctorContext } from '../src/doctor/context.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

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
  /** Evidence: log lines, counters, captured adverts, file modes. */
  details: string[];
  fix: Fix | null;
}

export interface Check {
  /** Stable id: machine output, --check ID, the README's troubleshooting table. */
  id: string;
  /** Short human title (through the message catalogue). */
  title(): string;
  /** false: reported as skip with the reason from `skipReason`. */
  appliesTo(ctx: DoctorContext): Promise<boolean> | boolean;
  /** Why the check does not apply (one line, through the catalogue); a generic reason without it. */
  skipReason?(ctx: DoctorContext): Promise<string> | string;
  run(ctx: DoctorContext): Promise<CheckResult>;
  /** Applied by `doctor --fix` after confirmation; returns what it did. */
  autoFix?(ctx: DoctorContext): Promise<string[]>;
  /** Checks that need the shared VRRP capture; the runner starts it once, early. */
  needsCapture?: boolean;
}
