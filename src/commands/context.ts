import type { Command } from 'commander';
import { LocalHost } from '../host/local.js';
import { PlanHost } from '../host/plan.js';
import type { Host } from '../host/types.js';
import { output, printVerbose } from '../ui/output.js';

/** The global flags, as every command sees them. */
export interface GlobalOptions {
  root: string;
  dryRun: boolean;
  json: boolean;
  yes: boolean;
  quiet: boolean;
  verbose: boolean;
  lang?: string;
}

/** Merge a command's options with the program's global ones (commander keeps them apart). */
export function globalOptions(cmd: Command): GlobalOptions {
  const all = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    root: all.root ?? '/',
    dryRun: Boolean(all.dryRun),
    json: Boolean(all.json),
    yes: Boolean(all.yes),
    quiet: Boolean(all.quiet),
    verbose: Boolean(all.verbose),
    lang: all.lang,
  };
}

/** The host that reads facts: always the real one, under --root. */
export function factsHost(opts: GlobalOptions): LocalHost {
  return new LocalHost(opts.root, output.verbose ? (argv) => printVerbose(`$ ${argv.join(' ')}`) : undefined);
}

/** The host that applies changes: records them under --dry-run. */
export function applyHost(opts: GlobalOptions, facts: Host = factsHost(opts)): Host {
  return opts.dryRun ? new PlanHost(facts) : facts;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
