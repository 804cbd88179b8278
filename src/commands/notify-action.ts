import type { Command } from 'commander';
import { globalOptions, nodeContext } from './context.js';
import { runNotifyTest } from '../notify/test.js';
import { printNotifyTest } from '../ui/notify-view.js';
import { output, printJson } from '../ui/output.js';
import { EXIT } from '../exit-codes.js';

/** Exit 0: every channel delivered; 2: one failed, or there is no channel to test. */
export async function notifyTestCommand(cmd: Command): Promise<number> {
  const node = await nodeContext(globalOptions(cmd));
  const outcome = await runNotifyTest(node.factsHost);
  const ok = outcome.kind === 'sent' && outcome.results.length > 0 && outcome.results.every((r) => r.ok);
  if (output.json) printJson({ node: node.label, status: outcome.kind, ok, channels: outcome.kind === 'sent' ? outcome.results : [] });
  else printNotifyTest(outcome);
  return ok ? EXIT.ok : EXIT.failure;
}
