import type { Check, CheckResult } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { t } from '../src/i18n/index.js';
import type { PlanStep } from '../src/setup/plan.js';
import { result } from '../src/doctor/result.js';
import { commandLine } from '../src/doctor/paths.js';
import { DEFAULTS } from '../src/defaults.js';
import { scriptHonoursFlag } from '../src/failover/preflight.js';
import { hasLeftovers, inspectLeftovers, leftoverCommandLines, leftoverUndo, runInProgress, type NodeLeftovers } from '../src/failover/leftover.js';

/**
 * ha-setup's own state on the node: the maintenance flag (the check script fails while it
 * exists), failover-test's lock and the record of a run that did not end. A run that is
 * going on right now explains all three; a run that is gone left them behind, and the fix
 * is exactly what undoes them on this node.
 */
export async function maintenanceResult(ctx: DoctorContext, l: NodeLeftovers): Promise<CheckResult> {
  const node = ctx.host.label;
  if (runInProgress(l)) {
    const details = l.record ? [t('doctor.maintenance.fault', { fault: l.record.fault, started: l.record.started, by: l.record.by })] : [];
    return result('warn', t('doctor.maintenance.running', { pid: l.lock!.pid ?? '?', path: ctx.host.runtimePath(l.lock!.path) }), details);
  }
  if (hasLeftovers(l)) {
    const commands = leftoverCommandLines(ctx.host, l);
    const details: string[] = [];
    let summary: string;
    if (l.record) {
      summary = t('doctor.maintenance.unfinished', { mode: l.record.mode, started: l.record.started, by: l.record.by, fault: l.record.fault });
      if (l.record.watchdog !== null) details.push(t('doctor.maintenance.watchdog', { pid: l.record.watchdog, deadline: l.record.deadline }));
    } else if (l.flag?.ours) {
      summary = t('doctor.maintenance.flagLeft', { path: ctx.host.runtimePath(l.flag.path) });
    } else {
      summary = t('doctor.maintenance.staleLock', { path: ctx.host.runtimePath(l.lock!.path), pid: l.lock!.pid ?? '?' });
    }
    if (l.flag && !l.flag.ours) details.push(t('doctor.maintenance.flagByHand', { path: ctx.host.runtimePath(l.flag.path) }));
    const worst = l.record || l.flag?.ours ? 'fail' : 'warn';
    return result(worst, summary, details, { explain: t('doctor.maintenance.fix', { node }), commands });
  }
  if (l.flag) {
    // An operator's own drain (`touch` the flag): reported, never removed by --fix.
    const path = ctx.host.runtimePath(l.flag.path);
    return result('warn', t('doctor.maintenance.flagByHand', { path }), [], { explain: t('doctor.maintenance.flagByHand.fix', { node }), commands: [commandLine(['rm', '-f', path])] });
  }
  return result('ok', t('doctor.maintenance.ok'));
}

/**
 * When `service` is down because a failover test stopped it (running now, or a run that
 * did not end), the result that says so, instead of blaming the service; else null.
 */
export async function stoppedByFailoverTest(ctx: DoctorContext, service: 'nginx' | 'keepalived'): Promise<CheckResult | null> {
  const l = await inspectLeftovers(ctx.host).catch(() => null);
  if (!l?.record || l.record.mode !== service) return null;
  if (runInProgress(l)) return result('warn', t('doctor.maintenance.stoppedNow', { service, pid: l.lock!.pid ?? '?' }));
  return result('fail', t('doctor.maintenance.stoppedLeft', { service, started: l.record.started, by: l.record.by }), [], {
    explain: t('doctor.maintenance.fix', { node: ctx.host.label }),
    commands: leftoverCommandLines(ctx.host, l),
  });
}

/** The maintenance flag's path as the node names it, when it exists and `scriptText` tests it: the check fails on purpose. */
export async function drainFlagIn(ctx: DoctorContext, scriptText: string | null): Promise<string | null> {
  const flag = DEFAULTS.paths.maintenanceFlag;
  if (!scriptHonoursFlag(scriptText, [flag, ctx.host.runtimePath(flag)])) return null;
  return (await ctx.host.exists(flag).catch(() => false)) ? ctx.host.runtimePath(flag) : null;
}

export const maintenance: Check = {
  id: 'maintenance',
  title: () => t('doctor.maintenance.title'),
  async run(ctx) {
    return maintenanceResult(ctx, await inspectLeftovers(ctx.host));
  },
  async fixSteps(ctx) {
    // Exactly what failover-test and setup run to undo the same leftovers.
    return leftoverUndo(ctx.host, await inspectLeftovers(ctx.host)).map(({ argv, why }): PlanStep => ({ kind: 'exec', argv, why }));
  },
};
