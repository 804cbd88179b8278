/** `ha-setup [setup] --host A --host B ...`: the setup flow for both nodes of a pair (src/setup/pair.ts). */
import type { Command } from 'commander';
import { globalOptions } from './context.js';
import { confirmation, flagsToRaw, nodeJson, readAnswersFile, runChoices, setupFlags, type SetupFlags } from '../setup/flags.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import { LocalHost } from '../host/local.js';
import { runPairSetup, type PairUi } from '../setup/pair.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../ui/progress.js';
import { printPlan, printPreflight } from '../ui/setup-view.js';
import { printPairDone } from '../ui/pair-view.js';
import { output, paint, printJson, printLine } from '../ui/output.js';

export async function runPairSetupCommand(cmd: Command, targets: readonly string[]): Promise<number> {
  const g = globalOptions(cmd);
  const f = setupFlags(cmd.opts() as SetupFlags);
  // The answers file is the one where the user stands: the nodes are elsewhere.
  const raw = { ...(f.answers ? await readAnswersFile(f.answers, new LocalHost('/')) : {}), ...flagsToRaw(f) };
  if (targets.length !== 2) throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('pair.error.hostCount') });
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !output.json;
  const wizard = interactive ? await import('../ui/wizard.js') : null;
  const progress = createProgress();
  const nodes = await connectNodes([...targets], { dryRun: g.dryRun });
  try {
    await undoLeftoversOn(nodes, g);
    const ui: PairUi = {
      progress,
      preflight: (node, facts, existing) => {
        if (output.quiet || output.json) return;
        printLine(paint('bold', t('pair.preflight.title', { node: node.label })));
        printPreflight(facts, existing);
      },
      chooseExisting: (_node, existing) => wizard!.chooseExisting(existing),
      ask: wizard && !g.yes ? wizard.askAnswers : null,
      showPlan: (_node, plan) => {
        if (!output.json && (g.dryRun || !output.quiet)) printPlan(plan, g.dryRun || interactive);
      },
      confirm: confirmation(wizard, interactive),
      done: (result) => {
        if (!output.quiet && !output.json) printPairDone(result);
      },
    };
    const result = await runPairSetup({
      nodes: [nodes[0]!, nodes[1]!],
      raw,
      ...runChoices(f, g),
      ui,
    });
    if (output.json) {
      printJson({
        status: result.status,
        nodes: Object.fromEntries(
          result.nodes.map((n) => [n.label, nodeJson(n.answers, n.plan, n.apply, result.generatedPassword)]),
        ),
        verification: result.verification,
      });
    }
    if (result.status === 'aborted') return EXIT.warnings;
    if (result.verification && !result.verification.ok) return EXIT.failure;
    return EXIT.ok;
  } finally {
    await closeNodes(nodes);
  }
}
