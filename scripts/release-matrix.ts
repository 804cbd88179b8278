/**
 * The release x check table: what each doctor wire check says on each node of each
 * recorded release, at the end of each recorded scenario (../shared/reference/
 * keepalived-recordings, replayed through test/helpers/recording-replay.ts). Prints markdown:
 *
 *   node --import tsx scripts/release-matrix.ts [--details]
 *
 * A cell is "status" (ok/warn/fail/skip); with --details the summary follows each cell.
 */
import { WIRE_CHECKS } from '../checks/index.js';
import type { Check } from '../checks/types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { checkAnswer } from '../src/doctor/run.js';
import { setLang } from '../src/i18n/index.js';
import { RECORDED } from '../test/helpers/recordings.js';
import { SCENARIOS, replayRecording, type Scenario } from '../test/helpers/recording-replay.js';

export interface MatrixCell {
  release: string;
  scenario: Scenario;
  node: 'rec-a' | 'rec-b';
  check: string;
  status: string;
  summary: string;
}

/** The checks the table shows (unicast does not apply: the recording lab is multicast). */
export const MATRIX_CHECKS: readonly Check[] = WIRE_CHECKS.filter((c) => c.id !== 'unicast');

async function run(check: Check, ctx: DoctorContext): Promise<{ status: string; summary: string }> {
  const r = await checkAnswer(ctx, check);
  return { status: r.status, summary: r.summary };
}

export async function releaseMatrix(): Promise<MatrixCell[]> {
  setLang('en');
  const cells: MatrixCell[] = [];
  for (const release of RECORDED) {
    for (const scenario of SCENARIOS) {
      for (const node of ['rec-a', 'rec-b'] as const) {
        for (const check of MATRIX_CHECKS) {
          // A fresh context per check: the wire module memoizes per context.
          const { ctx } = await replayRecording(release, scenario, node);
          cells.push({ release, scenario, node, check: check.id, ...(await run(check, ctx)) });
        }
      }
    }
  }
  return cells;
}

export function markdown(cells: MatrixCell[], details = false): string {
  const releases = [...new Set(cells.map((c) => c.release))];
  const out: string[] = [];
  for (const scenario of SCENARIOS) {
    out.push(`### ${scenario}`, '', `| node / check | ${releases.join(' | ')} |`, `|---|${releases.map(() => '---').join('|')}|`);
    for (const node of ['rec-a', 'rec-b'] as const) {
      for (const check of MATRIX_CHECKS) {
        const row = releases.map((release) => {
          const c = cells.find((x) => x.release === release && x.scenario === scenario && x.node === node && x.check === check.id)!;
          return details ? `${c.status}: ${c.summary.replace(/\|/g, '/')}` : c.status;
        });
        out.push(`| ${node} ${check.id} | ${row.join(' | ')} |`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cells = await releaseMatrix();
  process.stdout.write(markdown(cells, process.argv.includes('--details')));
}
