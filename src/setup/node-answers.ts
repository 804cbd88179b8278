/**
 * The answers for one node set up alone: the flags and answers file, what the node is
 * configured with, and the wizard in a terminal for what is still open; unattended, what
 * is missing is a usage error naming the flags.
 */
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { ANSWER_FLAGS, validateAnswers, validateRole, vipList, vipPrefixNote, withoutManagedAddress, type Answers, type InterfaceFacts } from './answers.js';
import { probeVip } from './probe.js';
import { randomPassword } from './password.js';
import { carriedOver } from './existing.js';
import { defaultInterface, routerIdFrom, wizardVridProposal } from './steps.js';
import type { AnswerContext, Answered, RawAnswers } from './run.js';

const REQUIRED: Array<keyof Answers> = ['role', 'interface', 'vip', 'authPass'];

export async function nodeAnswers(ctx: AnswerContext): Promise<Answered> {
  const { ui } = ctx;
  const node = ctx.nodes[0]!;
  const facts = ctx.facts[0]!;
  const existing = ctx.existing[0] ?? null;
  // The wizard proposes what the node is configured with; the unattended path takes it.
  const configured = carriedOver(ctx.configured[0] ?? {}, ctx.raw);
  const proposals: RawAnswers = { routerId: routerIdFrom(ctx.hostnames[0]!), ...configured };
  let raw: RawAnswers = ui.ask ? { ...ctx.raw } : { ...proposals, ...ctx.raw };
  const ifaceDefault = defaultInterface(facts.interfaces);
  if (raw.interface === undefined && ifaceDefault && !ui.ask) raw.interface = ifaceDefault;

  let generatedPassword = false;
  const role = raw.role === undefined ? undefined : validateRole(raw.role);
  if (raw.authPass === undefined && role === 'MASTER' && !ui.ask) {
    raw.authPass = randomPassword(DEFAULTS.passwordLength);
    generatedPassword = true;
  }

  // A VIP the current config already manages is no node address (re-run on a master).
  const managed = (list: InterfaceFacts[]) => (existing?.vips ?? []).reduce((ifs, v) => withoutManagedAddress(ifs, v), list);
  if (ui.ask) {
    const asked = await ui.ask(raw, {
      facts,
      proposals,
      interfaces: managed(facts.interfaces),
      defaultInterface: ifaceDefault,
      probeVrids: (iface, vip) => wizardVridProposal(node.factsHost, ui.progress, iface, vip, proposals, ctx.filesOnly),
      // Files for another machine (--root): this machine's network says nothing about that VIP.
      probeVip: (iface, vip) => (ctx.filesOnly ? Promise.resolve({ inUse: null, macs: [], command: null }) : probeVip(node.factsHost, iface, vip)),
    });
    raw = asked.raw;
    generatedPassword = asked.generatedPassword;
  } else {
    const missing = REQUIRED.filter((k) => raw[k] === undefined || raw[k] === '');
    if (missing.length > 0) {
      const flags = missing.map((k) => ANSWER_FLAGS[k]).join(', ');
      if (missing.length === 1 && missing[0] === 'authPass') {
        throw new UserError({ field: ANSWER_FLAGS.authPass, value: undefined, accepted: t('setup.accepted.authPass'), reason: t('setup.authPassNeededOnBackup') });
      }
      throw new UserError({ field: flags, value: undefined, accepted: t('setup.missingFlags.accepted', { flags }), reason: t('setup.missingFlags', { flags }) });
    }
  }

  const requested = [...vipList(raw.vip, raw.extraVips), ...vipList(raw.secondVips)].map((v) => String(v).split('/')[0]!);
  const interfaces = requested.filter((a) => existing?.vips.includes(a)).reduce<InterfaceFacts[]>((ifs, a) => withoutManagedAddress(ifs, a), facts.interfaces);
  const answers = validateAnswers(raw, interfaces);
  const iface = interfaces.find((i) => i.name === answers.interface) ?? null;
  for (const v of [...vipList(raw.vip, raw.extraVips), ...vipList(raw.secondVips)]) {
    const note = vipPrefixNote(v, iface);
    if (note) ui.progress.note(note);
  }
  return { answers: [answers], generatedPassword };
}
