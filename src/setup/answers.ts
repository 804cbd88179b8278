/**
 * Answers: what the wizard asks, what the flags say, what an answers file holds. All
 * three produce this one object, validated by the same functions, before anything is
 * changed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';
import { parseCidr, cidrContains, type Cidr } from './net.js';
import { VRID_RANGE, PRIORITY_RANGE } from '../keepalived/ranges.js';
import { validateNotify, type NotifyAnswers } from '../notify/channels.js';

export type Role = 'MASTER' | 'BACKUP';
/** One VIP (or set) with a master and a backup, or two (双主): each node master of one. */
export type Mode = 'active-standby' | 'active-active';
export const MODES: readonly Mode[] = ['active-standby', 'active-active'];

export interface Answers {
  role: Role;
  interface: string;
  /** address/prefix, e.g. 192.0.2.50/24: the instance's first VIP (its VRID is derived from it). */
  vip: string;
  /** Further VIPs of the same instance, same family: they move with the first. */
  extraVips: string[];
  vrid: number;
  priority: number;
  advertInt: number;
  authPass: string;
  /** Unicast peers; empty means multicast. */
  peers: string[];
  routerId: string;
  nopreempt: boolean;
  email: string | null;
  /** What the check script asks nginx. */
  checkUrl: string;
  mode: Mode;
  /**
   * active-active: the second instance's VIPs, VRID and this node's priority in it; this
   * node has the other role there (MASTER of the first instance is BACKUP of the second).
   * Empty and null in active-standby.
   */
  secondVips: string[];
  secondVrid: number | null;
  secondPriority: number | null;
  /** Notification channels (src/notify/channels.ts); null: none. Mail goes to `email`. */
  notify: NotifyAnswers | null;
}

/** The interface facts validation needs (a subset of the detected facts). */
export interface InterfaceFacts {
  name: string;
  up: boolean;
  loopback: boolean;
  ipv4: string[];
  ipv6: string[];
  default: boolean;
}

export const ANSWER_FLAGS: Record<keyof Answers, string> = {
  role: '--role',
  interface: '--interface',
  vip: '--vip',
  extraVips: '--vip',
  vrid: '--vrid',
  priority: '--priority',
  advertInt: '--advert-int',
  authPass: '--auth-pass',
  peers: '--peer',
  routerId: '--router-id',
  nopreempt: '--nopreempt',
  email: '--email',
  checkUrl: '--check-url',
  mode: '--mode',
  secondVips: '--second-vip',
  secondVrid: '--second-vrid',
  secondPriority: '--second-priority',
  notify: '--notify-*',
};

// Characters that would break keepalived.conf or the shell: quotes, comment starters,
// braces, whitespace and control characters.
const UNSAFE_TOKEN = /["'{}#!\\\s\u0000-\u001f\u007f]/;

export function validateRole(value: unknown): Role {
  const v = String(value ?? '').trim().toUpperCase();
  if (v === 'MASTER' || v === 'BACKUP') return v;
  throw new UserError({ field: ANSWER_FLAGS.role, value, accepted: 'master, backup' });
}

export function validateInterface(value: unknown, interfaces: InterfaceFacts[]): InterfaceFacts {
  const name = String(value ?? '').trim();
  const usable = interfaces.filter((i) => i.up && !i.loopback);
  const found = interfaces.find((i) => i.name === name);
  const accepted = usable.map((i) => i.name).join(', ') || t('setup.noUsableInterface');
  if (!found) throw new UserError({ field: ANSWER_FLAGS.interface, value: name, accepted, reason: t('setup.reason.noSuchInterface') });
  if (found.loopback) throw new UserError({ field: ANSWER_FLAGS.interface, value: name, accepted, reason: t('setup.reason.loopback') });
  if (!found.up) throw new UserError({ field: ANSWER_FLAGS.interface, value: name, accepted, reason: t('setup.reason.interfaceDown') });
  if (found.ipv4.length === 0 && found.ipv6.length === 0) {
    throw new UserError({ field: ANSWER_FLAGS.interface, value: name, accepted, reason: t('setup.reason.noAddress') });
  }
  return found;
}

/** The VIPs given: --vip is repeatable, an answers file may hold a list; the extra ones follow. */
export function vipList(vip: unknown, extra: unknown = undefined): unknown[] {
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]);
  return [...list(vip), ...list(extra)];
}

/**
 * Every VIP of the instance, validated (validateVip) and completed with its prefix: at
 * least one, each address once, all of one family (keepalived sends one family's adverts
 * per instance). The first is the instance's VIP, the others move with it.
 */
export function validateVips(vip: unknown, extra: unknown, iface: InterfaceFacts | null, field: string = ANSWER_FLAGS.vip): string[] {
  const given = vipList(vip, extra);
  const vips = given.length === 0 ? [validateVip(undefined, iface, field)] : given.map((v) => validateVip(v, iface, field));
  const addresses = vips.map((v) => v.split('/')[0]!);
  const twice = addresses.find((a, i) => addresses.indexOf(a) !== i);
  if (twice !== undefined) {
    throw new UserError({ field, value: given.join(' '), accepted: t('setup.accepted.vipsDistinct'), reason: t('setup.reason.vipTwice', { vip: twice }) });
  }
  if (new Set(addresses.map((a) => a.includes(':'))).size > 1) {
    throw new UserError({ field, value: given.join(' '), accepted: t('setup.accepted.vipsOneFamily'), reason: t('setup.reason.vipsMixedFamily') });
  }
  return vips;
}

/** An address without a prefix, completed with the prefix of the interface subnet that holds it; null when none does. */
export function prefixFromInterface(address: string, iface: InterfaceFacts | null): Cidr | null {
  if (!iface) return null;
  const own = [...iface.ipv4, ...iface.ipv6].map(parseCidr).filter((c): c is Cidr => c !== null);
  const net = own.find((c) => cidrContains(c, address));
  return net ? parseCidr(`${address}/${net.prefix}`) : null;
}

/** What setup says when it completed a VIP given without prefix (null: a prefix was given). */
export function vipPrefixNote(given: unknown, iface: InterfaceFacts | null): string | null {
  const raw = String(given ?? '').trim();
  if (raw.includes('/') || !iface) return null;
  const own = [...iface.ipv4, ...iface.ipv6].map(parseCidr).filter((c): c is Cidr => c !== null);
  const net = own.find((c) => cidrContains(c, raw));
  return net ? t('setup.vipPrefixTaken', { vip: raw, prefix: net.prefix, subnet: net.text, iface: iface.name }) : null;
}

/**
 * The VIP must be an address inside a subnet of the interface, and not one of its addresses.
 * Without a prefix it takes the prefix of that subnet (setup says so).
 */
export function validateVip(value: unknown, iface: InterfaceFacts | null, field: string = ANSWER_FLAGS.vip): string {
  const raw = String(value ?? '').trim();
  const accepted = t('setup.accepted.vip');
  const vip = parseCidr(raw) ?? (raw.includes('/') ? null : prefixFromInterface(raw, iface));
  if (!vip) {
    const bare = !raw.includes('/') && parseCidr(`${raw}/${raw.includes(':') ? 128 : 32}`);
    if (bare && iface) {
      const own = [...iface.ipv4, ...iface.ipv6].map(parseCidr).filter((c): c is Cidr => c !== null && c.family === bare.family);
      throw new UserError({
        field,
        value: raw,
        accepted: t('setup.accepted.vipInSubnet', { subnets: own.map((s) => s.text).join(', ') || t('word.none') }),
        reason: t('setup.reason.vipOutsideSubnet', { iface: iface.name }),
      });
    }
    throw new UserError({ field, value: raw, accepted });
  }
  if (iface) {
    const own = [...iface.ipv4, ...iface.ipv6].map(parseCidr).filter((c): c is Cidr => c !== null);
    if (own.some((c) => c.address === vip.address)) {
      throw new UserError({ field, value: raw, accepted, reason: t('setup.reason.vipIsNodeAddress', { iface: iface.name }) });
    }
    const subnets = own.filter((c) => c.family === vip.family);
    if (!subnets.some((c) => cidrContains(c, vip.address))) {
      throw new UserError({
        field,
        value: raw,
        accepted: t('setup.accepted.vipInSubnet', { subnets: subnets.map((s) => s.text).join(', ') || t('word.none') }),
        reason: t('setup.reason.vipOutsideSubnet', { iface: iface.name }),
      });
    }
  }
  return `${vip.address}/${vip.prefix}`;
}

function integerIn(field: string, value: unknown, min: number, max: number, reason?: string): number {
  const text = String(value ?? '').trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError({ field, value: text, accepted: `${t('setup.accepted.integer')} ${min}-${max}`, reason });
  }
  return n;
}

export function validateVrid(value: unknown, field: string = ANSWER_FLAGS.vrid): number {
  return integerIn(field, value, VRID_RANGE.min, VRID_RANGE.max);
}

/** 255 means "address owner": keepalived then ignores weighted checks, so we never write it. */
export function validatePriority(value: unknown, field: string = ANSWER_FLAGS.priority): number {
  const text = String(value ?? '').trim();
  if (text === '255') {
    throw new UserError({ field, value: text, accepted: `${PRIORITY_RANGE.min}-${PRIORITY_RANGE.max}`, reason: t('setup.reason.priorityOwner') });
  }
  return integerIn(field, value, PRIORITY_RANGE.min, PRIORITY_RANGE.max);
}

/** The mode; without one, active-active when a second instance's VIP is given. */
export function validateMode(value: unknown, secondVips: unknown): Mode {
  const given = vipList(secondVips).length > 0;
  const v = value === undefined || value === null || value === '' ? (given ? 'active-active' : 'active-standby') : String(value).trim().toLowerCase();
  if (!(MODES as readonly string[]).includes(v)) throw new UserError({ field: ANSWER_FLAGS.mode, value, accepted: MODES.join(', ') });
  if (v === 'active-standby' && given) {
    throw new UserError({ field: ANSWER_FLAGS.secondVips, value: vipList(secondVips).join(' '), accepted: t('setup.accepted.secondVipMode'), reason: t('setup.reason.secondVipStandby') });
  }
  return v as Mode;
}

/** The other role: the one this node has in the second instance. */
export function otherRole(role: Role): Role {
  return role === 'MASTER' ? 'BACKUP' : 'MASTER';
}

/** The first VRID after `vrid` (wrapping inside 1-255) that is not in `taken`. */
export function nextFreeVrid(vrid: number, taken: ReadonlySet<number>): number {
  for (let i = 0; i < VRID_RANGE.max; i++) {
    const candidate = ((vrid - 1 + i) % VRID_RANGE.max) + 1;
    if (!taken.has(candidate)) return candidate;
  }
  return vrid;
}

/** The second instance's VIPs: validated like the first's, none of them in the first instance's list. */
export function validateSecondVips(value: unknown, firstVips: readonly string[], iface: InterfaceFacts): string[] {
  if (vipList(value).length === 0) {
    throw new UserError({ field: ANSWER_FLAGS.secondVips, value: undefined, accepted: t('setup.accepted.vip'), reason: t('setup.reason.secondVipNeeded') });
  }
  const secondVips = validateVips(value, undefined, iface, ANSWER_FLAGS.secondVips);
  const firstAddresses = firstVips.map((v) => v.split('/')[0]!);
  const shared = secondVips.find((v) => firstAddresses.includes(v.split('/')[0]!));
  if (shared !== undefined) {
    throw new UserError({ field: ANSWER_FLAGS.secondVips, value: shared, accepted: t('setup.accepted.secondVipDistinct'), reason: t('setup.reason.secondVipInFirst', { vip: shared.split('/')[0]! }) });
  }
  return secondVips;
}

/** The second instance's VRID: given, or derived from its VIP (moved on when that is the first's); never the first's. */
export function validateSecondVrid(value: unknown, secondVips: readonly string[], firstVrid: number): number {
  const vrid = value === undefined || value === null ? nextFreeVrid(vridFromVip(secondVips[0]!), new Set([firstVrid])) : validateVrid(value, ANSWER_FLAGS.secondVrid);
  if (vrid === firstVrid) {
    throw new UserError({ field: ANSWER_FLAGS.secondVrid, value: vrid, accepted: t('setup.accepted.secondVrid', { vrid: firstVrid }), reason: t('setup.reason.secondVridSame') });
  }
  return vrid;
}

/**
 * The second instance of active-active: its VIPs, its VRID, and this node's priority in it
 * (by default the other role's: priorities mirrored, so each node wins one instance).
 */
export function validateSecondInstance(
  raw: Partial<Record<keyof Answers, unknown>>,
  first: { vips: readonly string[]; vrid: number; role: Role },
  iface: InterfaceFacts,
): Pick<Answers, 'secondVips' | 'secondVrid' | 'secondPriority'> {
  const secondVips = validateSecondVips(raw.secondVips, first.vips, iface);
  const secondVrid = validateSecondVrid(raw.secondVrid, secondVips, first.vrid);
  const secondPriority = validatePriority(raw.secondPriority ?? defaultPriority(otherRole(first.role)), ANSWER_FLAGS.secondPriority);
  return { secondVips, secondVrid, secondPriority };
}

/** VRRPv2 sends the interval in whole seconds (1-255). */
export function validateAdvertInt(value: unknown): number {
  return integerIn(ANSWER_FLAGS.advertInt, value, 1, 255);
}

export function validateAuthPass(value: unknown): string {
  const v = String(value ?? '');
  if (v.length < 1 || v.length > 8 || UNSAFE_TOKEN.test(v) || !/^[\x21-\x7e]+$/.test(v)) {
    throw new UserError({ field: ANSWER_FLAGS.authPass, value: v, accepted: t('setup.accepted.authPass'), secret: true, reason: t('setup.reason.authPassShape', { length: v.length }) });
  }
  return v;
}

export function validatePeers(values: unknown, iface: InterfaceFacts | null, vips: readonly string[]): string[] {
  const list = (Array.isArray(values) ? values : values === undefined || values === null || values === '' ? [] : [values])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const own = iface ? [...iface.ipv4, ...iface.ipv6].map((a) => a.split('/')[0]) : [];
  const vipAddresses = vips.map((v) => v.split('/')[0]);
  for (const peer of list) {
    if (!isIPv4(peer) && !isIPv6(peer)) throw new UserError({ field: ANSWER_FLAGS.peers, value: peer, accepted: t('setup.accepted.peer') });
    if (own.includes(peer)) throw new UserError({ field: ANSWER_FLAGS.peers, value: peer, accepted: t('setup.accepted.peer'), reason: t('setup.reason.peerIsSelf') });
    if (vipAddresses.includes(peer)) throw new UserError({ field: ANSWER_FLAGS.peers, value: peer, accepted: t('setup.accepted.peer'), reason: t('setup.reason.peerIsVip') });
  }
  return [...new Set(list)];
}

export function validateRouterId(value: unknown): string {
  const v = String(value ?? '').trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v)) {
    throw new UserError({ field: ANSWER_FLAGS.routerId, value: v, accepted: t('setup.accepted.routerId') });
  }
  return v;
}

export function validateEmail(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const v = String(value).trim();
  if (!/^[^\s@"'{}#!]+@[^\s@"'{}#!]+\.[^\s@"'{}#!]+$/.test(v)) {
    throw new UserError({ field: ANSWER_FLAGS.email, value: v, accepted: t('setup.accepted.email') });
  }
  return v;
}

export function validateCheckUrl(value: unknown): string {
  const v = String(value ?? '').trim();
  let ok = false;
  try {
    const u = new URL(v);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && !UNSAFE_TOKEN.test(v);
  } catch {
    ok = false;
  }
  if (!ok) throw new UserError({ field: ANSWER_FLAGS.checkUrl, value: v, accepted: t('setup.accepted.checkUrl') });
  return v;
}

/** nopreempt only has an effect when every node starts as BACKUP; we generate it that way. */
export function validateNopreempt(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 'false' || value === '') return false;
  if (value === true || value === 'true') return true;
  throw new UserError({ field: ANSWER_FLAGS.nopreempt, value, accepted: 'true, false' });
}

export function defaultPriority(role: Role): number {
  return role === 'MASTER' ? DEFAULTS.priority.master : DEFAULTS.priority.backup;
}

/** A VRID both nodes can derive from the VIP alone: its last byte, kept inside 1-255. */
export function vridFromVip(vip: string): number {
  const c = parseCidr(vip);
  if (!c) return 51;
  const last = c.bytes[c.bytes.length - 1]!;
  return last >= VRID_RANGE.min && last <= VRID_RANGE.max ? last : 51;
}

/**
 * The interfaces as validation should see them when `address` is a VIP keepalived already
 * manages here: a re-run on a working master finds the VIP among the node's addresses.
 */
export function withoutManagedAddress(interfaces: InterfaceFacts[], address: string): InterfaceFacts[] {
  const keep = (list: string[]) => list.filter((a) => a.split('/')[0] !== address);
  return interfaces.map((i) => ({ ...i, ipv4: keep(i.ipv4), ipv6: keep(i.ipv6) }));
}

/** Everything validated together, in a fixed order, so the first error names the first bad field. */
export function validateAnswers(raw: Partial<Record<keyof Answers, unknown>>, interfaces: InterfaceFacts[]): Answers {
  const role = validateRole(raw.role);
  const iface = validateInterface(raw.interface, interfaces);
  const [vip, ...extraVips] = validateVips(raw.vip, raw.extraVips, iface) as [string, ...string[]];
  const vrid = validateVrid(raw.vrid ?? vridFromVip(vip));
  const priority = validatePriority(raw.priority ?? defaultPriority(role));
  const advertInt = validateAdvertInt(raw.advertInt ?? DEFAULTS.advertInt);
  const authPass = validateAuthPass(raw.authPass);
  const mode = validateMode(raw.mode, raw.secondVips);
  const second =
    mode === 'active-active'
      ? validateSecondInstance(raw, { vips: [vip, ...extraVips], vrid, role }, iface)
      : { secondVips: [], secondVrid: null, secondPriority: null };
  const peers = validatePeers(raw.peers, iface, [vip, ...extraVips, ...second.secondVips]);
  const routerId = validateRouterId(raw.routerId);
  const nopreempt = validateNopreempt(raw.nopreempt);
  const email = validateEmail(raw.email);
  const checkUrl = validateCheckUrl(raw.checkUrl ?? DEFAULTS.check.url);
  const notify = validateNotify(raw.notify, email);
  return { role, interface: iface.name, vip, extraVips, vrid, priority, advertInt, authPass, peers, routerId, nopreempt, email, checkUrl, mode, ...second, notify };
}
