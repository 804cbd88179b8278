/**
 * The whole setup flow, for one node or a pair: facts -> answers -> plan -> apply ->
 * verify. One node is the case N = 1: every step below is written once for N nodes, and
 * only what really differs is chosen by N (the FLOWS table): how the answers are obtained
 * (src/setup/node-answers.ts: flags, answers file, wizard; src/setup/pair.ts: one set of
 * answers from which both nodes' are derived), what verify means, and the peer command.
 *
 * Promises, for one node as for two: every node's answers are validated and every plan
 * built before the first change; while the plans are applied no signal, closed terminal
 * or exception leaves one half done: each node is put back by its own undo log
 * (src/setup/apply.ts), whatever ends the run.
 */
import type { ClusterNode } from '../nodes/types.js';
import type { Progress } from '../progress.js';
import { auditOf } from '../audit/log.js';
import { gatherFacts, type Facts } from '../system/facts.js';
import { OperationError, UserError } from '../errors.js';
import { t, type MessageKey } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { nextFreeVrid, otherRole, type Answers, type InterfaceFacts } from './answers.js';
import type { Plan } from './plan.js';
import { applyPlans, type ApplyResult } from './apply.js';
import { verifyPair, verifySetup, type PairVerification, type Verification } from './verify.js';
import { probeVip, probeVrids, proposeVrid, type VipProbe } from './probe.js';
import { existingAnswers } from './existing.js';
import { addressFor, hostnameOf, keepForeignConfigs, nodeApplyHooks, peerCommand, planNode, readExisting } from './steps.js';
import { nodeAnswers } from './node-answers.js';
import { pairAnswers } from './pair.js';
import { mailToProbe, probeSmtp } from '../notify/probe.js';
import { NOTIFY_FLAGS, notifySecrets, withConfiguredChannels } from '../notify/channels.js';
import { smtpUrl } from '../notify/script.js';

export type RawAnswers = Partial<Record<keyof Answers, unknown>>;
export type ExistingChoice = 'keep' | 'replace' | 'stop';

export interface ExistingConfig {
  path: string;
  /** Written by ha-setup before (a re-run replaces it without asking). */
  ours: boolean;
  /** The distribution's sample file installed as the live config. */
  packagedSample: boolean;
  summary: string;
  /** The VIPs it configures (addresses without prefix). */
  vips: string[];
}

export interface SetupUi {
  progress: Progress;
  preflight(node: ClusterNode, facts: Facts, existing: ExistingConfig | null): void;
  /** Asked only with a terminal; unattended runs use --existing. */
  chooseExisting(node: ClusterNode, existing: ExistingConfig): Promise<ExistingChoice>;
  /** Fill in what flags and the answers file left open (the wizard, once for a pair). null: no terminal. */
  ask: ((known: RawAnswers, ctx: AskContext) => Promise<{ raw: RawAnswers; generatedPassword: boolean }>) | null;
  showPlan(node: ClusterNode, plan: Plan): void;
  confirm(plans: Plan[]): Promise<boolean>;
  done(result: SetupResult): void;
}

export interface AskContext {
  facts: Facts;
  /** What the node is configured with (keepalived.conf, the answers file): each question's default. */
  proposals: RawAnswers;
  interfaces: InterfaceFacts[];
  defaultInterface: string | null;
  probeVrids(iface: string, vip: string): Promise<{ proposal: number; seen: string }>;
  probeVip(iface: string, vip: string): Promise<VipProbe>;
}

export interface SetupOptions {
  /** One node, or the two nodes of a pair (the first becomes MASTER). */
  nodes: readonly ClusterNode[];
  raw: RawAnswers;
  existing: ExistingChoice | null;
  dryRun: boolean;
  yes: boolean;
  /** One node under --root other than "/": write files only. */
  filesOnly: boolean;
  installMethod: 'package' | 'source';
  installSource: string | null;
  noInstall: boolean;
  ui: SetupUi;
}

/** What the answer step of a flow is given: every node's facts and current configuration. */
export interface AnswerContext {
  nodes: readonly ClusterNode[];
  facts: readonly Facts[];
  existing: ReadonlyArray<ExistingConfig | null>;
  /** What each node is configured with (keepalived.conf, the answers file). */
  configured: readonly Partial<Answers>[];
  hostnames: readonly string[];
  raw: RawAnswers;
  filesOnly: boolean;
  ui: SetupUi;
}

/** Every node's validated answers, in the nodes' order. */
export interface Answered {
  answers: Answers[];
  generatedPassword: boolean;
}

export interface NodeSetup {
  label: string;
  answers: Answers;
  plan: Plan;
  apply: ApplyResult | null;
}

export interface SetupResult {
  status: 'applied' | 'planned' | 'kept' | 'aborted' | 'unchanged';
  /** One per node, in the order given; empty when the run kept a foreign config. */
  nodes: NodeSetup[];
  verification: Verification | PairVerification | null;
  generatedPassword: boolean;
  /** The command to run on the other node (one node set up alone). */
  peerCommand: string[] | null;
  answersPath: string;
  filesOnly: boolean;
  root: string;
}

interface Flow {
  answers(ctx: AnswerContext): Promise<Answered>;
  verifyLabel: MessageKey;
  verify(nodes: readonly ClusterNode[], answers: readonly Answers[]): Promise<Verification | PairVerification>;
  /**
   * Verified after every run that reaches the nodes, even when nothing changed or no
   * service was restarted: a pair's last screen reports both nodes' states.
   */
  verifyAlways: boolean;
  peerCommand(answers: Answers, facts: Facts): string[] | null;
}

/** What differs between one node and a pair; everything else in runSetup is the same. */
const FLOWS: Record<'node' | 'pair', Flow> = {
  node: {
    answers: nodeAnswers,
    verifyLabel: 'setup.progress.wait',
    verify: (nodes, answers) => verifySetup(nodes[0]!.factsHost, nodes[0]!.services, answers[0]!),
    verifyAlways: false,
    peerCommand: (answers, facts) => peerCommand(answers, facts.interfaces.find((i) => i.name === answers.interface)?.ipv4[0]?.split('/')[0] ?? null),
  },
  pair: {
    answers: pairAnswers,
    verifyLabel: 'pair.progress.verify',
    verify: verifyPair,
    verifyAlways: true,
    peerCommand: () => null,
  },
};

export async function runSetup(opts: SetupOptions): Promise<SetupResult> {
  const { ui, nodes } = opts;
  const pair = nodes.length > 1;
  const flow = FLOWS[pair ? 'pair' : 'node'];
  /** In a pair every line of a node's apply says which node it is about. */
  const prefix = (n: ClusterNode) => (pair ? `${n.label}: ` : '');
  const facts = await Promise.all(nodes.map((n) => ui.progress.step(pair ? t('pair.progress.facts', { node: n.label }) : t('setup.progress.facts'), () => gatherFacts(n.factsHost))));
  const configPaths = facts.map((f) => f.distro.keepalived?.configPath ?? DEFAULTS.paths.config);
  const existing: Array<ExistingConfig | null> = [];
  for (const [i, n] of nodes.entries()) {
    existing.push(await readExisting(n.factsHost, configPaths[i]!));
    ui.preflight(n, facts[i]!, existing[i]!);
  }
  const result: SetupResult = {
    status: 'planned', nodes: [], verification: null, generatedPassword: false, peerCommand: null,
    answersPath: DEFAULTS.paths.answers, filesOnly: opts.filesOnly, root: nodes[0]!.factsHost.root,
  };

  // Every node is asked about a foreign config before anything else happens.
  const unattended = (i: number) => (pair ? t('pair.existing.unattended', { node: nodes[i]!.label }) : t('setup.existing.unattended'));
  if (await keepForeignConfigs(existing, opts.existing, ui.ask ? (i, e) => ui.chooseExisting(nodes[i]!, e) : null, unattended)) return { ...result, status: 'kept' };
  nodes.forEach((n, i) => {
    if (!facts[i]!.keepalived.installed && opts.noInstall && !opts.filesOnly) {
      throw new OperationError(pair ? t('pair.keepalivedMissing', { node: n.label }) : t('setup.keepalivedMissing'), { hint: t('setup.keepalivedMissing.hint') });
    }
  });

  // What the nodes are configured with is the default for everything not given: accepting
  // every default on a configured node (or pair) changes nothing.
  const configured = await Promise.all(nodes.map((n, i) => (existing[i] && !existing[i]!.packagedSample ? existingAnswers(n.factsHost, configPaths[i]!) : Promise.resolve({}))));
  const hostnames = await Promise.all(nodes.map((n) => hostnameOf(n.factsHost, n.label)));
  // A channel given on a configured node joins the channels it has (an empty value removes one).
  const raw = withConfiguredChannels(opts.raw, (configured as Array<Partial<Answers>>).find((c) => c.notify)?.notify);
  const { answers, generatedPassword } = await flow.answers({ nodes, facts, existing, configured, hostnames, raw, filesOnly: opts.filesOnly, ui });
  result.generatedPassword = generatedPassword;

  const first = answers[0]!;
  const vipAddress = first.vip.split('/')[0]!;
  if (!ui.ask && !opts.filesOnly) {
    // Unattended, no VRID given: the derived one, unless another group on the wire uses it.
    // The nodes this run sets up are not another group.
    if (opts.raw.vrid === undefined) {
      const ours = answers.map((a, i) => addressFor(facts[i]!.interfaces, a.interface, a.vip));
      const seconds = 3 * first.advertInt + 0.5;
      const probe = await ui.progress.step(t('setup.progress.listen', { seconds: seconds.toFixed(1) }), () => probeVrids(nodes[0]!.factsHost, first.interface, seconds * 1000));
      const others = probe.seen.filter((s) => !ours.includes(s.src));
      const choice = proposeVrid(first.vrid, vipAddress, others);
      if (choice.conflict) ui.progress.warn(t('setup.vridInUse', { vrid: first.vrid, vips: choice.conflict.addresses.join(', '), proposal: choice.vrid }));
      if (choice.ours) ui.progress.note(t('setup.vridOurs', { vrid: choice.vrid, src: choice.ours.src }));
      for (const a of answers) a.vrid = choice.vrid;
      // active-active: the second instance's VRID, from the wire too, never the first's.
      if (first.mode === 'active-active' && opts.raw.secondVrid === undefined && first.secondVrid !== null) {
        const secondAddress = first.secondVips[0]!.split('/')[0]!;
        const taken = { vrid: choice.vrid, addresses: [vipAddress], src: '' };
        const second = proposeVrid(first.secondVrid === choice.vrid ? nextFreeVrid(choice.vrid, new Set([choice.vrid])) : first.secondVrid, secondAddress, [...others, taken]);
        if (second.conflict && second.conflict !== taken) ui.progress.warn(t('setup.vridSecondInUse', { vrid: first.secondVrid, vips: second.conflict.addresses.join(', '), proposal: second.vrid }));
        for (const a of answers) a.secondVrid = second.vrid;
      }
    }
    // Something else answering for a VIP, while no node of this run holds it.
    const roleFor = (v: string) => (first.secondVips.includes(v) ? otherRole(first.role) : first.role);
    for (const [vip, role] of [first.vip, ...first.extraVips, ...first.secondVips].map((v) => [v.split('/')[0]!, roleFor(v)] as const)) {
      const probe = await ui.progress.step(t('setup.progress.dad', { vip }), () => probeVip(nodes[0]!.factsHost, first.interface, vip));
      const held = facts.some((f) => f.interfaces.some((i) => [...i.ipv4, ...i.ipv6].some((a) => a.split('/')[0] === vip)));
      if (probe.inUse && !held) {
        const mac = probe.macs.join(', ');
        ui.progress.warn(role === 'MASTER' ? t('setup.vipAnswers.master', { vip, mac }) : t('setup.vipAnswers.backup', { vip, mac }));
      }
    }
  }

  // Each node mails by itself: one that cannot reach its SMTP server is refused before any change.
  if (!opts.filesOnly) {
    for (const [i, n] of nodes.entries()) {
      const target = mailToProbe(answers[i]!, configured[i] ?? {});
      if (!target) continue;
      const server = smtpUrl(target.smtp);
      const failed = await ui.progress.step(t('notify.progress.smtp', { server }), () => probeSmtp(n.factsHost, target.smtp));
      if (failed === null) continue;
      if (target.local) throw new UserError({ field: '--email', value: answers[i]!.email, accepted: t('notify.accepted.smtpServer'), reason: t('notify.reason.localMtaMissing', { node: n.label, detail: failed }) });
      throw new UserError({ field: NOTIFY_FLAGS.smtpServer, value: `${target.smtp.host}:${target.smtp.port}`, accepted: t('notify.accepted.smtpServer'), reason: t('notify.reason.smtpUnreachable', { node: n.label, server, detail: failed }) });
    }
  }

  // Every plan before any change: a node that cannot be planned stops the run untouched.
  const planned: Array<Awaited<ReturnType<typeof planNode>>> = [];
  for (const [i, n] of nodes.entries()) {
    const p = await planNode(n.factsHost, facts[i]!, answers[i]!, { filesOnly: opts.filesOnly, installMethod: opts.installMethod, installSource: opts.installSource, previous: configured[i] }, ui.progress);
    if (pair) p.plan.node = n.label;
    planned.push(p);
    ui.showPlan(n, p.plan);
  }
  result.nodes = nodes.map((n, i) => ({ label: n.label, answers: answers[i]!, plan: planned[i]!.plan, apply: null }));
  result.peerCommand = flow.peerCommand(first, facts[0]!);
  if (opts.dryRun) return result;
  const plans = planned.map((p) => p.plan);
  const verify = async () => (result.verification = await ui.progress.step(t(flow.verifyLabel), () => flow.verify(nodes, answers)));
  if (plans.every((p) => p.steps.length === 0)) {
    result.status = 'unchanged';
    if (flow.verifyAlways) await verify();
    ui.done(result);
    return result;
  }
  if (!opts.yes && !(await ui.confirm(plans))) return { ...result, status: 'aborted' };

  // The password (typed, generated or from a file) never reaches a node's audit log.
  nodes.forEach((n, i) => [answers[i]!.authPass, ...notifySecrets(answers[i]!.notify)].forEach((s) => auditOf(n.applyHost)?.markSecret(s)));
  const applied = await applyPlans(
    nodes.map((n, i) => {
      const { plan, replan } = planned[i]!;
      return { plan, host: n.applyHost, services: n.services, hooks: nodeApplyHooks(n.applyHost, facts[i]!, ui.progress, plan, replan, prefix(n)) };
    }),
  );
  applied.forEach((a, i) => (result.nodes[i]!.apply = a));
  result.status = 'applied';
  if (!opts.filesOnly && (flow.verifyAlways || plans.some((p) => p.steps.some((s) => s.kind === 'service')))) await verify();
  ui.done(result);
  return result;
}
