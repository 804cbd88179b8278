import type { Command } from 'commander';
import { globalOptions, hostTargets, nodeContext } from './context.js';
import { runNotifyTest, type NotifyTestOutcome } from '../notify/test.js';
import { printNotifyTest } from '../ui/notify-view.js';
import { output, paint, printJson, printLine } from '../ui/output.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { EXIT } from '../exit-codes.js';
import type { Host } from '../host/types.js';

const delivered = (o: NotifyTestOutcome) => o.kind === 'sent' && o.results.length > 0 && o.results.every((r) => r.ok);
const nodeJson = (label: string, o: NotifyTestOutcome) => ({ node: label, status: o.kind, ok: delivered(o), channels: o.kind === 'sent' ? o.results : [] });

/**
 * This node (or the lab node it runs in), or with --host each node over ssh: every node
 * sends through its own channels. Exit 0: every channel of every node delivered; 2: one
 * failed, or a node has no channel to test.
 */
export async function notifyTestCommand(cmd: Command): Promise<number> {
  const g = globalOptions(cmd);
  const targets = hostTargets(cmd);
  let nodes: Array<{ label: string; host: Host }>;
  let close = async () => {};
  if (targets.length === 0) {
    const node = await nodeContext(g);
    nodes = [{ label: node.label, host: node.factsHost }];
  } else {
    const remote = await connectNodes([...targets], { dryRun: false });
    nodes = remote.map((n) => ({ label: n.label, host: n.factsHost }));
    close = () => closeNodes(remote);
  }
  try {
    const outcomes = await Promise.all(nodes.map((n) => runNotifyTest(n.host)));
    if (output.json) {
      printJson(nodes.length === 1 ? nodeJson(nodes[0]!.label, outcomes[0]!) : { nodes: nodes.map((n, i) => nodeJson(n.label, outcomes[i]!)) });
    } else {
      nodes.forEach((n, i) => {
        if (nodes.length > 1) printLine(paint('bold', n.label));
        printNotifyTest(outcomes[i]!);
      });
    }
    return outcomes.every(delivered) ? EXIT.ok : EXIT.failure;
  } finally {
    await close();
  }
}
