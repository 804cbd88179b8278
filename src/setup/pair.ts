/**
 * The answers for the two nodes of a pair set up from one place. The pair is one system:
 * one set of answers, from which each node's answers are derived (role, priority,
 * router_id, unicast peers pointing at each other), so VIP, VRID, advert_int and password
 * cannot differ. The rest of the flow is the one for one node (src/setup/run.ts).
 */
import { OperationError, UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { ANSWER_FLAGS, validateAnswers, vipList, vipPrefixNote, validateAuthPass, validateVips, validateInterface, vridFromVip, type Answers, type InterfaceFacts, withoutManagedAddress } from './answers.js';
import { carriedOver } from './existing.js';
import { randomPassword } from './password.js';
import { probeVip } from './probe.js';
import { addressFor, defaultInterface, routerIdFrom, wizardVridProposal } from './steps.js';
import type { AnswerContext, Answered, RawAnswers } from './run.js';

/** What the pair derives itself; giving one of these in pair mode is a usage error. */
export const PAIR_DERIVED: ReadonlyArray<keyof Answers> = ['role', 'priority', 'secondPriority', 'peers', 'routerId'];

export interface PairNodeView {
  label: string;
  interfaces: InterfaceFacts[];
  hostname: string;
}

/**
 * One set of answers -> each node's answers. The first node is MASTER (priority 150),
 * the second BACKUP (100); unicast peers point at each other's address on the VRRP
 * interface; router_ids are the host names (suffixed with the address when both nodes
 * share one name). VIP, VRID, advert_int, password, nopreempt, email and check URL are
 * the same objects on both nodes. Throws the first UserError of either node.
 */
export function derivePairAnswers(shared: RawAnswers, views: readonly [PairNodeView, PairNodeView], configured: readonly Partial<Answers>[] = [{}, {}]): [Answers, Answers] {
  for (const key of PAIR_DERIVED) {
    if (shared[key] !== undefined) {
      throw new UserError({ field: ANSWER_FLAGS[key], value: shared[key], accepted: t('pair.accepted.derived'), reason: t('pair.reason.derived') });
    }
  }
  const given = vipList(shared.vip, shared.extraVips);
  if (given.length === 0) {
    throw new UserError({ field: ANSWER_FLAGS.vip, value: undefined, accepted: t('setup.accepted.vip'), reason: t('pair.reason.vipNeeded') });
  }
  if (shared.authPass === undefined) throw new UserError({ field: ANSWER_FLAGS.authPass, value: undefined, accepted: t('setup.accepted.authPass') });
  validateAuthPass(shared.authPass);
  // A node that already holds the VIPs (a re-run on a working pair) lists them among its
  // addresses; they are the VIPs, not the node's own addresses.
  const managed = [...given, ...vipList(shared.secondVips)].map((v) => String(v).split('/')[0]!);
  views = views.map((v) => ({ ...v, interfaces: managed.reduce((ifs, a) => withoutManagedAddress(ifs, a), v.interfaces) })) as unknown as readonly [PairNodeView, PairNodeView];
  const ifaces = views.map((v, i) => {
    const name = shared.interface ?? configured[i]?.interface ?? defaultInterface(v.interfaces);
    if (name === null || name === undefined) {
      throw new UserError({ field: ANSWER_FLAGS.interface, value: undefined, accepted: v.interfaces.filter((i) => i.up && !i.loopback).map((i) => i.name).join(', '), reason: t('pair.reason.noDefaultInterface', { node: v.label }) });
    }
    return validateInterface(name, v.interfaces);
  });
  const perNode = views.map((v, i) => {
    try {
      return validateVips(given, undefined, ifaces[i]!);
    } catch (e) {
      if (e instanceof UserError) throw new UserError({ field: ANSWER_FLAGS.vip, value: e.value, accepted: e.accepted, reason: t('pair.reason.onNode', { node: v.label }) });
      throw e;
    }
  });
  const vips = perNode[0]!;
  const vip = vips[0]!;
  const addresses = views.map((v, i) => addressFor(v.interfaces, ifaces[i]!.name, vip));
  addresses.forEach((a, i) => {
    if (a === null) throw new UserError({ field: ANSWER_FLAGS.vip, value: vip, accepted: t('setup.accepted.vip'), reason: t('pair.reason.noAddress', { node: views[i]!.label, iface: ifaces[i]!.name }) });
  });
  if (addresses[0] === addresses[1]) {
    throw new UserError({ field: '--host', value: `${views[0].label} ${views[1].label}`, accepted: t('pair.accepted.twoNodes'), reason: t('pair.reason.sameAddress', { address: addresses[0] }) });
  }
  const names = views.map((v) => routerIdFrom(v.hostname));
  const derivedIds = names[0] === names[1] ? names.map((n, i) => `${n}-${addresses[i]!.replace(/[.:]/g, '-')}`) : names;
  // A node keeps the router_id and priority it is configured with (while its role stays).
  const routerIds = derivedIds.map((id, i) => configured[i]?.routerId ?? id);
  const vrid = shared.vrid ?? vridFromVip(vip);
  const roles = ['MASTER', 'BACKUP'] as const;
  const keeps = (i: number) => configured[i]?.role === roles[i];
  const priorities = [DEFAULTS.priority.master, DEFAULTS.priority.backup].map((p, i) => (keeps(i) ? (configured[i]?.priority ?? p) : p));
  // active-active: mirrored, so that each node wins one instance.
  const secondPriorities = [DEFAULTS.priority.backup, DEFAULTS.priority.master].map((p, i) => (keeps(i) ? (configured[i]?.secondPriority ?? p) : p));
  const result = views.map((v, i) =>
    validateAnswers(
      {
        ...shared,
        role: roles[i],
        interface: ifaces[i]!.name,
        vip: vips,
        extraVips: undefined,
        vrid,
        priority: priorities[i],
        secondPriority: secondPriorities[i],
        peers: [addresses[1 - i]!],
        routerId: routerIds[i],
      },
      v.interfaces,
    ),
  ) as [Answers, Answers];
  return result;
}

/** The fields both nodes must share, with the values that differ (empty: consistent). */
export function pairMismatches(a: Answers, b: Answers): string[] {
  const keys: Array<keyof Answers> = ['vip', 'extraVips', 'vrid', 'advertInt', 'authPass', 'nopreempt', 'checkUrl', 'mode', 'secondVips', 'secondVrid', 'notify'];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}


/**
 * Both nodes' answers: the shared ones from the flags and the first configured node (or the
 * wizard, asked once with the first node's facts, what it would ask per node pre-answered),
 * then derived per node and checked to agree.
 */
export async function pairAnswers(ctx: AnswerContext): Promise<Answered> {
  const { ui, nodes, facts, hostnames, configured, existing } = ctx;
  // The shared answers default to the first configured node's (the password, VRID,
  // interval, e-mail...); the derived ones stay per node.
  const { role: _cr, priority: _cp, secondPriority: _csp, peers: _cpe, routerId: _cid, interface: firstIface, ...sharedDefaults } = carriedOver(configured.find((c) => c.vip !== undefined) ?? {}, ctx.raw);
  let shared: RawAnswers = ui.ask ? { ...ctx.raw } : { ...sharedDefaults, ...ctx.raw };
  let generatedPassword = false;
  if (ui.ask) {
    // One wizard for the pair: what it would ask per node is derived, so it is pre-answered.
    const first = facts[0]!;
    const proposals: RawAnswers = { ...sharedDefaults, ...(firstIface === undefined ? {} : { interface: firstIface }) };
    const asked = await ui.ask(
      { ...shared, role: 'MASTER', priority: DEFAULTS.priority.master, peers: [], routerId: routerIdFrom(hostnames[0]!) },
      {
        facts: first,
        proposals,
        interfaces: (existing[0]?.vips ?? []).reduce<InterfaceFacts[]>((ifs, v) => withoutManagedAddress(ifs, v), first.interfaces),
        defaultInterface: defaultInterface(first.interfaces),
        probeVrids: (iface, vip) => wizardVridProposal(nodes[0]!.factsHost, ui.progress, iface, vip, proposals, false),
        probeVip: (iface, vip) => probeVip(nodes[0]!.factsHost, iface, vip),
      },
    );
    generatedPassword = asked.generatedPassword;
    const { role: _r, priority: _p, secondPriority: _sp, peers: _pe, routerId: _id, ...rest } = asked.raw;
    // The wizard asked the interface of the first node: the second uses its own default
    // unless the user named one on the command line.
    if (ctx.raw.interface === undefined) delete rest.interface;
    shared = rest;
  } else if (shared.authPass === undefined) {
    shared.authPass = randomPassword(DEFAULTS.passwordLength);
    generatedPassword = true;
  }

  const answers = derivePairAnswers(
    shared,
    [
      { label: nodes[0]!.label, interfaces: facts[0]!.interfaces, hostname: hostnames[0]! },
      { label: nodes[1]!.label, interfaces: facts[1]!.interfaces, hostname: hostnames[1]! },
    ],
    configured,
  );
  for (const [i, a] of answers.entries()) {
    const iface = facts[i]!.interfaces.find((f) => f.name === a.interface) ?? null;
    for (const v of [...vipList(shared.vip, shared.extraVips), ...vipList(shared.secondVips)]) {
      const note = vipPrefixNote(v, iface);
      if (note) ui.progress.note(`${nodes[i]!.label}: ${note}`);
    }
  }
  const mismatch = pairMismatches(answers[0], answers[1]);
  if (mismatch.length > 0) throw new OperationError(t('pair.error.inconsistent', { fields: mismatch.join(', ') }));
  return { answers, generatedPassword };
}

