/**
 * `ha-setup [setup]`: this node (or the lab node it runs in), or with `--host A --host B`
 * both nodes of a pair over ssh from one set of answers. One flow for both (src/setup/run.ts);
 * here only where the nodes come from, how they are shown and what is printed at the end.
 */
import type { Command } from 'commander';
import { globalOptions, nodeContext, type GlobalOptions } from './context.js';
import { runSetup, type RawAnswers, type SetupResult, type SetupUi } from '../setup/run.js';
import { confirmation, flagsToRaw, nodeJson, readAnswersFile, runChoices, setupFlags, type SetupFlags } from '../setup/flags.js';
import { verified } from '../setup/verify.js';
import type { ClusterNode } from '../nodes/types.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import { LocalHost } from '../host/local.js';
import type { Host } from '../host/types.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../ui/progress.js';
import { printDone, printPlan, printPreflight } from '../ui/setup-view.js';
import { printPairDone } from '../ui/pair-view.js';
import { output, paint, printJson, printLine } from '../ui/output.js';
import { nodeShell } from '../system/node-shell.js';
import { adminFileKind, readAdminFile } from '../host/admin-files.js';

interface SetupNodes {
  nodes: ClusterNode[];
  raw: RawAnswers;
  filesOnly: boolean;
  close(): Promise<void>;
}

/**
 * The nodes and the answers. The answers file is read on this node, or for a pair where
 * the user stands, before any node is reached: a bad file costs no connection.
 */
async function setupNodes(g: GlobalOptions, targets: readonly string[], answers: (host: Host) => Promise<RawAnswers>): Promise<SetupNodes> {
  if (targets.length === 0) {
    const node = await nodeContext(g);
    return { nodes: [node], raw: await answers(node.factsHost), filesOnly: node.filesOnly, close: async () => {} };
  }
  const raw = await answers(new LocalHost('/'));
  if (targets.length !== 2) throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('pair.error.hostCount') });
  const nodes = await connectNodes([...targets], { dryRun: g.dryRun });
  return { nodes, raw, filesOnly: false, close: () => closeNodes(nodes) };
}

export async function runSetupCommand(cmd: Command, targets: readonly string[]): Promise<number> {
  const g = globalOptions(cmd);
  const f = await withSmtpPassword(setupFlags(cmd.opts() as SetupFlags));
  const set = await setupNodes(g, targets, async (host) => ({ ...(f.answers ? await readAnswersFile(f.answers, host) : {}), ...flagsToRaw(f) }));
  try {
    const pair = set.nodes.length > 1;
    // A failover test that did not end left a node drained or a service stopped: undo that first.
    // (Under --root nothing on this machine is run: the files there are another system's.)
    if (!set.filesOnly) await undoLeftoversOn(set.nodes, g);
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !output.json;
    const wizard = interactive ? await import('../ui/wizard.js') : null;
    const ui: SetupUi = {
      progress: createProgress(),
      preflight: (node, facts, existing) => {
        if (output.quiet || output.json) return;
        if (pair) printLine(paint('bold', t('pair.preflight.title', { node: node.label })));
        printPreflight(facts, existing);
      },
      chooseExisting: (_node, existing) => wizard!.chooseExisting(existing),
      // With --yes everything must come from flags; the wizard asks only in a terminal.
      ask: wizard && !g.yes ? wizard.askAnswers : null,
      showPlan: (_node, plan) => {
        if (!output.json && (g.dryRun || !output.quiet)) printPlan(plan, g.dryRun || interactive);
      },
      confirm: confirmation(wizard, interactive),
      done: (result) => {
        if (output.quiet || output.json) return;
        if (pair) printPairDone(result);
        else printDone(result, nodeShell(set.nodes[0]!.factsHost));
      },
    };
    const result = await runSetup({ nodes: set.nodes, raw: set.raw, ...runChoices(f, g), filesOnly: set.filesOnly, ui });
    if (output.json) printJson(pair ? pairJson(result) : nodeResultJson(result));
    if (result.status === 'aborted') return EXIT.warnings;
    if (result.verification && !verified(result.verification)) return EXIT.failure;
    return EXIT.ok;
  } finally {
    await set.close();
  }
}

/** --smtp-password-file: the first line of a file where the user stands (kept out of argv and history). */
async function withSmtpPassword<F extends SetupFlags>(f: F): Promise<F> {
  if (f.smtpPasswordFile === undefined) return f;
  const field = '--smtp-password-file';
  if (adminFileKind(f.smtpPasswordFile) !== 'file') throw new UserError({ field, value: f.smtpPasswordFile, accepted: t('notify.accepted.smtpPassword') });
  const password = (await readAdminFile(f.smtpPasswordFile)).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new UserError({ field, value: f.smtpPasswordFile, accepted: t('notify.accepted.smtpPassword') });
  return { ...f, smtpPassword: password };
}

function nodeResultJson(result: SetupResult) {
  const n = result.nodes[0];
  return {
    status: result.status,
    node: n?.plan.node ?? null,
    ...nodeJson(n?.answers ?? null, n?.plan ?? null, n?.apply ?? null, result.generatedPassword),
    verification: result.verification,
    peerCommand: result.peerCommand,
  };
}

function pairJson(result: SetupResult) {
  return {
    status: result.status,
    nodes: Object.fromEntries(result.nodes.map((n) => [n.label, nodeJson(n.answers, n.plan, n.apply, result.generatedPassword)])),
    verification: result.verification,
  };
}
