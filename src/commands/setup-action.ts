/** `ha-setup [setup]` on this node (or the lab node it runs in); src/commands/setup.ts sends --host to pair-setup-action.ts. */
import type { Command } from 'commander';
import { globalOptions, nodeContext } from './context.js';
import { runSetup, type SetupUi } from '../setup/run.js';
import { confirmation, flagsToRaw, nodeJson, readAnswersFile, runChoices, setupFlags, type SetupFlags } from '../setup/flags.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../ui/progress.js';
import { printDone, printPlan, printPreflight } from '../ui/setup-view.js';
import { output, printJson } from '../ui/output.js';
import { nodeShell } from '../system/node-shell.js';

export async function runSetupCommand(cmd: Command): Promise<number> {
  const g = globalOptions(cmd);
  const f = setupFlags(cmd.opts() as SetupFlags);
  const node = await nodeContext(g);
  const raw = { ...(f.answers ? await readAnswersFile(f.answers, node.factsHost) : {}), ...flagsToRaw(f) };
  // A failover test that did not end left the node drained or a service stopped: undo that first.
  // (Under --root nothing on this machine is run: the files there are another system's.)
  if (!node.filesOnly) await undoLeftoversOn([node], g);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !output.json;
  const wizard = interactive ? await import('../ui/wizard.js') : null;
  const ui: SetupUi = {
    progress: createProgress(),
    preflight: (facts, existing) => {
      if (!output.quiet) printPreflight(facts, existing);
    },
    chooseExisting: (existing) => wizard!.chooseExisting(existing),
    // With --yes everything must come from flags; the wizard asks only in a terminal.
    ask: wizard && !g.yes ? wizard.askAnswers : null,
    showPlan: (plan) => {
      if (g.dryRun || !output.quiet) printPlan(plan, g.dryRun || interactive);
    },
    confirm: confirmation(wizard, interactive),
    done: (result) => {
      if (!output.quiet) printDone(result, nodeShell(node.factsHost));
    },
  };
  const result = await runSetup({
    factsHost: node.factsHost,
    applyHost: node.applyHost,
    services: node.services,
    raw,
    ...runChoices(f, g),
    filesOnly: node.filesOnly,
    ui,
  });
  if (output.json) {
    printJson({
      status: result.status,
      node: result.plan?.node ?? null,
      ...nodeJson(result.answers, result.plan, result.apply, result.generatedPassword),
      verification: result.verification,
      peerCommand: result.peerCommand,
    });
  }
  if (result.status === 'aborted') return EXIT.warnings;
  if (result.verification && (!result.verification.running || result.verification.timedOut)) return EXIT.failure;
  return EXIT.ok;
}
