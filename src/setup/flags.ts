/**
 * setup's own flags, the answers file and the confirmation rule: the same for one node
 * and for a pair (the commands read --host and choose the flow).
 */
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { LocalHost } from '../host/local.js';
import type { Host } from '../host/types.js';
import type { ExistingChoice, RawAnswers } from './run.js';
import type { Plan } from './plan.js';
import type { Answers } from './answers.js';
import type { ApplyResult } from './apply.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import { maskedNotify } from '../notify/channels.js';

export interface SetupFlags {
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
  notifyWebhook?: string;
  notifyDingtalk?: string;
  notifyDingtalkSecret?: string;
  notifyWecom?: string;
  notifyFeishu?: string;
  notifyFeishuSecret?: string;
  smtpServer?: string;
  smtpStarttls?: boolean;
  smtpUser?: string;
  /** Read by the command (src/commands/setup-action.ts), not a raw answer itself. */
  smtpPasswordFile?: string;
  smtpPassword?: string;
  allowHttp?: boolean;
  mode?: string;
  secondVip?: string[];
  secondVrid?: string;
  secondPriority?: string;
  answers?: string;
  existing?: string;
  method?: string;
  source?: string;
  install?: boolean;
}

const ANSWER_KEYS = ['role', 'interface', 'vip', 'extraVips', 'vrid', 'priority', 'advertInt', 'authPass', 'peers', 'routerId', 'nopreempt', 'email', 'checkUrl', 'mode', 'secondVips', 'secondVrid', 'secondPriority', 'notify'];

/**
 * An answers file is the JSON the wizard saves; unknown keys are an error, not silently
 * ignored. An absolute path is looked for on the node first (inside `lab exec NODE` or with
 * --root, /etc/keepalived/... is the node's file: the path setup itself printed), then as
 * given; a relative one is where the user stands.
 */
export async function readAnswersFile(path: string, node: Host): Promise<RawAnswers> {
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
  set('notify', notifyFlagsToRaw(f));
  set('mode', f.mode);
  set('secondVips', f.secondVip);
  set('secondVrid', f.secondVrid);
  set('secondPriority', f.secondPriority);
  return raw;
}

/**
 * The notify flags as the raw `notify` answer; undefined when none is given (the answers
 * file's or the configured `notify` then stands). --smtp-server HOST[:PORT] is kept as
 * given: validation splits it.
 */
function notifyFlagsToRaw(f: SetupFlags): Record<string, unknown> | undefined {
  // --smtp-server '' removes the mail of a configured node.
  const smtp = f.smtpServer === undefined ? undefined : f.smtpServer === '' ? null : { host: f.smtpServer, starttls: f.smtpStarttls ?? false, user: f.smtpUser, password: f.smtpPassword };
  const raw: Record<string, unknown> = {
    webhook: f.notifyWebhook,
    dingtalk: f.notifyDingtalk,
    dingtalkSecret: f.notifyDingtalkSecret,
    wecom: f.notifyWecom,
    feishu: f.notifyFeishu,
    feishuSecret: f.notifyFeishuSecret,
    smtp,
    allowHttp: f.allowHttp ? true : undefined,
  };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  if (f.smtpServer === undefined && (f.smtpStarttls || f.smtpUser !== undefined || f.smtpPassword !== undefined)) {
    throw new UserError({ field: '--smtp-server', value: undefined, accepted: t('notify.accepted.smtpServer'), reason: t('notify.reason.smtpFlagsNeedServer') });
  }
  return Object.keys(given).length > 0 ? given : undefined;
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

/** The flags of `setup`, the choices among them checked before anything is read. */
export function setupFlags(f: SetupFlags): SetupFlags & { method: 'package' | 'source' } {
  if (f.existing !== undefined && !['keep', 'replace', 'stop'].includes(f.existing)) {
    throw new UserError({ field: '--existing', value: f.existing, accepted: t('setup.accepted.existing') });
  }
  if (f.method !== 'package' && f.method !== 'source') throw new UserError({ field: '--method', value: f.method, accepted: 'package, source' });
  return { ...f, method: f.method };
}

/** How a run goes, from the flags: the same for one node and for a pair. */
export function runChoices(f: ReturnType<typeof setupFlags>, g: Pick<GlobalOptions, 'dryRun' | 'yes'>) {
  return {
    existing: (f.existing as ExistingChoice | undefined) ?? null,
    dryRun: g.dryRun,
    yes: g.yes,
    installMethod: f.method,
    installSource: f.source ?? null,
    noInstall: f.install === false,
  };
}

/** A plan in --json: the steps without file contents (the password is in them). */
export function planJson(plan: Plan): Array<Record<string, unknown>> {
  return plan.steps.map((s) => ({ ...s, ...(s.kind === 'write' ? { content: undefined, previous: undefined, changed: true } : {}) }));
}

/** One node's part of setup's --json: its answers (the password only when generated), plan and changes. */
export function nodeJson(answers: Answers | null, plan: Plan | null, apply: ApplyResult | null, generatedPassword: boolean) {
  return {
    answers: answers ? { ...answers, authPass: generatedPassword ? answers.authPass : '********', notify: maskedNotify(answers.notify) } : null,
    plan: plan ? planJson(plan) : [],
    unchanged: plan?.unchanged ?? [],
    changedFiles: apply?.changedFiles ?? [],
    backups: apply?.backups ?? [],
  };
}
