/**
 * Setting up both nodes of a pair from one place. The pair is one system: one set of
 * answers, from which each node's answers are derived (role, priority, router_id, unicast
 * peers pointing at each other), so VIP, VRID, advert_int and password cannot differ.
 *
 * Same promises as one node, across two: both nodes' answers are validated and both
 * plans built before the first change; when the second node's apply fails, the first is
 * put back as it was by the same undo log that puts back a single node (src/setup/apply.ts:
 * files with their mode, saved firewall rules, commands with an undo, keepalived's state).
 */
import type { Host } from '../host/types.js';
import type { ClusterNode } from '../nodes/types.js';
import { auditOf } from '../audit/log.js';
import { gatherFacts, type Facts } from '../system/facts.js';
import { OperationError, UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { ANSWER_FLAGS, singleVip, validateAnswers, vipPrefixNote, validateAuthPass, validateVip, validateInterface, vridFromVip, type Answers, type InterfaceFacts, withoutManagedAddress } from './answers.js';
import type { Plan } from './plan.js';
import { applyPlans, type ApplyResult } from './apply.js';
import { holdsAddress, STATE_LOG_LINES, vrrpState } from './verify.js';
import { defaultInterface, keepForeignConfigs, nodeApplyHooks, planNode, readExisting, wizardVridProposal, type AskContext, type ExistingChoice, type ExistingConfig, type RawAnswers } from './run.js';
import { carriedOver, existingAnswers } from './existing.js';
import { parseCidr, cidrContains } from './net.js';
import { randomPassword } from './password.js';
import { probeVip, probeVrids, proposeVrid } from './probe.js';
import type { Progress } from '../progress.js';

/** A node of the pair (src/nodes/types.ts): the same shape as the one node of a single setup. */
export type PairNode = ClusterNode;

/** What the pair derives itself; giving one of these in pair mode is a usage error. */
export const PAIR_DERIVED: ReadonlyArray<keyof Answers> = ['role', 'priority', 'peers', 'routerId'];

export interface PairUi {
  progress: Progress;
  preflight(node: PairNode, facts: Facts, existing: ExistingConfig | null): void;
  chooseExisting(node: PairNode, existing: ExistingConfig): Promise<ExistingChoice>;
  /** The wizard, once for the pair (with the first node's facts); null: no terminal. */
  ask: ((known: RawAnswers, ctx: AskContext) => Promise<{ raw: RawAnswers; generatedPassword: boolean }>) | null;
  showPlan(node: PairNode, plan: Plan): void;
  confirm(plans: Plan[]): Promise<boolean>;
  done(result: PairSetupResult): void;
}

export interface PairSetupOptions {
  nodes: readonly [PairNode, PairNode];
  raw: RawAnswers;
  existing: ExistingChoice | null;
  dryRun: boolean;
  yes: boolean;
  installMethod: 'package' | 'source';
  installSource: string | null;
  noInstall: boolean;
  ui: PairUi;
  /** How long verify waits for exactly one MASTER (default 3 advert intervals + 6 s). */
  verifyTimeoutMs?: number;
}

export interface PairNodeResult {
  label: string;
  answers: Answers;
  plan: Plan;
  apply: ApplyResult | null;
}

export interface PairVerification {
  /** Per node, in the order given: keepalived running, VRRP state from its log, VIP held. */
  nodes: Array<{ label: string; running: boolean; state: 'MASTER' | 'BACKUP' | 'FAULT' | null; holdsVip: boolean }>;
  /** Exactly one node holds the VIP and is MASTER, the other is BACKUP. */
  ok: boolean;
  vipHolder: string | null;
  timedOut: boolean;
  waitedMs: number;
}

export interface PairSetupResult {
  status: 'applied' | 'planned' | 'kept' | 'aborted' | 'unchanged';
  nodes: PairNodeResult[];
  verification: PairVerification | null;
  generatedPassword: boolean;
}

/** The node's address on `iface` in the VIP's subnet (its unicast source, the peer's unicast peer). */
export function addressFor(interfaces: readonly InterfaceFacts[], iface: string, vip: string): string | null {
  const i = interfaces.find((x) => x.name === iface);
  const v = parseCidr(vip);
  if (!i || !v) return null;
  const candidates = (v.family === 4 ? i.ipv4 : i.ipv6).map(parseCidr).filter((c) => c !== null);
  return candidates.find((c) => cidrContains(c, v.address))?.address ?? null;
}

/** A router_id from a host name: the first label, only what keepalived.conf tolerates. */
export function routerIdFrom(hostname: string): string {
  const first = hostname.trim().split('.')[0] ?? '';
  const clean = first.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 48);
  return clean || 'node';
}

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
  singleVip(shared.vip);
  if (shared.vip === undefined || shared.vip === '') {
    throw new UserError({ field: ANSWER_FLAGS.vip, value: undefined, accepted: t('setup.accepted.vip'), reason: t('pair.reason.vipNeeded') });
  }
  if (shared.authPass === undefined) throw new UserError({ field: ANSWER_FLAGS.authPass, value: undefined, accepted: t('setup.accepted.authPass') });
  validateAuthPass(shared.authPass);
  // A node that already holds the VIP (a re-run on a working pair) lists it among its
  // addresses; it is the VIP, not the node's own address.
  const vipAddress = String(shared.vip).split('/')[0];
  views = views.map((v) => ({ ...v, interfaces: withoutManagedAddress(v.interfaces, vipAddress!) })) as unknown as readonly [PairNodeView, PairNodeView];
  const ifaces = views.map((v, i) => {
    const name = shared.interface ?? configured[i]?.interface ?? defaultInterface(v.interfaces);
    if (name === null || name === undefined) {
      throw new UserError({ field: ANSWER_FLAGS.interface, value: undefined, accepted: v.interfaces.filter((i) => i.up && !i.loopback).map((i) => i.name).join(', '), reason: t('pair.reason.noDefaultInterface', { node: v.label }) });
    }
    return validateInterface(name, v.interfaces);
  });
  const vips = views.map((v, i) => {
    try {
      return validateVip(shared.vip, ifaces[i]!);
    } catch (e) {
      if (e instanceof UserError) throw new UserError({ field: ANSWER_FLAGS.vip, value: shared.vip, accepted: e.accepted, reason: t('pair.reason.onNode', { node: v.label }) });
      throw e;
    }
  });
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
  const priorities = [DEFAULTS.priority.master, DEFAULTS.priority.backup].map((p, i) => (configured[i]?.role === roles[i] ? (configured[i]?.priority ?? p) : p));
  const result = views.map((v, i) =>
    validateAnswers(
      {
        ...shared,
        role: roles[i],
        interface: ifaces[i]!.name,
        vip,
        vrid,
        priority: priorities[i],
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
  const keys: Array<keyof Answers> = ['vip', 'vrid', 'advertInt', 'authPass', 'nopreempt', 'checkUrl'];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

async function hostnameOf(host: Host, fallback: string): Promise<string> {
  // A sandboxed node announces its own name (lab nodes share the machine's host name).
  const announced = (host as { serverNode?: string }).serverNode;
  if (announced) return announced;
  const r = await host.exec('hostname', [], { why: 'a router_id for the node', timeoutMs: 10_000 }).catch(() => null);
  const name = r && r.exitCode === 0 ? r.stdout.trim() : '';
  return name || fallback;
}

export async function runPairSetup(opts: PairSetupOptions): Promise<PairSetupResult> {
  const { ui, nodes } = opts;
  const facts = await Promise.all(nodes.map((n) => ui.progress.step(t('pair.progress.facts', { node: n.label }), () => gatherFacts(n.factsHost))));
  const existing: Array<ExistingConfig | null> = [];
  for (const [i, n] of nodes.entries()) {
    const f = facts[i]!;
    const e = await readExisting(n.factsHost, f.distro.keepalived?.configPath ?? DEFAULTS.paths.config);
    existing.push(e);
    ui.preflight(n, f, e);
  }
  const base: PairSetupResult = { status: 'planned', nodes: [], verification: null, generatedPassword: false };

  // Every node is asked about a foreign config before anything else happens.
  if (await keepForeignConfigs(existing, opts.existing, ui.ask ? (i, e) => ui.chooseExisting(nodes[i]!, e) : null, (i) => t('pair.existing.unattended', { node: nodes[i]!.label }))) {
    return { ...base, status: 'kept' };
  }
  nodes.forEach((n, i) => {
    if (!facts[i]!.keepalived.installed && opts.noInstall) {
      throw new OperationError(t('pair.keepalivedMissing', { node: n.label }), { hint: t('setup.keepalivedMissing.hint') });
    }
  });

  const hostnames = await Promise.all(nodes.map((n) => hostnameOf(n.factsHost, n.label)));
  // What the nodes are configured with is the default for everything not given (the
  // password, VRID, interval, e-mail...): a re-run with nothing new changes nothing. The
  // shared answers come from the first configured node; the derived ones stay per node.
  const configured: Partial<Answers>[] = await Promise.all(nodes.map((n, i) => (existing[i] && !existing[i]!.packagedSample ? existingAnswers(n.factsHost, facts[i]!.distro.keepalived?.configPath ?? DEFAULTS.paths.config) : Promise.resolve({}))));
  const { role: _cr, priority: _cp, peers: _cpe, routerId: _cid, interface: firstIface, ...sharedDefaults } = carriedOver(configured.find((c) => c.vip !== undefined) ?? {}, opts.raw);
  let shared: RawAnswers = ui.ask ? { ...opts.raw } : { ...sharedDefaults, ...opts.raw };
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
        probeVrids: (iface, vip) => wizardVridProposal(nodes[0].factsHost, ui.progress, iface, vip, proposals, false),
        probeVip: (iface, vip) => probeVip(nodes[0].factsHost, iface, vip),
      },
    );
    generatedPassword = asked.generatedPassword;
    const { role: _r, priority: _p, peers: _pe, routerId: _id, ...rest } = asked.raw;
    // The wizard asked the interface of the first node: the second uses its own default
    // unless the user named one on the command line.
    if (opts.raw.interface === undefined) delete rest.interface;
    shared = rest;
  } else if (shared.authPass === undefined) {
    shared.authPass = randomPassword(DEFAULTS.passwordLength);
    generatedPassword = true;
  }

  const answers = derivePairAnswers(
    shared,
    [
      { label: nodes[0].label, interfaces: facts[0]!.interfaces, hostname: hostnames[0]! },
      { label: nodes[1].label, interfaces: facts[1]!.interfaces, hostname: hostnames[1]! },
    ],
    configured,
  );
  for (const [i, a] of answers.entries()) {
    const note = vipPrefixNote(shared.vip, facts[i]!.interfaces.find((f) => f.name === a.interface) ?? null);
    if (note) ui.progress.note(`${nodes[i]!.label}: ${note}`);
  }
  const mismatch = pairMismatches(answers[0], answers[1]);
  if (mismatch.length > 0) throw new OperationError(t('pair.error.inconsistent', { fields: mismatch.join(', ') }));

  // Unattended and no VRID given: the derived one, unless another group on the wire uses it.
  if (!ui.ask && opts.raw.vrid === undefined) {
    const a = answers[0];
    const probe = await ui.progress.step(t('setup.progress.listen', { seconds: (3 * a.advertInt + 0.5).toFixed(1) }), () => probeVrids(nodes[0].factsHost, a.interface, (3 * a.advertInt + 0.5) * 1000));
    const choice = proposeVrid(a.vrid, a.vip.split('/')[0]!, probe.seen.filter((s) => !answers.some((x) => x.peers.includes(s.src) || s.src === addressFor(facts[0]!.interfaces, a.interface, a.vip))));
    if (choice.conflict) ui.progress.warn(t('setup.vridInUse', { vrid: a.vrid, vips: choice.conflict.addresses.join(', '), proposal: choice.vrid }));
    answers[0].vrid = choice.vrid;
    answers[1].vrid = choice.vrid;
  }

  // Both plans before any change: a node that cannot be planned stops the pair untouched.
  const plans: Plan[] = [];
  const replans = new Map<PairNode, (version: string | null) => Promise<Plan>>();
  for (const [i, n] of nodes.entries()) {
    const { plan, replan } = await planNode(n.factsHost, facts[i]!, answers[i]!, { filesOnly: false, installMethod: opts.installMethod, installSource: opts.installSource, previous: configured[i] }, null);
    replans.set(n, replan);
    plan.node = n.label;
    plans.push(plan);
    ui.showPlan(n, plan);
  }
  const results: PairNodeResult[] = nodes.map((n, i) => ({ label: n.label, answers: answers[i]!, plan: plans[i]!, apply: null }));
  const result: PairSetupResult = { ...base, nodes: results, generatedPassword };
  if (opts.dryRun) return result;
  if (plans.every((p) => p.steps.length === 0)) {
    result.status = 'unchanged';
    result.verification = await ui.progress.step(t('pair.progress.verify'), () => verifyPair(nodes, answers, opts.verifyTimeoutMs));
    ui.done(result);
    return result;
  }
  if (!opts.yes && !(await ui.confirm(plans))) return { ...result, status: 'aborted' };

  // The password (typed, generated or from a file) never reaches a node's audit log.
  nodes.forEach((n, i) => auditOf(n.applyHost)?.markSecret(answers[i]!.authPass));
  // Either both nodes complete or both are put back by their own undo logs, whatever ends the run.
  const applied = await applyPlans(nodes.map((n, i) => ({ plan: plans[i]!, host: n.applyHost, services: n.services, hooks: nodeApplyHooks(n.applyHost, facts[i]!, ui.progress, plans[i]!, replans.get(n)!, `${n.label}: `) })));
  applied.forEach((a, i) => (results[i]!.apply = a));
  result.status = 'applied';
  result.verification = await ui.progress.step(t('pair.progress.verify'), () => verifyPair(nodes, answers, opts.verifyTimeoutMs));
  ui.done(result);
  return result;
}

/**
 * Exactly one node holds the VIP and says MASTER, the other says BACKUP. Waits up to
 * 3 advert intervals plus a margin: the MASTER needs ~3.5 s to claim the VIP.
 */
export async function verifyPair(nodes: readonly PairNode[], answers: readonly Answers[], timeoutMs?: number): Promise<PairVerification> {
  const a = answers[0]!;
  const limit = timeoutMs ?? (3 * a.advertInt + 6) * 1000;
  const vip = a.vip.split('/')[0]!;
  const started = Date.now();
  for (;;) {
    const seen = await Promise.all(
      nodes.map(async (n, i) => {
        const [running, held, logs] = await Promise.all([
          n.services.isActive('keepalived'),
          holdsAddress(n.factsHost, answers[i]!.interface, vip),
          n.services.recentLogs('keepalived', STATE_LOG_LINES),
        ]);
        return { label: n.label, running, state: vrrpState(logs, running, held), holdsVip: held };
      }),
    );
    const holders = seen.filter((s) => s.holdsVip);
    const ok = holders.length === 1 && holders[0]!.state === 'MASTER' && seen.filter((s) => s !== holders[0]).every((s) => s.running && s.state === 'BACKUP');
    const waitedMs = Date.now() - started;
    if (ok || waitedMs > limit) {
      return { nodes: seen, ok, vipHolder: holders.length === 1 ? holders[0]!.label : null, timedOut: !ok, waitedMs };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
