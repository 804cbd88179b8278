/**
 * The interactive questions. Each is validated as it is typed, by the same functions that
 * check flags and answers files, and proposes a default with one line of why.
 * Loaded only when a terminal asks for it: inquirer stays out of --help and --json paths.
 */
import { select, input, confirm, password } from './prompts.js';
import type { AskContext, ExistingChoice, ExistingConfig, RawAnswers } from '../setup/run.js';
import {
  validateAdvertInt,
  validateAuthPass,
  validateEmail,
  validateInterface,
  validatePeers,
  validatePriority,
  validateRouterId,
  validateVip,
  validateVips,
  vipList,
  validateVrid,
  defaultPriority,
  nextFreeVrid,
  otherRole,
  validateSecondVips,
  validateSecondVrid,
  type Mode,
  type Role,
} from '../setup/answers.js';
import { DEFAULTS } from '../defaults.js';
import { notifyFromUrl, validateNotify } from '../notify/channels.js';
import { randomPassword } from '../setup/password.js';
import { t, type MessageKey } from '../i18n/index.js';
import { paint, printLine } from './output.js';

/** inquirer wants `true` or the message; our validators throw UserErrors with the message. */
function check(fn: () => unknown): true | string {
  try {
    fn();
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

function message(key: MessageKey, whyKey: MessageKey, params: Record<string, unknown> = {}): string {
  return `${t(key)}\n  ${paint('gray', t(whyKey, params))}\n `;
}

export async function chooseExisting(existing: ExistingConfig): Promise<ExistingChoice> {
  printLine(`${existing.path}: ${existing.summary}`);
  return select<ExistingChoice>({
    message: t('setup.existing.question'),
    choices: [
      { value: 'replace', name: t('setup.existing.replace') },
      { value: 'keep', name: t('setup.existing.keep') },
      { value: 'stop', name: t('setup.existing.stop') },
    ],
  });
}

export async function askAnswers(known: RawAnswers, ctx: AskContext): Promise<{ raw: RawAnswers; generatedPassword: boolean }> {
  const raw: RawAnswers = { ...known };
  const usable = ctx.interfaces.filter((i) => i.up && !i.loopback);
  // On a configured node every default is what is configured: Enter everywhere changes nothing.
  const was = ctx.proposals;
  const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

  raw.mode ??= await select<Mode>({
    message: message('setup.q.mode', 'setup.q.mode.why'),
    choices: [
      { value: 'active-standby', name: t('setup.q.mode.standby') },
      { value: 'active-active', name: t('setup.q.mode.active') },
    ],
    default: text(was.mode) ?? (vipList(raw.secondVips).length > 0 ? 'active-active' : 'active-standby'),
  });
  const activeActive = raw.mode === 'active-active';

  raw.role ??= await select<Role>({
    message: message('setup.q.role', 'setup.q.role.why'),
    choices: [
      { value: 'MASTER', name: 'MASTER' },
      { value: 'BACKUP', name: 'BACKUP' },
    ],
    default: text(was.role)?.toUpperCase(),
  });
  const role = String(raw.role).toUpperCase() as Role;

  raw.interface ??= await select<string>({
    message: message('setup.q.interface', 'setup.q.interface.why'),
    choices: usable.map((i) => ({ value: i.name, name: `${i.name}  ${i.ipv4.join(' ')}${i.default ? '  (default route)' : ''}` })),
    default: text(was.interface) ?? ctx.defaultInterface ?? undefined,
  });
  const iface = validateInterface(raw.interface, ctx.interfaces);

  if (raw.vip === undefined) {
    raw.vip = await input({ message: message('setup.q.vip', 'setup.q.vip.why'), default: text(was.vip), validate: (v) => check(() => validateVip(v, iface)) });
    await reportVipProbe(ctx, iface.name, String(raw.vip), role);
    if (raw.extraVips === undefined) {
      const more = await input({
        message: message('setup.q.extraVips', 'setup.q.extraVips.why'),
        default: Array.isArray(was.extraVips) && was.extraVips.length > 0 ? was.extraVips.join(' ') : undefined,
        validate: (v) => check(() => validateVips(raw.vip, splitList(v), iface)),
      });
      raw.extraVips = splitList(more);
      for (const v of raw.extraVips as string[]) await reportVipProbe(ctx, iface.name, v, role);
    }
  }

  if (activeActive && raw.secondVips === undefined) {
    const firstList = vipList(raw.vip, raw.extraVips).map((v) => validateVip(v, iface));
    const given = await input({
      message: message('setup.q.secondVip', 'setup.q.secondVip.why'),
      default: Array.isArray(was.secondVips) && was.secondVips.length > 0 ? was.secondVips.join(' ') : undefined,
      validate: (v) => check(() => validateSecondVips(splitList(v), firstList, iface)),
    });
    raw.secondVips = splitList(given);
    for (const v of raw.secondVips as string[]) await reportVipProbe(ctx, iface.name, v, otherRole(role));
  }

  if (raw.vrid === undefined) {
    const probe = await ctx.probeVrids(iface.name, validateVip(vipList(raw.vip)[0], iface));
    raw.vrid = await input({
      message: message('setup.q.vrid', 'setup.q.vrid.why', { seen: probe.seen }),
      default: String(probe.proposal),
      validate: (v) => check(() => validateVrid(v)),
    });
  }
  if (activeActive && raw.secondVrid === undefined) {
    const first = Number(raw.vrid);
    const probe = await ctx.probeVrids(iface.name, validateVip(vipList(raw.secondVips)[0], iface));
    const proposal = probe.proposal === first ? nextFreeVrid(first, new Set([first])) : probe.proposal;
    raw.secondVrid = await input({
      message: message('setup.q.secondVrid', 'setup.q.vrid.why', { seen: probe.seen }),
      default: String(text(was.secondVrid) ?? proposal),
      validate: (v) => check(() => validateSecondVrid(v, [], first)),
    });
  }
  raw.priority ??= await input({
    message: message('setup.q.priority', 'setup.q.priority.why'),
    default: text(String(was.role).toUpperCase() === role ? was.priority : undefined) ?? String(defaultPriority(role)),
    validate: (v) => check(() => validatePriority(v)),
  });
  raw.advertInt ??= await input({
    message: message('setup.q.advertInt', 'setup.q.advertInt.why'),
    default: text(was.advertInt) ?? String(DEFAULTS.advertInt),
    validate: (v) => check(() => validateAdvertInt(v)),
  });

  let generatedPassword = false;
  if (raw.authPass === undefined) {
    const generated = was.authPass === undefined && role === 'MASTER' ? randomPassword(DEFAULTS.passwordLength) : undefined;
    const proposal = text(was.authPass) ?? generated;
    // Masked while typed; Enter alone keeps the configured one or takes the generated one (shown once, at the end).
    const typed = await password({
      message: message('setup.q.authPass', generated ? 'setup.q.authPass.whyGenerate' : proposal ? 'setup.q.authPass.whyKeep' : 'setup.q.authPass.why'),
      mask: '*',
      validate: (v) => (v === '' && proposal ? true : check(() => validateAuthPass(v))),
    });
    raw.authPass = typed === '' && proposal ? proposal : typed;
    generatedPassword = generated !== undefined && raw.authPass === generated;
  }

  if (raw.peers === undefined) {
    const cloudNote = ctx.facts.cloud.multicast === false ? `\n  ${paint('yellow', t('setup.q.peers.cloud', { vendor: ctx.facts.cloud.vendor ?? '' }))}` : '';
    const peers = await input({
      message: message('setup.q.peers', 'setup.q.peers.why') + cloudNote,
      default: Array.isArray(was.peers) && was.peers.length ? was.peers.join(',') : undefined,
      validate: (v) => check(() => validatePeers(v, iface, [...vipList(raw.vip, raw.extraVips), ...vipList(raw.secondVips)].map(String))),
    });
    raw.peers = peers ? peers.split(',').map((p) => p.trim()) : [];
  }
  if (raw.routerId === undefined) {
    raw.routerId = await input({ message: message('setup.q.routerId', 'setup.q.routerId.why'), default: text(was.routerId) ?? '', validate: (v) => check(() => validateRouterId(v)) });
  }
  // nopreempt changes something only on the node that would take the VIP back.
  if (raw.nopreempt === undefined && role === 'MASTER') {
    raw.nopreempt = await confirm({ message: message('setup.q.nopreempt', 'setup.q.nopreempt.why'), default: was.nopreempt === true });
  }
  raw.nopreempt ??= was.nopreempt;
  if (raw.email === undefined) {
    const email = await input({ message: message('setup.q.email', 'setup.q.email.why'), default: text(was.email), validate: (v) => check(() => validateEmail(v)) });
    raw.email = email || null;
  }
  // One optional channel, its kind told by its host; a configured node keeps what it has.
  // Robot secrets, SMTP and more channels come from the flags.
  if (raw.notify === undefined && !was.notify) {
    const url = await input({ message: message('notify.q.url', 'notify.q.url.why'), default: '', validate: (v) => check(() => validateNotify(notifyFromUrl(v), null)) });
    raw.notify = url ? notifyFromUrl(url) : undefined;
  }
  raw.notify ??= was.notify;
  // Not asked: the URL the check script asks stays what it is.
  raw.checkUrl ??= was.checkUrl;
  return { raw, generatedPassword };
}

export async function confirmPlan(): Promise<boolean> {
  return confirm({ message: t('setup.confirm'), default: true });
}

/** A list typed on one line: addresses separated by spaces or commas. */
function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** Whether something already answers for the VIP, said right after it is typed. */
async function reportVipProbe(ctx: AskContext, iface: string, vip: string, role: string): Promise<void> {
  const address = vip.split('/')[0]!;
  const probe = await ctx.probeVip(iface, address);
  if (probe.inUse) printLine(paint('yellow', role === 'MASTER' ? t('setup.vipAnswers.master', { vip: address }) : t('setup.vipAnswers.backup', { vip: address, mac: probe.macs.join(', ') })));
  else if (probe.inUse === false) printLine(paint('green', t('setup.vipFree', { vip: address })));
}
