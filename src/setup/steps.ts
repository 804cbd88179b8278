/**
 * The steps of the setup flow that do not depend on how many nodes it sets up: reading a
 * node's current config, the wizard's VRID proposal, the foreign-config question, planning
 * and applying one node, a node's name and its address for the VIP. src/setup/run.ts puts
 * them in order for one node or a pair.
 */
import type { Host } from '../host/types.js';
import type { Facts } from '../system/facts.js';
import { UserError, OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { vridFromVip, type Answers, type InterfaceFacts } from './answers.js';
import { buildPlan, type Plan, type PlanOptions } from './plan.js';
import type { NodeApply } from './apply.js';
import { probeVrids, proposeVrid } from './probe.js';
import { parseConfig } from '../keepalived/parse.js';
import { isPackagedSampleConfig } from '../keepalived/summary.js';
import { blockingProblems, checkConfigFile } from '../keepalived/check-file.js';
import { installKeepalived } from '../keepalived/install/index.js';
import type { Progress } from '../progress.js';
import { plannedRelease } from './release.js';
import { parseCidr, cidrContains } from './net.js';
import type { ExistingChoice, ExistingConfig, RawAnswers } from './run.js';
import { notifyFlags } from '../notify/channels.js';

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
  const vips = [answers.vip, ...answers.extraVips].flatMap((v) => ['--vip', v]);
  const cmd = ['ha-setup', 'setup', '--role', answers.role === 'MASTER' ? 'backup' : 'master', '--interface', answers.interface, ...vips, '--vrid', String(answers.vrid), '--advert-int', String(answers.advertInt), '--auth-pass', answers.authPass];
  if (answers.peers.length > 0 && ownAddress) cmd.push('--peer', ownAddress);
  if (answers.nopreempt) cmd.push('--nopreempt');
  if (answers.email) cmd.push('--email', answers.email);
  if (answers.checkUrl !== DEFAULTS.check.url) cmd.push('--check-url', answers.checkUrl);
  cmd.push(...notifyFlags(answers.notify));
  if (answers.mode === 'active-active') {
    cmd.push('--mode', answers.mode, ...answers.secondVips.flatMap((v) => ['--second-vip', v]), '--second-vrid', String(answers.secondVrid));
  }
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

/** The node's host name: a sandboxed node announces its own (lab nodes share the machine's). */
export async function hostnameOf(host: Host, fallback: string): Promise<string> {
  const announced = host.labNode;
  if (announced) return announced;
  const r = await host.exec('hostname', [], { why: 'a router_id for the node', timeoutMs: 10_000 }).catch(() => null);
  const name = r && r.exitCode === 0 ? r.stdout.trim() : '';
  return name || fallback;
}
