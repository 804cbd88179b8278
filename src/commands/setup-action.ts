import type { Command } from 'commander';
import { globalOptions, nodeContext } from './context.js';
import { runSetup, type ExistingChoice, type RawAnswers, type SetupUi } from '../setup/run.js';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../ui/progress.js';
import { printDone, printPlan, printPreflight } from '../ui/setup-view.js';
import { output, printJson } from '../ui/output.js';
import { LocalHost } from '../host/local.js';
import { nodeShell } from '../system/node-shell.js';
import { isAbsolute, resolve } from 'node:path';
import type { Host } from '../host/types.js';

interface SetupFlags {
  role?: string;
  interface?: string;
  vip?: string[];
  vrid?: string;
  priority?: string;
  advertInt?: string;
  authPass?: string;
  peer?: string[];
  routerId?: string;
  nopreempt?: boolean;
  email?: string;
  checkUrl?: string;
  answers?: string;
  existing?: string;
  method?: string;
  source?: string;
  install?: boolean;
}

const ANSWER_KEYS = ['role', 'interface', 'vip', 'vrid', 'priority', 'advertInt', 'authPass', 'peers', 'routerId', 'nopreempt', 'email', 'checkUrl'];

/**
 * An answers file is the JSON the wizard saves; unknown keys are an error, not silently
 * ignored. An absolute path is looked for on the node first (inside `lab exec NODE` or with
 * --root, /etc/keepalived/... is the node's file: the path setup itself printed), then as
 * given; a relative one is where the user stands.
 */
async function readAnswersFile(path: string, node: Host): Promise<RawAnswers> {
  const machine = new LocalHost('/');
  const text = isAbsolute(path) ? ((await node.readFile(path).catch(() => null)) ?? (await machine.readFile(path))) : await machine.readFile(resolve(path));
  if (text === null) throw new UserError({ field: '--answers', value: path, accepted: t('setup.accepted.answersFile') });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text around the error: the file holds the password, so only the position is told.
    const at = /position (\d+)|line (\d+) column (\d+)/.exec((e as Error).message);
    throw new UserError({ field: '--answers', value: path, accepted: t('setup.accepted.answersFile'), reason: t('setup.reason.answersNotJson', { at: at ? at[0] : '-' }) });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UserError({ field: '--answers', value: path, accepted: t('setup.accepted.answersFile') });
  const unknown = Object.keys(data).filter((k) => !ANSWER_KEYS.includes(k));
  if (unknown.length) throw new UserError({ field: '--answers', value: unknown.join(', '), accepted: ANSWER_KEYS.join(', ') });
  return data as RawAnswers;
}

export function flagsToRaw(f: SetupFlags): RawAnswers {
  const raw: RawAnswers = {};
  const set = (k: keyof RawAnswers, v: unknown) => {
    if (v !== undefined) raw[k] = v;
  };
  set('role', f.role);
  set('interface', f.interface);
  set('vip', f.vip);
  set('vrid', f.vrid);
  set('priority', f.priority);
  set('advertInt', f.advertInt);
  set('authPass', f.authPass);
  set('peers', f.peer);
  set('routerId', f.routerId);
  set('nopreempt', f.nopreempt ? true : undefined);
  set('email', f.email);
  set('checkUrl', f.checkUrl);
  return raw;
}

/**
 * How a plan is confirmed: the wizard asks in a terminal; without one, a run that needs
 * confirmation is a usage error naming --yes, never a hang. (--yes and --dry-run never ask.)
 */
export function confirmation(wizard: { confirmPlan(): Promise<boolean> } | null, interactive: boolean): () => Promise<boolean> {
  if (interactive && wizard) return () => wizard.confirmPlan();
  return async () => {
    throw new UserError({ field: '--yes', value: undefined, accepted: '--yes', reason: t('setup.confirm') });
  };
}

export async function runSetupCommand(cmd: Command): Promise<number> {
  const g = globalOptions(cmd);
  const f = cmd.opts() as SetupFlags;
  if (f.existing !== undefined && !['keep', 'replace', 'stop'].includes(f.existing)) {
    throw new UserError({ field: '--existing', value: f.existing, accepted: t('setup.accepted.existing') });
  }
  if (f.method !== 'package' && f.method !== 'source') throw new UserError({ field: '--method', value: f.method, accepted: 'package, source' });
  const pair = Boolean((cmd.optsWithGlobals() as { host?: string[] }).host?.length);
  const node = pair ? null : await nodeContext(g);
  const raw = { ...(f.answers ? await readAnswersFile(f.answers, node?.factsHost ?? new LocalHost('/')) : {}), ...flagsToRaw(f) };
  if (!node) {
    const { runPairSetupCommand } = await import('./pair-setup-action.js');
    return runPairSetupCommand(cmd, raw);
  }
  // A failover test that did not end left the node drained or a service stopped: undo that first.
  const { offerLeftoverUndo } = await import('./leftovers.js');
  // (Under --root nothing on this machine is run: the files there are another system's.)
  if (!node.filesOnly) await offerLeftoverUndo(g.dryRun ? node.factsHost : node.applyHost, node.labNode ?? node.factsHost.label, g);
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
    existing: (f.existing as ExistingChoice | undefined) ?? null,
    dryRun: g.dryRun,
    yes: g.yes,
    filesOnly: node.filesOnly,
    installMethod: f.method,
    installSource: f.source ?? null,
    noInstall: f.install === false,
    ui,
  });
  if (output.json) {
    printJson({
      status: result.status,
      node: result.plan?.node ?? null,
      answers: result.answers ? { ...result.answers, authPass: result.generatedPassword ? result.answers.authPass : '********' } : null,
      plan: result.plan?.steps.map((s) => ({ ...s, ...(s.kind === 'write' ? { content: undefined, previous: undefined, changed: true } : {}) })) ?? [],
      unchanged: result.plan?.unchanged ?? [],
      changedFiles: result.apply?.changedFiles ?? [],
      backups: result.apply?.backups ?? [],
      verification: result.verification,
      peerCommand: result.peerCommand,
    });
  }
  if (result.status === 'aborted') return EXIT.warnings;
  if (result.verification && (!result.verification.running || result.verification.timedOut)) return EXIT.failure;
  return EXIT.ok;
}
