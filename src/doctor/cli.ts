/**
 * The doctor command's work: build the node's context, run the checks (with a live view
 * on a terminal), optionally fix, print. Loaded lazily by src/commands/doctor.ts.
 */
import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import type { Check } from '../../checks/types.js';
import type { DoctorFlags } from '../commands/doctor.js';
import { globalOptions, nodeContext } from '../commands/context.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { output, paint, printInfo, printJson, printLine } from '../ui/output.js';
import { doctorJson, renderDoctorReport } from '../ui/doctor-report.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { createDoctorContext } from './build-context.js';
import { guard } from '../guard.js';
import type { DoctorOptions } from './context.js';
import { applyFixes, exitCodeFor, runChecks, selectChecks, type DoctorCheckReport, type ExtraFix, type FixOutcome, type RunHooks } from './run.js';

const LISTEN_RANGE = { min: 100, max: 60_000 };

function pathOption(root: string, file: string | undefined): string | null {
  if (!file) return null;
  if (isAbsolute(file)) return file;
  return resolve(root === '/' ? process.cwd() : '/', file);
}

export function doctorOptions(flags: DoctorFlags, root: string): DoctorOptions {
  let captureMs: number | null = null;
  if (flags.listen !== undefined) {
    const n = Number(flags.listen);
    if (!Number.isInteger(n) || n < LISTEN_RANGE.min || n > LISTEN_RANGE.max) {
      throw new UserError({ field: '--listen', value: flags.listen, accepted: `${LISTEN_RANGE.min}-${LISTEN_RANGE.max} (milliseconds)` });
    }
    captureMs = n;
  }
  return {
    configPath: pathOption(root, flags.config),
    logPath: pathOption(root, flags.log),
    showSecrets: Boolean(flags.showSecrets),
    captureMs,
    peers: flags.peer ?? [],
  };
}

function printPlanned(fixable: Array<{ check: Check; report: DoctorCheckReport }>, extra: ExtraFix[]): void {
  printLine(paint('bold', t('doctor.fix.planned')));
  for (const { report } of fixable) {
    printLine(`  - ${report.id}: ${report.fix?.explain ?? report.summary}`);
    for (const c of report.fix?.commands ?? []) printLine(`      $ ${c}`);
  }
  for (const x of extra) printLine(`  - ${x.explain}\n      $ ${x.argv.join(' ')}`);
}

export async function runDoctorCommand(cmd: Command, flags: DoctorFlags): Promise<number> {
  const opts = globalOptions(cmd);
  // --host A [--host B]: the nodes over ssh, and the pair checks (src/doctor/pair-cli.ts).
  if ((cmd.optsWithGlobals() as { host?: string[] }).host?.length) return (await import('./pair-cli.js')).runPairDoctorCommand(cmd, flags);
  const checks = selectChecks(ALL_CHECKS, flags.check);
  const options = doctorOptions(flags, opts.root);
  const node = await nodeContext(opts);
  const make = () => createDoctorContext({ host: node.factsHost, services: node.services }, options);
  const ctx = make();

  const interactive = Boolean(process.stdout.isTTY) && !output.json && !output.quiet;
  const live = interactive ? (await import('../ui/doctor-live.js')).startDoctorLive(t('doctor.ui.title', { node: node.factsHost.label }), checks.map((c) => ({ id: c.id, title: c.title() }))) : null;
  const hooks: RunHooks = {
    onStart: (c) => live?.start(c.id),
    onResult: (c, r) => live?.done(c.id, r.status, r.summary),
  };
  let report: Awaited<ReturnType<typeof runChecks>>;
  try {
    report = await runChecks(ctx, checks, hooks);
  } finally {
    live?.stop();
  }

  let fixes: FixOutcome[] | null = null;
  if (flags.fix) {
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
    report = result.report;
    fixes = result.fixes;
    if (fixes.length === 0 && !output.json && report.checks.some((c) => c.status === 'fail' || c.status === 'warn')) printLine(t('doctor.fix.nothing'));
  }

  if (output.json) printJson(doctorJson(report, fixes));
  else for (const line of renderDoctorReport(report, fixes ?? [])) printLine(line);
  return exitCodeFor(report);
}
