/** `ha-setup [setup] --host A --host B ...`: the setup flow for both nodes of a pair. */
import type { Command } from 'commander';
import { globalOptions } from './context.js';
import { confirmation, flagsToRaw } from './setup-action.js';
import { closeNodes, connectNodes, hostTargets } from './pair.js';
import { runPairSetup, type PairUi } from '../setup/pair.js';
import type { ExistingChoice } from '../setup/run.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../ui/progress.js';
import { printPlan, printPreflight } from '../ui/setup-view.js';
import { printPairDone } from '../ui/pair-view.js';
import { output, paint, printJson, printLine } from '../ui/output.js';

export async function runPairSetupCommand(cmd: Command, raw: ReturnType<typeof flagsToRaw>): Promise<number> {
  const g = globalOptions(cmd);
  const f = cmd.opts() as { existing?: string; method?: string; source?: string; install?: boolean };
  const targets = hostTargets(cmd);
  if (targets.length !== 2) throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('pair.error.hostCount') });
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !output.json;
  const wizard = interactive ? await import('../ui/wizard.js') : null;
  const progress = createProgress();
  const nodes = await connectNodes(targets, { dryRun: g.dryRun });
  try {
    const { offerLeftoverUndo } = await import('./leftovers.js');
    for (const n of nodes) await offerLeftoverUndo(g.dryRun ? n.ssh : n.applyHost, n.label, g);
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
      existing: (f.existing as ExistingChoice | undefined) ?? null,
      dryRun: g.dryRun,
      yes: g.yes,
      installMethod: f.method === 'source' ? 'source' : 'package',
      installSource: f.source ?? null,
      noInstall: f.install === false,
      ui,
    });
    if (output.json) {
      printJson({
        status: result.status,
        nodes: Object.fromEntries(
          result.nodes.map((n) => [
            n.label,
            {
              answers: { ...n.answers, authPass: result.generatedPassword ? n.answers.authPass : '********' },
              plan: n.plan.steps.map((s) => ({ ...s, ...(s.kind === 'write' ? { content: undefined, previous: undefined, changed: true } : {}) })),
              unchanged: n.plan.unchanged,
              changedFiles: n.apply?.changedFiles ?? [],
              backups: n.apply?.backups ?? [],
            },
          ]),
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
