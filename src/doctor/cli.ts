/**
 * The doctor command's work on this node (or the lab node it runs in): build the node's
 * context, run the checks (with a live view on a terminal), optionally fix, print.
 * Loaded lazily by src/commands/doctor.ts, which sends --host to src/doctor/pair-cli.ts.
 */
import type { Check } from '../../checks/types.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import { nodeContext } from '../nodes/local.js';
import { doctorOptions, type DoctorFlags } from './flags.js';
import { t } from '../i18n/index.js';
import { output, paint, printInfo, printLine } from '../ui/output.js';
import { printDoctorReport } from '../ui/doctor-report.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { createDoctorContext } from './build-context.js';
import { guard } from '../guard.js';
import { applyFixes, exitCodeFor, runChecks, selectChecks, type DoctorCheckReport, type ExtraFix, type FixOutcome, type RunHooks } from './run.js';

function printPlanned(fixable: Array<{ check: Check; report: DoctorCheckReport }>, extra: ExtraFix[]): void {
  printLine(paint('bold', t('doctor.fix.planned')));
  for (const { report } of fixable) {
    printLine(`  - ${report.id}: ${report.fix?.explain ?? report.summary}`);
    for (const c of report.fix?.commands ?? []) printLine(`      $ ${c}`);
  }
  for (const x of extra) printLine(`  - ${x.explain}\n      $ ${x.argv.join(' ')}`);
}

export async function runDoctorCommand(opts: GlobalOptions, flags: DoctorFlags): Promise<number> {
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

  printDoctorReport(report, fixes);
  return exitCodeFor(report);
}
