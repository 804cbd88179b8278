/**
 * `ha-setup doctor --host A --host B`: every node check on each node, over ssh, plus the
 * pair checks only a view of both can make. Output grouped by node, then the pair;
 * `--json` gives { nodes: { "<host>": {checks...} }, pair: {checks...} }.
 */
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { output, paint, printJson, printLine } from '../ui/output.js';
import { doctorJson, printDoctorReport, renderDoctorReport, type DoctorJson } from '../ui/doctor-report.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { pairChecks } from '../../checks/pair/index.js';
import { createDoctorContext } from './build-context.js';
import { doctorOptions, type DoctorFlags } from './flags.js';
import { createPairContext } from './pair-context.js';
import { pairExitCode, runPairDoctor, type PairDoctorReport } from './pair-run.js';
import { selectChecks } from './run.js';

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

export async function runPairDoctorCommand(targets: readonly string[], flags: DoctorFlags): Promise<number> {
  if (flags.fix) throw new UserError({ field: '--fix', value: undefined, accepted: t('pair.doctor.fixAccepted') });
  const onlyPair = flags.check ? pairChecks.filter((c) => c.id === flags.check) : null;
  const nodeChecks = onlyPair && onlyPair.length ? [] : selectChecks(ALL_CHECKS, flags.check);
  const checks = onlyPair && onlyPair.length ? onlyPair : flags.check ? [] : pairChecks;
  const nodes = await connectNodes([...targets], { dryRun: true });
  try {
    const base = doctorOptions(flags, '/');
    // Each node's own checks know the other node as its peer.
    const contexts = nodes.map((n, i) => {
      const other = nodes[1 - i];
      const peers = [...base.peers];
      return createDoctorContext({ host: n.ssh, services: n.services }, { ...base, peers: other ? [...peers, other.ssh.target.host] : peers });
    });
    if (contexts.length === 1) {
      // One --host: the node's own checks, remotely.
      const { runChecks, exitCodeFor } = await import('./run.js');
      const report = await runChecks(contexts[0]!, nodeChecks);
      printDoctorReport(report);
      return exitCodeFor(report);
    }
    const pair = createPairContext(contexts[0]!, contexts[1]!, { a: nodes[0]!.label, b: nodes[1]!.label });
    const report = await runPairDoctor(pair, nodeChecks, checks);
    if (output.json) printJson(pairDoctorJson(report));
    else for (const line of renderPairDoctorReport(report)) printLine(line);
    return pairExitCode(report);
  } finally {
    await closeNodes(nodes);
  }
}
