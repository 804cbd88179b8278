/**
 * plan -> changes, through a Host. Either the whole plan completes or what was changed is
 * put back: every step that changes something pushes its undo before the next one runs.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { applyFirewallStep } from '../firewall/vrrp.js';
import { nodeShell } from '../system/node-shell.js';
import type { Plan, PlanStep } from './plan.js';
import { OperationError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import { guard } from '../guard.js';

export interface ApplyHooks {
  /** Wraps each step for progress display; must call fn and return its result. */
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** keepalived -t on a file; null when it is accepted, else the messages. */
  testConfig(path: string): Promise<string[] | null>;
  /** Installs keepalived (package manager or source build). */
  install(method: 'package' | 'source', source: string | null): Promise<void>;
  /** Reports something the user should see that does not stop the run. */
  warn(message: string): void;
  /** Aborted: stop before the next step and put back what was changed (SIGINT, SIGTERM...). */
  signal?: AbortSignal;
  /** Given the rollback, for a guard that must run it when this run cannot (an exception elsewhere). */
  onRollback?: (rollback: () => Promise<void>) => void;
}

export interface ApplyResult {
  changedFiles: string[];
  backups: string[];
  ranCommands: string[][];
}

type Undo = { what: string; run: () => Promise<void> };

export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'install':
      return t('setup.plan.install', { method: step.method });
    case 'write':
      return t('setup.plan.write', { path: step.path, mode: step.mode.toString(8).padStart(4, '0') });
    case 'exec':
      return t('setup.plan.run', { command: step.argv.join(' ') });
    case 'service':
      return t('setup.plan.service', { op: step.op, name: step.name });
  }
}

/** The mode a file has now (before the plan changes it), or `fallback` when there is none. */
async function modeBefore(host: Host, path: string, fallback: number): Promise<number> {
  return (await host.stat(path))?.mode ?? fallback;
}

async function restoreFile(host: Host, path: string, previous: string | null, mode: number): Promise<void> {
  if (previous === null) await host.remove(path);
  else await host.writeFileAtomic(path, previous, { mode, why: 'rollback' });
}

export async function applyPlan(plan: Pick<Plan, 'steps'>, host: Host, services: ServiceControl, hooks: ApplyHooks): Promise<ApplyResult> {
  const undo: Undo[] = [];
  const result: ApplyResult = { changedFiles: [], backups: [], ranCommands: [] };
  let rolling: Promise<void> | null = null;
  // Once, however often it is asked for (the failed step, a guard).
  const rollback = () =>
    (rolling ??= (async () => {
      for (const u of undo.reverse()) {
        try {
          await u.run();
          hooks.warn(t('setup.apply.rolledBack', { what: u.what }));
        } catch (e) {
          hooks.warn(t('setup.apply.rollbackFailed', { what: u.what, error: (e as Error).message }));
        }
      }
    })());
  hooks.onRollback?.(rollback);
  try {
    for (const step of plan.steps) {
      if (hooks.signal?.aborted) throw new OperationError(t('setup.apply.interrupted', { why: String(hooks.signal.reason) }), { exitCode: EXIT.interrupted });
      await hooks.step(describeStep(step), () => runStep(step, host, services, hooks, undo, result));
    }
    return result;
  } catch (err) {
    await rollback();
    throw err;
  }
}

async function runStep(step: PlanStep, host: Host, services: ServiceControl, hooks: ApplyHooks, undo: Undo[], result: ApplyResult): Promise<void> {
  switch (step.kind) {
    case 'install':
      await hooks.install(step.method, step.source);
      return;
    case 'write': {
      if (step.configTest) {
        // keepalived -t checks the new file before it replaces the old one.
        const candidate = `${step.path}.ha-setup-new`;
        await host.writeFileAtomic(candidate, step.content, { mode: step.mode, rootOwned: step.rootOwned, why: 'candidate for keepalived -t' });
        try {
          const problems = await hooks.testConfig(candidate);
          if (problems) throw new OperationError(t('setup.apply.configRejected'), { details: problems });
        } finally {
          await host.remove(candidate);
        }
      }
      const previousMode = step.previous === null ? step.mode : await modeBefore(host, step.path, step.mode);
      const w = await host.writeFileAtomic(step.path, step.content, { mode: step.mode, rootOwned: step.rootOwned, why: step.why });
      if (w.changed) {
        result.changedFiles.push(step.path);
        if (w.backup) result.backups.push(w.backup);
        undo.push({ what: step.path, run: () => restoreFile(host, step.path, step.previous, previousMode) });
      }
      return;
    }
    case 'exec': {
      // A saved rule file goes back with the mode it had, like any file the plan writes.
      const savedMode = step.saveTo ? await modeBefore(host, step.saveTo.path, step.saveTo.mode) : 0;
      const r = await applyFirewallStep(host, step);
      result.ranCommands.push(step.argv);
      if (r.exitCode !== 0) {
        throw new OperationError(t('setup.apply.stepFailed', { step: step.argv.join(' ') }), { details: r.error.split('\n').slice(-10) });
      }
      if (step.undo) {
        const [cmd, ...args] = step.undo;
        undo.push({ what: step.argv.join(' '), run: async () => void (await host.exec(cmd!, args, { why: 'rollback' })) });
      }
      if (step.saveTo && r.write?.changed) {
        result.changedFiles.push(step.saveTo.path);
        if (r.write.backup) result.backups.push(r.write.backup);
        const { path, mode } = step.saveTo;
        const previous = r.previous;
        undo.push({ what: path, run: () => restoreFile(host, path, previous, previous === null ? mode : savedMode) });
      }
      return;
    }
    case 'service': {
      if (step.op === 'enable') {
        const r = await services.enable(step.name);
        if (r.exitCode !== 0) hooks.warn(`${describeStep(step)}: ${(r.stderr || r.stdout).trim()}`);
        return;
      }
      const wasActive = await services.isActive(step.name);
      const r = step.op === 'restart' ? await services.restart(step.name) : step.op === 'reload' ? await services.reload(step.name) : await services.start(step.name);
      const running = r.exitCode === 0 && (await stillActiveAfter(services, step.name, 1500));
      // Once the files are rolled back (a later step or a later node failed, or this one),
      // bring back the service as it was: this undo runs last.
      undo.unshift(serviceUndo(step, wasActive, services));
      if (!running) {
        const logs = await services.recentLogs(step.name, 20);
        throw new OperationError(t('setup.apply.startFailed'), {
          details: [...(r.stderr || r.stdout).trim().split('\n').filter(Boolean).slice(-5), ...logs],
          hint: t('setup.apply.startFailed.hint', { command: nodeShell(host).haSetup(['doctor']) }),
        });
      }
      return;
    }
  }
}

/** The service as it was before `step`: stopped, or running (reloaded or restarted) with the previous files. */
function serviceUndo(step: Extract<PlanStep, { kind: 'service' }>, wasActive: boolean, services: ServiceControl): Undo {
  return {
    what: `${step.name} (${wasActive ? (step.op === 'reload' ? 'reloaded' : 'restarted') : 'stopped'} with the previous files)`,
    run: async () => {
      const r = !wasActive
        ? await services.stop(step.name)
        : step.op === 'reload' && (await services.isActive(step.name))
          ? await services.reload(step.name)
          : await services.restart(step.name);
      if (r.exitCode !== 0) throw new Error((r.stderr || r.stdout).trim() || `exit ${r.exitCode}`);
    },
  };
}

/** One node's part of a run: its plan, where it is applied, and how its steps are shown. */
export interface NodeApply {
  plan: Plan;
  host: Host;
  services: ServiceControl;
  hooks: Omit<ApplyHooks, 'signal' | 'onRollback'>;
}

/**
 * Apply the plans of one or two nodes in turn, inside one guard (src/guard.ts): either
 * every node completes, or every node that changed is put back by its own undo log,
 * the last one first — whatever ends the run (a failed step, a signal, an exception).
 */
export async function applyPlans(runs: readonly NodeApply[]): Promise<ApplyResult[]> {
  const rollbacks: Array<() => Promise<void>> = [];
  // Each node's rollback runs once however often it is asked for (applyPlan, the guard, here).
  const rollBackAll = async () => {
    for (const r of [...rollbacks].reverse()) await r();
  };
  return guard({ undo: rollBackAll }, async (g) => {
    const results: ApplyResult[] = [];
    for (const run of runs) {
      try {
        results.push(await applyPlan(run.plan, run.host, run.services, { ...run.hooks, signal: g.signal, onRollback: (r) => rollbacks.push(r) }));
      } catch (err) {
        // applyPlan has put this node back; the nodes before it changed successfully: them too.
        await rollBackAll();
        throw err;
      }
    }
    return results;
  });
}

/** keepalived exits within a second on a configuration it cannot use: still alive after 1.5 s counts. */
async function stillActiveAfter(services: ServiceControl, name: 'keepalived' | 'nginx', ms: number): Promise<boolean> {
  await new Promise((r) => setTimeout(r, ms));
  return services.isActive(name);
}
