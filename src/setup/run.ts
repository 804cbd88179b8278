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
import { DEFAULTS } from './defaults.js';
import { ANSWER_FLAGS, validateAnswers, validateRole, vipPrefixNote, withoutManagedAddress, vridFromVip, type Answers, type InterfaceFacts } from './answers.js';
import { buildPlan, type Plan } from './plan.js';
import { applyPlan, type ApplyResult } from './apply.js';
import { verifySetup, type Verification } from './verify.js';
import { probeVip, probeVrids, proposeVrid, type VipProbe } from './probe.js';
import { parseConfig } from '../keepalived/parse.js';
import { isPackagedSampleConfig } from '../keepalived/summary.js';
import { configTest } from '../keepalived/config-test.js';
import { installKeepalived } from '../keepalived/install/index.js';
import type { Progress } from '../ui/progress.js';
import { randomPassword } from './password.js';

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

  if (existing && !existing.ours && !existing.packagedSample) {
    const choice = opts.existing ?? (ui.ask ? await ui.chooseExisting(existing) : null);
    if (choice === null) {
      throw new UserError({ field: '--existing', value: undefined, accepted: t('setup.existing.unattendedAccepted'), reason: t('setup.existing.unattended') });
    }
    if (choice === 'keep' || choice === 'stop') return { ...base, status: 'kept' };
  }

  if (!facts.keepalived.installed && opts.noInstall && !opts.filesOnly) {
    throw new OperationError(t('setup.keepalivedMissing'), { hint: t('setup.keepalivedMissing.hint') });
  }

  // Defaults that need no question; the wizard shows them as its proposals.
  let raw: RawAnswers = { routerId: hostname().split('.')[0], ...opts.raw };
  const ifaceDefault = defaultInterface(facts.interfaces);
  if (raw.interface === undefined && ifaceDefault && !ui.ask) raw.interface = ifaceDefault;

  let generatedPassword = false;
  const role = raw.role === undefined ? undefined : validateRole(raw.role);
  if (raw.authPass === undefined && role === 'MASTER' && !ui.ask) {
    raw.authPass = randomPassword(DEFAULTS.passwordLength);
    generatedPassword = true;
  }

  if (ui.ask) {
    const asked = await ui.ask(raw, {
      facts,
      interfaces: facts.interfaces,
      defaultInterface: ifaceDefault,
      probeVrids: async (iface, vip) => {
        const ms = 3 * DEFAULTS.advertInt * 1000 + 500;
        const probe = opts.filesOnly ? { seen: [], listened: false } : await ui.progress.step(t('setup.progress.listen', { seconds: (ms / 1000).toFixed(1) }), () => probeVrids(opts.factsHost, iface, ms));
        return {
          proposal: proposeVrid(vridFromVip(vip), vip.split('/')[0]!, probe.seen).vrid,
          seen: probe.seen.length ? t('setup.q.vrid.seen', { list: [...new Set(probe.seen.map((s) => s.vrid))].join(', ') }) : t('setup.q.vrid.seenNone'),
        };
      },
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
    if (choice.ours) ui.progress.note(t('setup.vridOurs', { vrid: answers.vrid, src: choice.ours.src }));
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

  const plan = await buildPlan(opts.factsHost, facts, answers, { filesOnly: opts.filesOnly, installMethod: opts.installMethod, installSource: opts.installSource });
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
  result.apply = await applyPlan(plan, opts.applyHost, opts.services, {
    step: (label, fn) => ui.progress.step(label, () => fn()),
    warn: (m) => ui.progress.warn(m),
    testConfig: async (path) => {
      const r = await configTest(opts.applyHost, path);
      if (r.outcome === 'ok' || r.outcome === 'unavailable' || r.outcome === 'terminated-bug') return null;
      const errors = r.findings.filter((f) => f.severity === 'error').map((f) => f.raw);
      return errors.length ? errors : [r.stderr.trim() || `keepalived -t exited ${r.exitCode}`];
    },
    install: async (method, source) => {
      await installKeepalived(opts.applyHost, facts.distro, { method, source: source ?? undefined }, ui.progress);
    },
  });
  result.status = 'applied';
  if (!opts.filesOnly && plan.steps.some((s) => s.kind === 'service')) {
    result.verification = await ui.progress.step(t('setup.progress.wait'), () => verifySetup(opts.factsHost, opts.services, answers));
  }
  ui.done(result);
  return result;
}
