/** What every command reads from commander: the global flags and the nodes it names (--host). */
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli-flags/global.js';

export { applyHost, audited, commandObserver, factsHost, isRoot, nodeContext, type NodeContext } from '../nodes/local.js';
export type { GlobalOptions };

/** Merge a command's options with the program's global ones (commander keeps them apart). */
export function globalOptions(cmd: Command): GlobalOptions {
  const all = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    // Inside `ha-setup lab exec NODE`, the node's directory is this machine's "/".
    root: all.root ?? process.env.HA_SETUP_ROOT ?? '/',
    dryRun: Boolean(all.dryRun),
    json: Boolean(all.json),
    yes: Boolean(all.yes),
    quiet: Boolean(all.quiet),
    verbose: Boolean(all.verbose),
    lang: all.lang,
  };
}

/**
 * The --host values of a command (a global option, repeatable): none is this machine (or
 * the lab node it runs in), one or two are nodes over ssh. Read here only, once per command.
 */
export function hostTargets(cmd: Command): string[] {
  const value = (cmd.optsWithGlobals() as { host?: string[] | string }).host;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
