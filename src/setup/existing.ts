/**
 * What a configured node already answers: the keepalived.conf that runs and the answers
 * file setup saved beside it. On a re-run these are the defaults (the wizard's proposals,
 * the unattended path's values for every flag not given), so that accepting them changes
 * nothing. The config wins where the two differ (it is what keepalived runs: a hand edit
 * after setup); the answers file adds what the config cannot say (the role under
 * nopreempt, where both nodes start as BACKUP, and the URL the check asks).
 */
import type { Host } from '../host/types.js';
import { parseConfig } from '../keepalived/parse.js';
import { isPackagedSampleConfig } from '../keepalived/summary.js';
import { DEFAULTS } from '../defaults.js';
import type { KeepalivedConfig, VirtualIp } from '../keepalived/model.js';
import { vipList, type Answers, type Role } from './answers.js';
import type { RawAnswers } from './run.js';

const KEYS: ReadonlyArray<keyof Answers> = ['role', 'interface', 'vip', 'extraVips', 'vrid', 'priority', 'advertInt', 'authPass', 'peers', 'routerId', 'nopreempt', 'email', 'checkUrl', 'mode', 'secondVips', 'secondVrid', 'secondPriority', 'notify'];

async function savedAnswers(host: Host): Promise<Partial<Answers>> {
  const text = await host.readFile(DEFAULTS.paths.answers).catch(() => null);
  if (!text) return {};
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(data).filter(([k]) => (KEYS as readonly string[]).includes(k))) as Partial<Answers>;
  } catch {
    return {};
  }
}

/** The answers this node is configured with; {} on a node without a usable config. */
export async function existingAnswers(host: Host, configPath: string): Promise<Partial<Answers>> {
  const saved = await savedAnswers(host);
  const parsed = await parseConfig(host, configPath).catch(() => null);
  if (!parsed || isPackagedSampleConfig(parsed.config)) return saved;
  return existingAnswersFromConfig(parsed.config, saved);
}

/** What a config says its answers are, over those the answers file saved beside it. */
export function existingAnswersFromConfig(config: KeepalivedConfig, saved: Partial<Answers>): Partial<Answers> {
  const withVips = config.vrrpInstances.filter((i) => i.virtualIpaddress.length > 0);
  const inst = withVips.find((i) => i.name === DEFAULTS.instanceName) ?? withVips[0];
  if (!inst) return saved;
  const second = withVips.find((i) => i !== inst && i.name === DEFAULTS.secondInstanceName);
  const out: Partial<Answers> = { ...saved };
  const set = <K extends keyof Answers>(key: K, value: Answers[K] | null | undefined) => {
    if (value !== null && value !== undefined) out[key] = value;
  };
  const [vip, ...extra] = inst.virtualIpaddress as [VirtualIp, ...VirtualIp[]];
  set('interface', vip.dev ?? inst.interface);
  // keepalived takes an address without a prefix as a host route (/32, /128).
  const withPrefix = (a: string) => (a.includes('/') ? a : `${a}/${a.includes(':') ? 128 : 32}`);
  set('vip', withPrefix(vip.address));
  out.extraVips = extra.map((v) => withPrefix(v.address));
  set('vrid', inst.virtualRouterId);
  set('priority', inst.priority);
  set('advertInt', inst.advertInt);
  set('authPass', inst.authentication?.authPass);
  out.peers = [...inst.unicastPeer];
  out.nopreempt = inst.nopreempt;
  // Under nopreempt both nodes start as BACKUP: the role is the answer that was given.
  const state = inst.state?.toUpperCase();
  const role: Role | undefined = inst.nopreempt ? saved.role : state === 'MASTER' || state === 'BACKUP' ? state : undefined;
  set('role', role ?? ((inst.priority ?? 0) >= DEFAULTS.priority.master ? 'MASTER' : 'BACKUP'));
  const globals = config.globalDefs;
  set('routerId', globals?.routerId);
  // Mail through --smtp-server is the notify script's: the config names no address then.
  out.email = globals?.notificationEmail?.[0] ?? (saved.notify?.smtp ? (saved.email ?? null) : null);
  // active-active: the second instance setup wrote beside the first.
  out.mode = second ? 'active-active' : 'active-standby';
  out.secondVips = second ? second.virtualIpaddress.map((v) => withPrefix(v.address)) : [];
  out.secondVrid = second?.virtualRouterId ?? null;
  out.secondPriority = second?.priority ?? null;
  return out;
}

/**
 * The existing answers as defaults under what was given: every answer not given is
 * carried over, except where a given answer makes it meaningless (another role: that
 * role's default priority; another VIP: that VIP's VRID).
 */
export function carriedOver(existing: Partial<Answers>, given: RawAnswers): RawAnswers {
  const out: RawAnswers = {};
  for (const key of KEYS) {
    if (given[key] !== undefined || existing[key] === undefined) continue;
    out[key] = existing[key];
  }
  const sameRole = given.role === undefined || String(given.role).toUpperCase() === existing.role;
  if (!sameRole) delete out.priority;
  // Given VIPs are the whole list: the configured extra ones are not added to them.
  if (given.vip !== undefined) delete out.extraVips;
  const address = (v: unknown) => String(v ?? '').split('/')[0];
  if (given.vip !== undefined && address(vipList(given.vip)[0]) !== address(existing.vip)) delete out.vrid;
  if (given.secondVips !== undefined && address(vipList(given.secondVips)[0]) !== address(existing.secondVips?.[0])) delete out.secondVrid;
  if (!sameRole) delete out.secondPriority;
  // Another mode asked for: the configured second instance is not carried into it.
  if (given.mode !== undefined && String(given.mode).toLowerCase() !== existing.mode) {
    delete out.secondVips;
    delete out.secondVrid;
    delete out.secondPriority;
  }
  return out;
}
