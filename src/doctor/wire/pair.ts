import { t } from '../../i18n/index.js';
/**
 * What the wire and keepalived itself say about this node and its peer, computed once per
 * doctor run and shared by the checks that read the wire (multicast, peer-auth,
 * vip-placement, vrid-conflict, advert-interval, unicast).
 *
 * Order of trust, from the issue and from what real keepalived does (lab-facts.md):
 * 1. the adverts on the wire (tcpdump sees them before netfilter, and PASS passwords,
 *    intervals, VIP sets and priorities travel in clear);
 * 2. who really holds the VIP (our interface, ARP answers from others);
 * 3. keepalived's counters, taken twice around the capture, so "grows" can be told from
 *    "was non-zero since the daemon started";
 * 4. log lines, read by version: before 2.3.3 a bad packet is logged every advert, so only
 *    recent lines describe now; from 2.3.3 each error class is logged once until the next
 *    state change, so a line after the last state change still describes now.
 */
import type { DoctorContext } from '../context.js';
import type { VrrpInstance } from '../../keepalived/model.js';
import type { CaptureResult, CaptureSummary, VrrpSenderSummary } from '../../vrrp/capture.js';
import { summarizeCapture } from '../../vrrp/capture.js';
import type { VrrpInstanceStats } from '../../keepalived/runtime/dumps.js';
import { requestDump, parseStats } from '../../keepalived/runtime/dumps.js';
import type { LogEvent, LogEventKind } from '../../keepalived/runtime/logs.js';
import { parseLogLine, splitLogPrefix } from '../../keepalived/runtime/logs.js';
import { releaseHas } from '../../keepalived/releases.js';
import { baseContext } from '../instances.js';

/** keepalived's default advert_int (seconds) when the config names none. */
export const DEFAULT_ADVERT_INT_S = 1;
/** How many of the last lines of a log without times count as "now" when the file was just written. */
const UNTIMED_TAIL_LINES = 6;
/** keepalived uses only the first 8 characters of auth_pass (reference §2.1). */
export const AUTH_PASS_LEN = 8;

// ---------------------------------------------------------------------------------------
// Recorded runs (unit tests): the clock and the stats dump after the capture.

export interface WireOverrides {
  /** "Now" of a recorded run (ms since the epoch), to judge how old log lines are. */
  now?: number;
  /** The stats dump taken after the capture; null: none. */
  statsAfter?: VrrpInstanceStats[] | null;
}

const overrides = new WeakMap<DoctorContext, WireOverrides>();

/** Replay a recorded run: the clock of the recording and its second stats dump. */
export function useRecordedWire(ctx: DoctorContext, o: WireOverrides): void {
  overrides.set(ctx, o);
}

function memo<T>(store: WeakMap<DoctorContext, Promise<T>>, ctx: DoctorContext, make: () => Promise<T>): Promise<T> {
  let p = store.get(ctx);
  if (!p) {
    p = make();
    store.set(ctx, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------
// What this node is configured to do

export interface PairConfig {
  instance: VrrpInstance;
  iface: string | null;
  vrid: number | null;
  version: 2 | 3;
  advertIntMs: number;
  /** The VIPs without prefix length. */
  vips: string[];
  /** The VIPs as configured (with prefix), for `ip addr` commands. */
  vipCidrs: string[];
  /** 0 none, 1 PASS, 2 AH (the v2 auth_type field). */
  authType: 0 | 1 | 2;
  /** The first 8 characters of auth_pass (what keepalived sends). */
  pass: string | null;
  unicastPeers: string[];
  /** Any unicast keyword (unicast_peer, even empty, unicast_src_ip, unicast_*). */
  unicastKeyword: boolean;
  /** Our own addresses on the interface (without the VIPs). */
  ourAddresses: string[];
  keepalivedVersion: string | null;
  /** 2.3.3+: rate-limited packet-error logs naming the sender; VIP-set mismatch accepted. */
  modernLogs: boolean;
  configuredState: 'MASTER' | 'BACKUP' | null;
  priority: number;
}

const pairStore = new WeakMap<DoctorContext, Promise<PairConfig | null>>();

export function bareAddress(a: string): string {
  return a.split('/')[0]!.toLowerCase();
}

/** `applies` of the wire checks that compare a VRID: a configured instance with one, or why not. */
export async function appliesWithVrid(ctx: DoctorContext, also: (pair: PairConfig) => boolean = () => true): Promise<true | string> {
  const pair = await pairConfig(ctx);
  return (pair !== null && pair.vrid !== null && also(pair)) || t('wire.skip.noInstance');
}

export function pairConfig(ctx: DoctorContext): Promise<PairConfig | null> {
  return memo(pairStore, ctx, async () => {
    const instance = await ctx.instance();
    if (!instance) return null;
    const [facts, config] = await Promise.all([ctx.facts(), ctx.config()]);
    const iface = instance.interface;
    const vips = instance.virtualIpaddress.map((v) => bareAddress(v.address));
    const vipCidrs = instance.virtualIpaddress.map((v) => v.address);
    const auth = instance.authentication;
    const authType = auth?.authType === 'PASS' ? 1 : auth?.authType === 'AH' ? 2 : 0;
    const version: 2 | 3 =
      instance.version === 3 || globalVrrpVersion(config?.parsed.config.globalDefs?.vrrpGlobals ?? []) === 3 || vips.some((v) => v.includes(':')) ? 3 : 2;
    const locations = config?.parsed.locations;
    const base = `vrrp_instance[${instance.name}]`;
    const unicastKeyword =
      instance.unicastSrcIp !== null ||
      instance.unicastPeer.length > 0 ||
      Boolean(locations && [...locations.keys()].some((k) => k.startsWith(`${base}.unicast`))) ||
      instance.extra.some((s) => s.keyword.startsWith('unicast'));
    const ifFacts = facts.interfaces.find((i) => i.name === iface);
    const ourAddresses = [...(ifFacts?.ipv4 ?? []), ...(ifFacts?.ipv6 ?? [])].map(bareAddress).filter((a) => !vips.includes(a));
    for (const extra of [instance.unicastSrcIp, instance.mcastSrcIp]) if (extra && !ourAddresses.includes(bareAddress(extra))) ourAddresses.push(bareAddress(extra));
    const kv = facts.keepalived.version;
    const st = instance.state === null ? null : instance.state === 'MASTER' ? 'MASTER' : 'BACKUP';
    return {
      instance,
      iface,
      vrid: instance.virtualRouterId,
      version,
      advertIntMs: Math.round((instance.advertInt ?? DEFAULT_ADVERT_INT_S) * 1000),
      vips,
      vipCidrs,
      authType,
      pass: authType === 1 && auth?.authPass ? auth.authPass.slice(0, AUTH_PASS_LEN) : null,
      unicastPeers: instance.unicastPeer.map(bareAddress),
      unicastKeyword,
      ourAddresses,
      keepalivedVersion: kv,
      modernLogs: releaseHas(kv, 'rateLimitedPacketLogs'),
      configuredState: st,
      priority: instance.priority ?? (st === 'MASTER' ? 255 : 100),
    };
  });
}

function globalVrrpVersion(globals: { keyword: string; args: string[] }[]): number | null {
  const s = globals.find((g) => g.keyword === 'vrrp_version');
  return s ? Number(s.args[0]) : null;
}

// ---------------------------------------------------------------------------------------
// What is on the wire

export interface WireFacts {
  capture: CaptureResult | null;
  /** The capture ran (tcpdump present, no fatal error): silence means silence. */
  listened: boolean;
  summary: CaptureSummary;
  /** Adverts this node sent. */
  own: VrrpSenderSummary[];
  /** Other senders with our VRID. */
  sameVrid: VrrpSenderSummary[];
  /** Other senders with our VRID and our VIP set: the other node(s) of this pair. */
  peers: VrrpSenderSummary[];
  /** Other senders with our VRID but another VIP set that are no known peer: another cluster. */
  foreign: VrrpSenderSummary[];
  /** The known other node (unicast_peer, --peer, the pair's other host) with our VRID but other VIPs. */
  peerMismatch: VrrpSenderSummary[];
  /** Every VRID heard on the interface. */
  vridsInUse: number[];
}

const wireStore = new WeakMap<DoctorContext, Promise<WireFacts | null>>();

export function sameAddressSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a.map(bareAddress))].sort();
  const y = [...new Set(b.map(bareAddress))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function wireFacts(ctx: DoctorContext): Promise<WireFacts | null> {
  return memo(wireStore, ctx, async () => {
    const pair = await pairConfig(ctx);
    if (!pair) return null;
    const capture = await ctx.capture();
    const summary = summarizeCapture(capture ?? { adverts: [] }, { peers: pair.unicastPeers.length ? pair.unicastPeers : ctx.options.peers });
    const isOwn = (s: VrrpSenderSummary) => s.outgoing || pair.ourAddresses.includes(bareAddress(s.src));
    const own = summary.senders.filter(isOwn);
    const sameVrid = summary.senders.filter((s) => !isOwn(s) && s.vrid === pair.vrid);
    // This pair's other node is never "another group": with other VIPs it is a pair that differs.
    const known = new Set([...pair.unicastPeers, ...ctx.options.peers].map(bareAddress));
    const otherVips = sameVrid.filter((s) => !sameAddressSet(s.addresses, pair.vips));
    return {
      capture,
      listened: capture !== null && !capture.tcpdumpMissing && (capture.error === null || capture.adverts.length > 0),
      summary,
      own,
      sameVrid,
      peers: sameVrid.filter((s) => sameAddressSet(s.addresses, pair.vips)),
      foreign: otherVips.filter((s) => !known.has(bareAddress(s.src))),
      peerMismatch: otherVips.filter((s) => known.has(bareAddress(s.src))),
      vridsInUse: summary.vrids,
    };
  });
}

/** Does this sender outrank our effective priority (VRRP: higher priority, ties by higher address)? */
export function outranks(sender: Pick<VrrpSenderSummary, 'priority' | 'src'>, ourPriority: number, ourAddress: string | null): boolean {
  if (sender.priority === 0) return false;
  if (sender.priority !== ourPriority) return sender.priority > ourPriority;
  return ourAddress !== null && compareAddresses(sender.src, ourAddress) > 0;
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a.localeCompare(b);
}

// ---------------------------------------------------------------------------------------
// What keepalived says about itself

export interface TimedEvent extends LogEvent {
  /** Parsed log time, ms since the epoch; null when the line has none we can read. */
  at: number | null;
}

export interface RuntimeFacts {
  running: boolean;
  /** The instance's state per the data dump, else the last state line since start. */
  state: string | null;
  effectivePriority: number | null;
  /** Stats before / after the capture (null: no dump). */
  stats: VrrpInstanceStats | null;
  statsAfter: VrrpInstanceStats | null;
  /** Log events since keepalived last started (the log file may hold older runs). */
  events: TimedEvent[];
  /** Raw messages since the last start (for lines the shared parser does not classify). */
  messages: { message: string; at: number | null }[];
  now: number;
  /** A line this recent describes now even before 2.3.3 (every bad advert is logged). */
  recentMs: number;
}

const runtimeStore = new WeakMap<DoctorContext, Promise<RuntimeFacts | null>>();

export function runtimeFacts(ctx: DoctorContext): Promise<RuntimeFacts | null> {
  return memo(runtimeStore, ctx, async () => {
    const pair = await pairConfig(ctx);
    if (!pair) return null;
    // A recording is of the node; each instance's context replays the same one.
    const o = overrides.get(ctx) ?? overrides.get(baseContext(ctx));
    const [kp, dumps, log] = await Promise.all([ctx.keepalived(), ctx.dumps(), ctx.logs()]);
    const name = pair.instance.name;
    const data = dumps?.data?.instances.find((i) => i.name === name) ?? dumps?.data?.instances[0] ?? null;
    const stats = dumps?.stats?.find((s) => s.name === name) ?? dumps?.stats?.[0] ?? null;
    // The second stats dump, after the capture: only the difference says "now".
    let statsAfter: VrrpInstanceStats | null = null;
    if (o && 'statsAfter' in o) statsAfter = o.statsAfter?.find((s) => s.name === name) ?? null;
    else if (kp && stats) {
      await ctx.capture();
      const r = await requestDump(ctx.host, kp, 'stats', { release: pair.keepalivedVersion });
      if (r.fresh && r.text) statsAfter = parseStats(r.text).find((s) => s.name === name) ?? null;
    }
    const now = o?.now ?? Date.now();
    const year = new Date(now).getFullYear();
    // Only this run of the daemon: the last "Starting Keepalived" line and what follows.
    let startLine = -1;
    log.lines.forEach((l, i) => {
      if (/Starting Keepalived v/.test(l)) startLine = i;
    });
    const sinceStart = startLine >= 0 ? log.lines.slice(startLine) : log.lines;
    // 1.x console output has no times: a log file written within the recent window says
    // its last lines (3 per rejected advert in 1.3.5) describe now.
    // A last line written because of our own dump signal says nothing about the lines before it.
    const ownLast = /Printing .* on signal/.test(sinceStart.at(-1) ?? '');
    const fresh = !ownLast && log.modifiedAt != null && now - log.modifiedAt <= Math.max(10_000, 5 * pair.advertIntMs);
    const tailFrom = sinceStart.length - UNTIMED_TAIL_LINES;
    const timeOf = (time: string | null, i: number): number | null => logTimeMs(time, year) ?? (fresh && i >= tailFrom ? log.modifiedAt! : null);
    const messages = sinceStart.map((l, i) => {
      const p = splitLogPrefix(l);
      return { message: p.message, at: timeOf(p.time, i) };
    });
    const events: TimedEvent[] = [];
    sinceStart.forEach((l, i) => {
      const e = parseLogLine(l);
      if (e) events.push({ ...e, at: timeOf(e.time, i) });
    });
    const forInstance = events.filter((e) => e.instance === null || e.instance === name);
    const lastState = [...forInstance].reverse().find((e) => e.kind === 'state');
    // The data dump is a moment: a transition logged after it ("Printing VRRP data ... on
    // signal") is newer, and the VIP we look at afterwards follows the newer state.
    let lastDump = -1;
    let lastTransition = -1;
    messages.forEach((m, i) => {
      if (/^Printing VRRP data for process/.test(m.message)) lastDump = i;
      if (new RegExp(`\\(${escapeRe(name)}\\):? Entering (MASTER|BACKUP|FAULT) STATE`).test(m.message)) lastTransition = i;
    });
    const logState = lastState ? String(lastState.details.state) : null;
    const state = data?.state && !(logState && lastTransition > lastDump) ? data.state : (logState ?? data?.state ?? null);
    return {
      running: kp !== null,
      state: kp ? state : null,
      effectivePriority: data?.effectivePriority ?? null,
      stats,
      statsAfter,
      events: forInstance,
      messages,
      now,
      recentMs: Math.max(10_000, 5 * pair.advertIntMs),
    };
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Log times: console/file ("Mon Nov 23 10:50:50 2026"), syslog ("Nov 23 10:50:50", no year), ISO. */
export function logTimeMs(time: string | null, year: number): number | null {
  if (!time) return null;
  // Syslog has no year (and V8 would guess 2001): the year of "now".
  const t = Date.parse(/^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d$/.test(time) ? `${time} ${year}` : time);
  return Number.isNaN(t) ? null : t;
}

/**
 * Events of `kinds` that describe now: recent ones in every version; from 2.3.3 (logged
 * once, then suppressed until the next state change clears the flags) also one after the
 * last state change, unless that change was this node becoming MASTER more than a few
 * adverts before the line:
 * a master's flags stay set whether or not the bad adverts went on (recordings 2.3.4,
 * 2.4.3: rec-a logs the wrong password once and nothing when it ends), so only the counters
 * or the wire can say it is still happening.
 */
export function currentEvents(rt: RuntimeFacts, pair: PairConfig, kinds: LogEventKind[]): TimedEvent[] {
  let lastState = -1;
  rt.events.forEach((e, i) => {
    if (e.kind === 'state') lastState = i;
  });
  const change = lastState >= 0 ? rt.events[lastState]! : null;
  const masterSince = change && change.details.state === 'MASTER' ? change.at : null;
  return rt.events.filter((e, i) => {
    if (!kinds.includes(e.kind)) return false;
    if (e.at !== null && rt.now - e.at <= rt.recentMs) return true;
    if (!pair.modernLogs || i <= lastState) return false;
    // The flags were cleared by the change: the next bad advert is logged within a few adverts.
    return masterSince === null || e.at === null || e.at - masterSince <= 5 * pair.advertIntMs;
  });
}

/** Events of `kinds` since keepalived started, whatever their age. */
export function eventsSinceStart(rt: RuntimeFacts, kinds: LogEventKind[]): TimedEvent[] {
  return rt.events.filter((e) => kinds.includes(e.kind));
}

/** Raw messages since the start that match `re` (lines the shared parser does not classify). */
export function messagesMatching(rt: RuntimeFacts, re: RegExp): { message: string; at: number | null }[] {
  return rt.messages.filter((m) => re.test(m.message));
}

export interface CounterReading {
  before: number | null;
  after: number | null;
  /** true: grew during the capture; false: did not; null: only one reading. */
  grew: boolean | null;
}

export function counter(rt: RuntimeFacts, pick: (s: VrrpInstanceStats) => number | null): CounterReading {
  const before = rt.stats ? pick(rt.stats) : null;
  const after = rt.statsAfter ? pick(rt.statsAfter) : null;
  return { before, after, grew: before !== null && after !== null ? after > before : null };
}

/**
 * The sender was still advertising when the capture ended (its last advert within 1.5
 * intervals of the last advert heard): a second MASTER for a moment during an election
 * or a preemption is not a split brain.
 */
export function stillAdvertising(s: VrrpSenderSummary, wire: WireFacts): boolean {
  const end = Math.max(...wire.summary.senders.map((x) => x.lastT));
  return s.lastT >= end - 1.5 * Math.max(s.advertIntervalMs, 1000);
}

/** "3 adverts from 192.0.2.11 (priority 150, every 1 s)". */
export function describeSender(s: VrrpSenderSummary): string {
  return t('wire.sender', {
    src: s.src,
    vrid: s.vrid,
    version: s.version,
    priority: s.priority,
    interval: s.advertIntervalMs / 1000,
    count: s.count,
    destinations: s.destinations.join(','),
    vips: s.addresses.join(',') || '-',
  });
}

