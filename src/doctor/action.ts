/**
 * `ha-setup doctor`, on one node or two: this node (or the lab node it runs in), one node
 * over ssh, or a pair over ssh (`--host A --host B`). One flow for all: reach the nodes,
 * make each node's context (a pair's nodes know each other as peers), run every node's
 * checks and, for a pair, the pair checks, all at once through the one runner (run.ts);
 * `--fix` on this node; print. A pair's output is grouped by node, then the pair; `--json`
 * gives { nodes: { "<host>": {checks...} }, pair: {checks...} } (docs/pair.md).
 */
import type { Check } from '../../checks/types.js';
import type { PairCheck } from '../../checks/pair/types.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import type { ClusterNode } from '../nodes/types.js';
import type { DoctorContext } from './context.js';
import { nodeContext } from '../nodes/local.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { output, paint, printInfo, printJson, printLine } from '../ui/output.js';
import { pairDoctorJson, printDoctorReport, renderPairDoctorReport } from '../ui/doctor-report.js';
import { checkName } from './instances.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { pairChecks } from '../../checks/pair/index.js';
import { createDoctorContext } from './build-context.js';
import { doctorOptions, type DoctorFlags } from './flags.js';
import { createPairContext } from './pair-context.js';
import { guard } from '../guard.js';
import { applyFixes, exitCodeFor, pairExitCode, runChecks, runPairChecks, selectChecks, type DoctorCheckReport, type DoctorReport, type ExtraFix, type FixOutcome, type PairDoctorReport, type RunHooks } from './run.js';

/** One node of the run: how it is reached, and the address its peer knows it by (a pair). */
interface DoctorNode extends ClusterNode {
  address: string | null;
}

/** The nodes a run was given, how to let go of them, and where the files live. */
interface NodeSet {
  nodes: DoctorNode[];
  /** This machine (no --host): the live view and --fix are offered. */
  local: boolean;
  root: string;
  close(): Promise<void>;
}

async function doctorNodes(opts: GlobalOptions, targets: readonly string[]): Promise<NodeSet> {
  if (targets.length === 0) {
    const node = await nodeContext(opts);
    return { nodes: [{ ...node, address: null }], local: true, root: opts.root, close: async () => undefined };
  }
  // Doctor changes nothing on a remote node: its apply host only records.
  const remote = await connectNodes([...targets], { dryRun: true });
  return { nodes: remote.map((n) => ({ ...n, address: n.ssh.target.host })), local: false, root: '/', close: () => closeNodes(remote) };
}

function printPlanned(fixable: Array<{ check: Check; report: DoctorCheckReport }>, extra: ExtraFix[]): void {
  printLine(paint('bold', t('doctor.fix.planned')));
  for (const { report } of fixable) {
    printLine(`  - ${checkName(report)}: ${report.fix?.explain ?? report.summary}`);
    for (const c of report.fix?.commands ?? []) printLine(`      $ ${c}`);
  }
  for (const x of extra) printLine(`  - ${x.explain}\n      $ ${x.argv.join(' ')}`);
}

/** The checks `--check` selects: a pair check's id names only it (a pair only), else node checks. */
function chosenChecks(flags: DoctorFlags, pair: boolean): { node: Check[]; pair: PairCheck[] } {
  const onlyPair = pair && flags.check ? pairChecks.filter((c) => c.id === flags.check) : [];
  if (onlyPair.length > 0) return { node: [], pair: onlyPair };
  return { node: selectChecks(ALL_CHECKS, flags.check), pair: pair && !flags.check ? [...pairChecks] : [] };
}

/** `--fix` on this node: the repairs planned, confirmed once, applied as plan steps. */
async function fixNode(opts: GlobalOptions, node: DoctorNode, make: () => DoctorContext, ctx: DoctorContext, checks: Check[], report: DoctorReport, hooks: RunHooks) {
  // A fix is a few commands that belong together (a firewall rule and saving it): once
  // started, a signal lets it complete and stops the ones after it (src/guard.ts).
  const result = await guard({ undo: async () => undefined }, (g) => applyFixes(ctx, checks, report, {
    ...hooks,
    signal: g.signal,
    freshContext: make,
    applyWith: { host: node.applyHost, services: node.services },
    async confirm(fixable, extra) {
      if (!output.json) printPlanned(fixable, extra);
      if (opts.dryRun) return false;
      if (opts.yes) return true;
      if (!process.stdin.isTTY || output.json) {
        printInfo(t('doctor.fix.needYes'));
        return false;
      }
      const { confirm } = await import('../ui/prompts.js');
      const yes = await confirm({ message: t('doctor.fix.confirm'), default: true }, { signal: g.signal }).catch(() => false);
      if (!yes) printLine(t('doctor.fix.declined'));
      return yes;
    },
  }));
  if (result.fixes.length === 0 && !output.json && result.report.checks.some((c) => c.status === 'fail' || c.status === 'warn')) printLine(t('doctor.fix.nothing'));
  return result;
}

/** The one orchestration: `targets` empty is this node, one target a node over ssh, two a pair. */
export async function doctorAction(opts: GlobalOptions, flags: DoctorFlags, targets: readonly string[]): Promise<number> {
  if (flags.fix && targets.length > 0) throw new UserError({ field: '--fix', value: undefined, accepted: t('pair.doctor.fixAccepted') });
  const set = await doctorNodes(opts, targets);
  try {
    const { nodes } = set;
    const checks = chosenChecks(flags, nodes.length === 2);
    const base = doctorOptions(flags, set.root);
    // Each node of a pair knows the other as its peer.
    const makers = nodes.map((n, i) => {
      const other = nodes.length === 2 ? nodes[1 - i]!.address : null;
      const options = { ...base, peers: other ? [...base.peers, other] : [...base.peers] };
      return () => createDoctorContext({ host: n.factsHost, services: n.services }, options);
    });
    const contexts = makers.map((make) => make());

    // The live view on a terminal, for this node.
    const interactive = set.local && Boolean(process.stdout.isTTY) && !output.json && !output.quiet;
    const live = interactive ? (await import('../ui/doctor-live.js')).startDoctorLive(t('doctor.ui.title', { node: nodes[0]!.factsHost.label }), checks.node.map((c) => ({ id: c.id, title: c.title() }))) : null;
    const hooks: RunHooks = {
      onStart: (c, instance) => live?.start(c.id, checkName({ id: c.id, ...(instance === null ? {} : { instance }) })),
      onResult: (c, r) => live?.done(c.id, r.status, r.summary, checkName(r)),
    };
    const started = Date.now();
    const pairCtx = contexts.length === 2 ? createPairContext(contexts[0]!, contexts[1]!, { a: nodes[0]!.label, b: nodes[1]!.label }) : null;
    // The clocks are read while the connections are quiet: a round trip queued behind every
    // check's would put the reading seconds off (it is kept for pair-clock).
    if (pairCtx && checks.pair.length > 0) await pairCtx.clock();
    let reports: DoctorReport[];
    let pair: DoctorReport | null = null;
    try {
      // Every node's checks and the pair's at once: each node's capture overlaps the rest.
      const pairRun = pairCtx ? runPairChecks(pairCtx, checks.pair) : null;
      [reports, pair] = await Promise.all([Promise.all(contexts.map((ctx) => runChecks(ctx, checks.node, hooks))), pairRun]);
    } finally {
      live?.stop();
    }

    if (pair) {
      const report: PairDoctorReport = { nodes: reports, pair, durationMs: Date.now() - started };
      if (output.json) printJson(pairDoctorJson(report));
      else for (const line of renderPairDoctorReport(report)) printLine(line);
      return pairExitCode(report);
    }
    let report = reports[0]!;
    let fixes: FixOutcome[] | null = null;
    if (flags.fix) ({ report, fixes } = await fixNode(opts, nodes[0]!, makers[0]!, contexts[0]!, checks.node, report, hooks));
    printDoctorReport(report, fixes);
    return exitCodeFor(report);
  } finally {
    await set.close();
  }
}
