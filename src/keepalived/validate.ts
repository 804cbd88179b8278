/**
 * Checks a KeepalivedConfig for mistakes keepalived accepts silently or reports in a way
 * users miss. One rule per function; each returns findings that say what is wrong, why
 * it matters and what to write instead. Ranges come from ranges.ts, the one place the
 * wizard and doctor read them too.
 */
import type { Host } from '../host/types.js';
import { t, type MessageKey } from '../i18n/index.js';
import { ADVERT_INT_RANGE, AUTH_PASS_MAX, AUTH_TYPES, PRIORITY_OWNER, PRIORITY_RANGE, VRID_RANGE } from './ranges.js';
import { hasVrrpStrict, type KeepalivedConfig, type VrrpInstance } from './model.js';
import { inSubnet, parseAddr, sameAddress, type Addr } from './addr.js';
import { RELEASE_FEATURES, releaseHas, releaseKnowsKeyword, keywordSince, type KeywordBlock } from './releases.js';

export { ADVERT_INT_RANGE, AUTH_PASS_MAX, AUTH_TYPES, PRIORITY_OWNER, PRIORITY_RANGE, VRID_RANGE };

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** Where in the model, e.g. `vrrp_instance[VI_1].priority`; ParseResult.locations maps it to file:line. */
  path: string;
  message: string;
  suggestion: string;
  /** Stable rule id, e.g. `priority-range`. */
  rule: string;
}

export interface InterfaceFacts {
  name: string;
  /** "a.b.c.d/p" */
  ipv4: string[];
  ipv6: string[];
}

export interface ValidateFacts {
  /** This node's interfaces and addresses; rules about addresses are skipped without them. */
  interfaces?: InterfaceFacts[];
  /** Where script paths are looked up (under its --root); the missing-script rule is skipped without it. */
  host?: Host;
  /** The keepalived release that will read the file ("2.1.5"); release rules are skipped without it. */
  release?: string | null;
}

interface Ctx {
  config: KeepalivedConfig;
  facts: ValidateFacts;
}

type Rule = (ctx: Ctx) => Finding[] | Promise<Finding[]>;

function finding(severity: Severity, rule: string, path: string, key: string, params: Record<string, unknown> = {}): Finding {
  return {
    severity,
    path,
    rule,
    message: t(`keepalived.rule.${key}` as MessageKey, params),
    suggestion: t(`keepalived.rule.${key}.fix` as MessageKey, params),
  };
}

const at = (i: VrrpInstance, key: string) => `vrrp_instance[${i.name}].${key}`;

/** virtual_router_id must be set and within 1-255. */
export function ruleVridRange({ config }: Ctx): Finding[] {
  return config.vrrpInstances.flatMap((i) => {
    if (i.virtualRouterId === null) return [finding('error', 'vrid-range', at(i, 'virtual_router_id'), 'vridMissing', { name: i.name, ...VRID_RANGE })];
    const v = i.virtualRouterId;
    if (!Number.isInteger(v) || v < VRID_RANGE.min || v > VRID_RANGE.max) {
      return [finding('error', 'vrid-range', at(i, 'virtual_router_id'), 'vridRange', { name: i.name, value: v, ...VRID_RANGE })];
    }
    return [];
  });
}

/** priority 1-254; 255 makes the node the address owner, which never fails over on a health check. */
export function rulePriorityRange({ config }: Ctx): Finding[] {
  return config.vrrpInstances.flatMap((i) => {
    const v = i.priority;
    if (v === null) return [];
    if (v === PRIORITY_OWNER) return [finding('warning', 'priority-range', at(i, 'priority'), 'priorityOwner', { name: i.name, ...PRIORITY_RANGE })];
    if (!Number.isInteger(v) || v < PRIORITY_RANGE.min || v > PRIORITY_RANGE.max) {
      return [finding('error', 'priority-range', at(i, 'priority'), 'priorityRange', { name: i.name, value: v, ...PRIORITY_RANGE })];
    }
    return [];
  });
}

/** `state MASTER` without priority: keepalived derives 255 and drops weighted track scripts. */
export function ruleMasterImpliedOwner({ config }: Ctx): Finding[] {
  return config.vrrpInstances
    .filter((i) => i.state === 'MASTER' && i.priority === null)
    .map((i) => finding('warning', 'master-implied-owner', at(i, 'state'), 'masterImpliedOwner', { name: i.name, max: PRIORITY_RANGE.max }));
}

/** state must be exactly MASTER or BACKUP: keepalived compares case-sensitively and reads anything else as BACKUP. */
export function ruleStateValue({ config }: Ctx): Finding[] {
  return config.vrrpInstances
    .filter((i) => i.state !== null && i.state !== 'MASTER' && i.state !== 'BACKUP')
    .map((i) => finding('warning', 'state-value', at(i, 'state'), 'stateValue', { name: i.name, value: i.state }));
}

/** advert_int must be a positive number of seconds. */
export function ruleAdvertInt({ config }: Ctx): Finding[] {
  return config.vrrpInstances
    .filter((i) => i.advertInt !== null && (i.advertInt <= 0 || i.advertInt > ADVERT_INT_RANGE.max))
    .map((i) => finding('error', 'advert-int', at(i, 'advert_int'), 'advertInt', { name: i.name, value: i.advertInt, max: ADVERT_INT_RANGE.max }));
}

/** keepalived keeps only the first 8 characters of auth_pass. */
export function ruleAuthPassLength({ config }: Ctx): Finding[] {
  return config.vrrpInstances.flatMap((i) => {
    const pass = i.authentication?.authPass;
    if (!pass || [...pass].length <= AUTH_PASS_MAX) return [];
    const used = [...pass].slice(0, AUTH_PASS_MAX).join('');
    return [finding('warning', 'auth-pass-length', at(i, 'authentication.auth_pass'), 'authPassLength', { name: i.name, length: [...pass].length, max: AUTH_PASS_MAX, used })];
  });
}

/** auth_type must be exactly PASS or AH. */
export function ruleAuthType({ config }: Ctx): Finding[] {
  return config.vrrpInstances.flatMap((i) => {
    const type = i.authentication?.authType;
    if (type === null || type === undefined || (AUTH_TYPES as readonly string[]).includes(type)) return [];
    return [finding('error', 'auth-type', at(i, 'authentication.auth_type'), 'authType', { name: i.name, value: type, accepted: AUTH_TYPES.join(', ') })];
  });
}

/** nopreempt with state MASTER: keepalived clears nopreempt. */
export function ruleNopreemptMaster({ config }: Ctx): Finding[] {
  return config.vrrpInstances
    .filter((i) => i.nopreempt && i.state === 'MASTER')
    .map((i) => finding('warning', 'nopreempt-master', at(i, 'nopreempt'), 'nopreemptMaster', { name: i.name }));
}

function ifaceAddrs(iface: InterfaceFacts): Addr[] {
  return [...iface.ipv4, ...iface.ipv6].map(parseAddr).filter((a): a is Addr => a !== null);
}

/** A VIP outside every subnet of its interface is usually a typo or the wrong interface. */
export function ruleVipSubnet({ config, facts }: Ctx): Finding[] {
  if (!facts.interfaces) return [];
  return config.vrrpInstances.flatMap((i) =>
    i.virtualIpaddress.flatMap((vip, n) => {
      const dev = vip.dev ?? i.interface;
      const iface = facts.interfaces!.find((f) => f.name === dev);
      const addr = parseAddr(vip.address);
      if (!iface || !addr) return [];
      const nets = ifaceAddrs(iface).filter((a) => a.family === addr.family);
      if (nets.length === 0 || nets.some((net) => inSubnet(addr, net))) return [];
      const subnets = [...iface.ipv4, ...iface.ipv6].join(', ');
      return [finding('warning', 'vip-subnet', at(i, `virtual_ipaddress[${n}]`), 'vipSubnet', { name: i.name, vip: vip.address, dev, subnets })];
    }),
  );
}

/** A VIP equal to an address a node already has: the backup would take the node's own address away. */
export function ruleVipIsNodeAddress({ config, facts }: Ctx): Finding[] {
  if (!facts.interfaces) return [];
  const own = facts.interfaces.flatMap((f) => ifaceAddrs(f).map((a) => ({ a, dev: f.name })));
  return config.vrrpInstances.flatMap((i) =>
    i.virtualIpaddress.flatMap((vip, n) => {
      const addr = parseAddr(vip.address);
      const hit = addr && own.find((o) => sameAddress(o.a, addr));
      return hit ? [finding('error', 'vip-is-node-address', at(i, `virtual_ipaddress[${n}]`), 'vipIsNodeAddress', { name: i.name, vip: vip.address, dev: hit.dev })] : [];
    }),
  );
}

/** Two instances with one VRID on one interface (same address family) fight over the same virtual MAC. */
export function ruleDuplicateVrid({ config }: Ctx): Finding[] {
  const seen = new Map<string, VrrpInstance>();
  const out: Finding[] = [];
  for (const i of config.vrrpInstances) {
    if (i.virtualRouterId === null || i.interface === null) continue;
    const first = i.virtualIpaddress[0] ? parseAddr(i.virtualIpaddress[0].address) : null;
    const family = first?.family ?? 4;
    const key = `${i.interface}/${i.virtualRouterId}/${family}`;
    const other = seen.get(key);
    if (other) {
      out.push(finding('error', 'duplicate-vrid', at(i, 'virtual_router_id'), 'duplicateVrid', { name: i.name, other: other.name, vrid: i.virtualRouterId, dev: i.interface }));
    } else seen.set(key, i);
  }
  return out;
}

/** unicast_peer must list the other nodes, not this one. */
export function ruleUnicastPeerSelf({ config, facts }: Ctx): Finding[] {
  return config.vrrpInstances.flatMap((i) => {
    const own: Addr[] = (facts.interfaces ?? []).flatMap(ifaceAddrs);
    const src = i.unicastSrcIp ? parseAddr(i.unicastSrcIp) : null;
    if (src) own.push(src);
    return i.unicastPeer.flatMap((peer, n) => {
      const addr = parseAddr(peer);
      return addr && own.some((o) => sameAddress(o, addr))
        ? [finding('error', 'unicast-peer-self', at(i, `unicast_peer[${n}]`), 'unicastPeerSelf', { name: i.name, peer })]
        : [];
    });
  });
}

/** track_script must name a defined vrrp_script, or keepalived drops it and the health check is gone. */
export function ruleTrackScriptDefined({ config }: Ctx): Finding[] {
  const defined = new Set(config.vrrpScripts.map((s) => s.name));
  return config.vrrpInstances.flatMap((i) =>
    i.trackScript
      .filter((e) => !defined.has(e.name))
      .map((e) => finding('error', 'track-script-undefined', at(i, `track_script[${e.name}]`), 'trackScriptUndefined', { name: i.name, script: e.name })),
  );
}

/** Every script keepalived will run, with its model path. */
function scriptsInUse(config: KeepalivedConfig): { path: string; command: string }[] {
  const out: { path: string; command: string }[] = [];
  for (const s of config.vrrpScripts) if (s.script) out.push({ path: `vrrp_script[${s.name}].script`, command: s.script });
  for (const i of config.vrrpInstances) {
    for (const [key, command] of [
      ['notify', i.notify],
      ['notify_master', i.notifyMaster],
      ['notify_backup', i.notifyBackup],
      ['notify_fault', i.notifyFault],
      ['notify_stop', i.notifyStop],
    ] as const) {
      if (command) out.push({ path: at(i, key), command });
    }
  }
  for (const g of config.vrrpSyncGroups) {
    for (const [key, command] of [
      ['notify', g.notify],
      ['notify_master', g.notifyMaster],
      ['notify_backup', g.notifyBackup],
      ['notify_fault', g.notifyFault],
    ] as const) {
      if (command) out.push({ path: `vrrp_sync_group[${g.name}].${key}`, command });
    }
  }
  return out;
}

/** The program a script line runs: its first word. */
export function scriptProgram(command: string): string {
  return command.trim().split(/\s+/)[0] ?? '';
}

/** Script paths should be absolute (keepalived otherwise searches PATH and warns) and exist. */
export async function ruleScriptPath({ config, facts }: Ctx): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const s of scriptsInUse(config)) {
    const program = scriptProgram(s.command);
    if (!program.startsWith('/')) {
      out.push(finding('warning', 'script-path', s.path, 'scriptRelative', { program }));
    } else if (facts.host && !(await facts.host.exists(program))) {
      out.push(finding('error', 'script-path', s.path, 'scriptMissing', { program }));
    }
  }
  return out;
}

/** Scripts without enable_script_security: keepalived logs SECURITY VIOLATION (`-t` fails) or refuses insecure ones. */
export function ruleScriptSecurity({ config }: Ctx): Finding[] {
  if (config.globalDefs?.enableScriptSecurity) return [];
  const used = new Set(config.vrrpInstances.flatMap((i) => i.trackScript.map((e) => e.name)));
  const scripts = scriptsInUse(config).filter((s) => !s.path.startsWith('vrrp_script[') || used.has(s.path.slice('vrrp_script['.length, s.path.indexOf(']'))));
  if (!scripts.length) return [];
  return [finding('warning', 'script-security', 'global_defs.enable_script_security', 'scriptSecurity', { count: scripts.length })];
}

/** vrrp_strict installs firewall DROP rules for the VIPs (ping and nginx on the VIP stop answering). */
export function ruleVrrpStrict({ config }: Ctx): Finding[] {
  return hasVrrpStrict(config) ? [finding('warning', 'vrrp-strict', 'global_defs.vrrp_strict', 'vrrpStrict')] : [];
}

/** Every keyword of the file with the block keepalived installs it in and its model path. */
export function keywordsInUse(config: KeepalivedConfig): { block: KeywordBlock; keyword: string; path: string }[] {
  const out: { block: KeywordBlock; keyword: string; path: string }[] = [];
  const add = (block: KeywordBlock, keyword: string, path: string) => out.push({ block, keyword, path });
  config.other.forEach((s, i) => add('top', s.keyword, `other[${i}]`));
  config.vrrpTrackProcesses.forEach((p) => add('top', 'vrrp_track_process', `vrrp_track_process[${p.name}]`));
  const g = config.globalDefs;
  if (g) for (const s of [...g.vrrpGlobals, ...g.extra]) add('global_defs', s.keyword, `global_defs.${s.keyword}`);
  for (const i of config.vrrpInstances) {
    if (i.trackProcess.length) add('vrrp_instance', 'track_process', at(i, 'track_process'));
    for (const s of [...i.garp, ...i.extra]) add('vrrp_instance', s.keyword, at(i, s.keyword));
  }
  for (const sg of config.vrrpSyncGroups) for (const s of sg.extra) add('vrrp_sync_group', s.keyword, `vrrp_sync_group[${sg.name}].${s.keyword}`);
  for (const p of config.vrrpTrackProcesses) for (const s of p.extra) add('vrrp_track_process', s.keyword, `vrrp_track_process[${p.name}].${s.keyword}`);
  return out;
}

/** A keyword the release that reads the file does not know yet: keepalived ignores the line and `-t` fails. */
export function ruleReleaseKeywords({ config, facts }: Ctx): Finding[] {
  const release = facts.release ?? null;
  if (release === null) return [];
  return keywordsInUse(config)
    .filter((k) => !releaseKnowsKeyword(release, k.block, k.keyword))
    .map((k) => finding('error', 'release-keyword', k.path, 'releaseKeyword', { keyword: k.keyword, release, since: keywordSince(k.block, k.keyword) }));
}

/** `interval 0.5` in a vrrp_script: whole seconds only before 2.3.2; the value is ignored and 1 s used. */
export function ruleScriptIntervalFraction({ config, facts }: Ctx): Finding[] {
  const release = facts.release ?? null;
  if (release === null || releaseHas(release, 'fractionalScriptInterval')) return [];
  return config.vrrpScripts.flatMap((s) =>
    (['interval', 'timeout'] as const)
      .filter((k) => s[k] !== null && !Number.isInteger(s[k]))
      .map((k) => finding('warning', 'script-interval-fraction', `vrrp_script[${s.name}].${k}`, 'scriptIntervalFraction', { name: s.name, keyword: k, value: s[k], release, since: RELEASE_FEATURES.fractionalScriptInterval.since })),
  );
}

export const RULES: Readonly<Record<string, Rule>> = {
  'vrid-range': ruleVridRange,
  'priority-range': rulePriorityRange,
  'master-implied-owner': ruleMasterImpliedOwner,
  'state-value': ruleStateValue,
  'advert-int': ruleAdvertInt,
  'auth-pass-length': ruleAuthPassLength,
  'auth-type': ruleAuthType,
  'nopreempt-master': ruleNopreemptMaster,
  'vip-subnet': ruleVipSubnet,
  'vip-is-node-address': ruleVipIsNodeAddress,
  'duplicate-vrid': ruleDuplicateVrid,
  'unicast-peer-self': ruleUnicastPeerSelf,
  'track-script-undefined': ruleTrackScriptDefined,
  'script-path': ruleScriptPath,
  'script-security': ruleScriptSecurity,
  'vrrp-strict': ruleVrrpStrict,
  'release-keyword': ruleReleaseKeywords,
  'script-interval-fraction': ruleScriptIntervalFraction,
};

/** All rules, errors first, then in rule order. */
export async function validateConfig(config: KeepalivedConfig, facts: ValidateFacts = {}): Promise<Finding[]> {
  const ctx: Ctx = { config, facts };
  const results = await Promise.all(Object.values(RULES).map((rule) => rule(ctx)));
  const all = results.flat();
  return [...all.filter((f) => f.severity === 'error'), ...all.filter((f) => f.severity === 'warning')];
}

/** The name the issue uses. */
export const validate = validateConfig;
