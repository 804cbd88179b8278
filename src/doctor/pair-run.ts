/**
 * The pair part of `doctor --host A --host B`: both nodes' own checks and the pair checks,
 * all through the doctor's one runner (run.ts).
 */
import type { Check } from '../../checks/types.js';
import type { PairCheck } from '../../checks/pair/types.js';
import type { PairContext } from './pair-context.js';
import { exitCodeFor, runChecks, runPairChecks, type DoctorReport } from './run.js';

export interface PairDoctorReport {
  /** One report per node, in the order given (--host A first). */
  nodes: DoctorReport[];
  pair: DoctorReport;
  durationMs: number;
}

/** Both nodes' own checks and the pair checks, all at once (each node's capture overlaps the rest). */
export async function runPairDoctor(p: PairContext, nodeChecks: readonly Check[], pairChecks: readonly PairCheck[]): Promise<PairDoctorReport> {
  const started = Date.now();
  const [a, b, pair] = await Promise.all([runChecks(p.a, nodeChecks), runChecks(p.b, nodeChecks), runPairChecks(p, pairChecks)]);
  return { nodes: [a, b], pair, durationMs: Date.now() - started };
}

/** The exit code of the whole: as for one node, over both nodes and the pair. */
export function pairExitCode(r: PairDoctorReport): number {
  return exitCodeFor(...r.nodes, r.pair);
}
