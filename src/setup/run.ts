/**
 * The whole setup flow for one node: facts -> answers -> plan -> apply -> verify. The
 * wizard, flags and answers files differ only in how `collect` fills the answers.
 */
import { hostname } from 'node:os';
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { auditOf } from '../audit/log.js';
import { gatherFacts, type Facts } from '../system/facts.js';
import { UserError, OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { ANSWER_FLAGS, validateAnswers, validateRole, vipPrefixNote, withoutManagedAddress, vridFromVip, type Answers, type InterfaceFacts } from './answers.js';
import { buildPlan, type Plan, type PlanOptions } from './plan.js';
import { applyPlans, type ApplyResult, type NodeApply } from './apply.js';
import { verifySetup, type Verification } from './verify.js';
import { probeVip, probeVrids, proposeVrid, type VipProbe } from './probe.js';
import { parseConfig } from '../keepalived/parse.js';
import { isPackagedSampleConfig } from '../keepalived/summary.js';
import { blockingProblems, checkConfigFile } from '../keepalived/check-file.js';
import { installKeepalived } from '../keepalived/install/index.js';
import type { Progress } from '../progress.js';
import { plannedRelease } from './release.js';
import { randomPassword } from './password.js';
import { carriedOver, existingAnswers } from './existing.js';

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
  preflight(facts: Facts, existing: ExistingConfig | null): void;
  /** Asked only with a terminal; unattended runs use --existing. */
  chooseExisting(existing: ExistingConfig): Promise<ExistingChoice>;
  /** Fill in what flags and the answers file left open (the wizard). null: no terminal. */
  ask: ((known: RawAnswers, ctx: AskContext) => Promise<{ raw: RawAnswers; generatedPassword: boolean }>) | null;
  showPlan(plan: Plan): void;
  confirm(plan: Plan): Promise<boolean>;
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
  factsHost: Host;
  applyHost: Host;
  services: ServiceControl;
  raw: RawAnswers;
  existing: ExistingChoice | null;
  dryRun: boolean;
  yes: boolean;
  /** --root other than "/": write files only. */
  filesOnly: boolean;
  installMethod: 'package' | 'source';
  installSource: string | null;
  noInstall: boolean;
  ui: SetupUi;
}

export interface SetupResult {
  status: 'applied' | 'planned' | 'kept' | 'aborted' | 'unchanged';
  plan: Plan | null;
  answers: Answers | null;
  apply: ApplyResult | null;
  verification: Verification | null;
  generatedPassword: boolean;
  peerCommand: string[] | null;
  answersPath: string;
  filesOnly: boolean;
  root: string;
}

const REQUIRED: Array<keyof Answers> = ['role', 'interface', 'vip', 'authPass'];

export async function readExisting(host: Host, path: string): Promise<ExistingConfig | null> {
  const text = await host.readFile(path);
  if (text === null || text.trim() === '') return null;
  const parsed = await parseConfig(host, path);
  const instances = parsed.config.vrrpInstances;
  const details = instances
    .map((i) => `${i.name} ${i.state ?? '?'} ${i.interface ?? '?'} vrid ${i.virtualRouterId ?? '?'} prio ${i.priority ?? '?'} ${i.virtualIpaddress.map((v) => v.address).join(',')}`)
    .join('; ');
  return {
    path,
    ours: /written by ha-setup/i.test(text),
    packagedSample: isPackagedSampleConfig(parsed.config),
    summary: t('setup.preflight.configSummary', { instances: instances.length, details: details || '-' }),
    vips: instances.flatMap((i) => i.virtualIpaddress.map((v) => v.address.split('/')[0]!)),
  };
}

export function defaultInterface(interfaces: InterfaceFacts[]): string | null {
  const usable = interfaces.filter((i) => i.up && !i.loopback);
  return (usable.find((i) => i.default) ?? (usable.length === 1 ? usable[0] : undefined))?.name ?? null;
}

/** The command for the other node: same VIP, VRID and password; opposite role; peers swapped. */
export function peerCommand(answers: Answers, ownAddress: string | null): string[] {
  const cmd = ['ha-setup', 'setup', '--role', answers.role === 'MASTER' ? 'backup' : 'master', '--interface', answers.interface, '--vip', answers.vip, '--vrid', String(answers.vrid), '--advert-int', String(answers.advertInt), '--auth-pass', answers.authPass];
  if (answers.peers.length > 0 && ownAddress) cmd.push('--peer', ownAddress);
  if (answers.nopreempt) cmd.push('--nopreempt');
  if (answers.email) cmd.push('--email', answers.email);
  if (answers.checkUrl !== DEFAULTS.check.url) cmd.push('--check-url', answers.checkUrl);
  return cmd;
}

/**
 * Install keepalived, then make sure the release it brought is one the plan's file is right
 * for: when another release came (the package manager changed its mind, nothing could tell
 * beforehand) and its file would differ, stop before writing anything.
 */
export async function installForPlan(
  host: Host,
  distro: Facts['distro'],
  install: { method: 'package' | 'source'; source: string | null },
  plan: Plan,
  replan: (version: string | null) => Promise<Plan>,
  progress: Progress,
): Promise<void> {
  const installed = await installKeepalived(host, distro, { method: install.method, source: install.source ?? undefined }, progress);
  if (installed.version === plan.release.version) return;
  const again = await replan(installed.version);
  if (again.files.config !== plan.files.config) {
    throw new OperationError(t('setup.release.changed', { planned: plan.release.version ?? t('word.unknown'), installed: installed.version ?? t('word.unknown') }), {
      hint: t('setup.release.changed.hint'),
    });
  }
}

/** The candidate file, checked the way its release allows; what blocks it, or null. Shared by single-node and pair setup. */
export async function testCandidate(host: Host, path: string, facts: Facts, progress: Pick<Progress, 'note'>): Promise<string[] | null> {
  const check = await checkConfigFile(host, path, { interfaces: facts.interfaces });
  for (const n of check.notes) progress.note(n);
  return blockingProblems(check);
}

/**
 * The wizard's VRID proposal for `vip`: the configured one while the VIP stays the same,
 * else the one derived from the VIP; and in any case the VRID of a group already on the
 * wire for this VIP (proposeVrid).
 */
export async function wizardVridProposal(host: Host, progress: Progress, iface: string, vip: string, proposals: RawAnswers, filesOnly: boolean): Promise<{ proposal: number; seen: string }> {
  const ms = 3 * DEFAULTS.advertInt * 1000 + 500;
  const probe = filesOnly ? { seen: [], listened: false } : await progress.step(t('setup.progress.listen', { seconds: (ms / 1000).toFixed(1) }), () => probeVrids(host, iface, ms));
  const address = vip.split('/')[0]!;
  const configured = proposals.vrid !== undefined && String(proposals.vip ?? '').split('/')[0] === address ? Number(proposals.vrid) : null;
  return {
    proposal: proposeVrid(configured ?? vridFromVip(vip), address, probe.seen).vrid,
    seen: probe.seen.length ? t('setup.q.vrid.seen', { list: [...new Set(probe.seen.map((s) => s.vrid))].join(', ') }) : t('setup.q.vrid.seenNone'),
  };
}

/**
 * What to do about a config ha-setup did not write, node by node (one or two): the
 * --existing flag, else the question in a terminal, else a usage error. true: keep it
 * (or stop), the run ends without a change.
 */
export async function keepForeignConfigs(
  existing: ReadonlyArray<ExistingConfig | null>,
  given: ExistingChoice | null,
  ask: ((i: number, e: ExistingConfig) => Promise<ExistingChoice>) | null,
  unattended: (i: number) => string,
): Promise<boolean> {
  for (const [i, e] of existing.entries()) {
    if (!e || e.ours || e.packagedSample) continue;
    const choice = given ?? (ask ? await ask(i, e) : null);
    if (choice === null) {
      throw new UserError({ field: '--existing', value: undefined, accepted: t('setup.existing.unattendedAccepted'), reason: unattended(i) });
    }
    if (choice === 'keep' || choice === 'stop') return true;
  }
  return false;
}

/**
 * One node's plan, and how to plan it again for the release an install actually brought.
 * With `progress`, looking up the release keepalived will be is shown as a step.
 */
export async function planNode(host: Host, facts: Facts, answers: Answers, opts: Omit<PlanOptions, 'release'>, progress: Progress | null): Promise<{ plan: Plan; replan: (version: string | null) => Promise<Plan> }> {
  const install = { method: opts.installMethod, source: opts.installSource };
  const lookUp = () => plannedRelease(host, facts, install, opts.filesOnly);
  const release = progress && !facts.keepalived.installed && !opts.filesOnly ? await progress.step(t('setup.progress.release'), lookUp) : await lookUp();
  const plan = await buildPlan(host, facts, answers, { ...opts, release });
  return { plan, replan: (version) => buildPlan(host, facts, answers, { ...opts, release: { version, source: 'installed' } }) };
}

/** How a node's plan is applied and shown: each line prefixed with `prefix` (the node, in a pair). */
export function nodeApplyHooks(applyHost: Host, facts: Facts, progress: Progress, plan: Plan, replan: (version: string | null) => Promise<Plan>, prefix = ''): NodeApply['hooks'] {
  return {
    step: (label, fn) => progress.step(`${prefix}${label}`, () => fn()),
    warn: (m) => progress.warn(`${prefix}${m}`),
    testConfig: (path) => testCandidate(applyHost, path, facts, { note: (m) => progress.note(`${prefix}${m}`) }),
    install: (method, source) => installForPlan(applyHost, facts.distro, { method, source }, plan, replan, progress),
  };
}

export async function runSetup(opts: SetupOptions): Promise<SetupResult> {
  const { ui } = opts;
  const facts = await ui.progress.step(t('setup.progress.facts'), () => gatherFacts(opts.factsHost));
  const configPath = facts.distro.keepalived?.configPath ?? DEFAULTS.paths.config;
  const existing = await readExisting(opts.factsHost, configPath);
  ui.preflight(facts, existing);
  const base = {
    plan: null, answers: null, apply: null, verification: null, generatedPassword: false, peerCommand: null,
    answersPath: DEFAULTS.paths.answers, filesOnly: opts.filesOnly, root: opts.factsHost.root,
  };

  if (await keepForeignConfigs([existing], opts.existing, ui.ask ? (_i, e) => ui.chooseExisting(e) : null, () => t('setup.existing.unattended'))) return { ...base, status: 'kept' };

  if (!facts.keepalived.installed && opts.noInstall && !opts.filesOnly) {
    throw new OperationError(t('setup.keepalivedMissing'), { hint: t('setup.keepalivedMissing.hint') });
  }

  // What the node is configured with is the default for everything not given: accepting
  // every default on a configured node changes nothing. The wizard proposes it; the
  // unattended path takes it.
  const was = existing && !existing.packagedSample ? await existingAnswers(opts.factsHost, configPath) : {};
  const configured = carriedOver(was, opts.raw);
  const proposals: RawAnswers = { routerId: hostname().split('.')[0], ...configured };
  let raw: RawAnswers = ui.ask ? { ...opts.raw } : { ...proposals, ...opts.raw };
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
      probeVrids: (iface, vip) => wizardVridProposal(opts.factsHost, ui.progress, iface, vip, proposals, opts.filesOnly),
      probeVip: (iface, vip) => probeVip(opts.factsHost, iface, vip),
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

  // A VIP the current config already manages is no node address (re-run on a master).
  const requestedVip = String(raw.vip ?? '').split('/')[0]!;
  const interfaces = existing?.vips.includes(requestedVip) ? withoutManagedAddress(facts.interfaces, requestedVip) : facts.interfaces;
  const answers = validateAnswers(raw, interfaces);
  const prefixNote = vipPrefixNote(raw.vip, interfaces.find((i) => i.name === answers.interface) ?? null);
  if (prefixNote) ui.progress.note(prefixNote);

  // Unattended: the VRID derived from the VIP, unless another group on the wire uses it.
  if (!ui.ask && opts.raw.vrid === undefined && !opts.filesOnly) {
    const probe = await ui.progress.step(t('setup.progress.listen', { seconds: (3 * answers.advertInt + 0.5).toFixed(1) }), () =>
      probeVrids(opts.factsHost, answers.interface, (3 * answers.advertInt + 0.5) * 1000),
    );
    const choice = proposeVrid(answers.vrid, answers.vip.split('/')[0]!, probe.seen);
    if (choice.conflict) ui.progress.warn(t('setup.vridInUse', { vrid: answers.vrid, vips: choice.conflict.addresses.join(', '), proposal: choice.vrid }));
    if (choice.ours) ui.progress.note(t('setup.vridOurs', { vrid: choice.vrid, src: choice.ours.src }));
    answers.vrid = choice.vrid;
  }
  if (!ui.ask && !opts.filesOnly) {
    const vipAddress = answers.vip.split('/')[0]!;
    const probe = await ui.progress.step(t('setup.progress.dad', { vip: vipAddress }), () => probeVip(opts.factsHost, answers.interface, vipAddress));
    const ownVip = facts.interfaces.some((i) => [...i.ipv4, ...i.ipv6].some((a) => a.split('/')[0] === vipAddress));
    if (probe.inUse && !ownVip) {
      const mac = probe.macs.join(', ');
      ui.progress.warn(answers.role === 'MASTER' ? t('setup.vipAnswers.master', { vip: vipAddress, mac }) : t('setup.vipAnswers.backup', { vip: vipAddress, mac }));
    }
  }

  const { plan, replan } = await planNode(opts.factsHost, facts, answers, { filesOnly: opts.filesOnly, installMethod: opts.installMethod, installSource: opts.installSource, previous: was }, ui.progress);
  const ownAddress = facts.interfaces.find((i) => i.name === answers.interface)?.ipv4[0]?.split('/')[0] ?? null;
  const result: SetupResult = { ...base, status: 'planned', plan, answers, generatedPassword, peerCommand: peerCommand(answers, ownAddress) };
  ui.showPlan(plan);
  if (opts.dryRun) return result;
  if (plan.steps.length === 0) {
    result.status = 'unchanged';
    ui.done(result);
    return result;
  }
  if (!opts.yes && !(await ui.confirm(plan))) return { ...result, status: 'aborted' };

  // The password (typed, generated or from a file) never reaches the audit log.
  auditOf(opts.applyHost)?.markSecret(answers.authPass);
  // While the plan is applied no signal, closed terminal or exception leaves it half done:
  // it stops before the next step and puts back what it changed (src/guard.ts).
  [result.apply] = await applyPlans([{ plan, host: opts.applyHost, services: opts.services, hooks: nodeApplyHooks(opts.applyHost, facts, ui.progress, plan, replan) }]);
  result.status = 'applied';
  if (!opts.filesOnly && plan.steps.some((s) => s.kind === 'service')) {
    result.verification = await ui.progress.step(t('setup.progress.wait'), () => verifySetup(opts.factsHost, opts.services, answers));
  }
  ui.done(result);
  return result;
}
