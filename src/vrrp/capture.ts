/**
 * What is on the wire: a short tcpdump capture of VRRP on one interface, decoded by our
 * own decoder (tcpdump's text output differs between versions; its pcap output does not).
 *
 * Why these tcpdump flags:
 * - `-w -`: classic pcap on stdout, read through Host.exec with `encoding: 'buffer'`;
 * - `-U` + `--immediate-mode`: each packet is written when it arrives. Without
 *   immediate mode libpcap hands packets over in blocks (up to its 1 s buffer timeout), and
 *   tcpdump stopped by SIGTERM drops what is still in the ring ("2 received by filter,
 *   1 captured");
 * - promiscuous mode stays ON (no `-p`) by default: a NIC only passes multicast frames for
 *   groups someone joined, and doctor must still see the peer's adverts when the local
 *   keepalived is stopped or never joined 224.0.0.18, and unicast adverts between two other
 *   nodes of a three-node set-up. `promiscuous: false` adds `-p` for networks that forbid it;
 * - `-n`: no DNS lookups from a diagnostic tool;
 * - the filter also takes IP protocol 51 (AH), which carries VRRPv2 with `auth_type AH`.
 * The capture ends by the Host's exec timeout (SIGTERM); execa keeps stdout bytes of a
 * command it killed, and tcpdump writes its counters to stderr as it exits.
 */
import type { Host } from '../host/types.js';
import { decodeFrame, isDecodeError, type ChecksumVariant, type DecodeErrorCode, type FrameAdvert } from './decode.js';
import { readCapture, PcapFormatError } from './pcap.js';

export const VRRP_CAPTURE_FILTER = 'ip proto 112 or ip6 proto 112 or ip proto 51';

export interface CapturedAdvert extends FrameAdvert {
  /** Capture time, milliseconds since the Unix epoch (pcap timestamp). */
  t: number;
}

export interface UndecodedFrame {
  t: number | null;
  error: DecodeErrorCode;
  detail: string;
}

export interface TcpdumpCounters {
  captured: number | null;
  receivedByFilter: number | null;
  droppedByKernel: number | null;
}

export interface CaptureResult {
  iface: string;
  adverts: CapturedAdvert[];
  /** Frames the filter let through that are not VRRP adverts we could decode. */
  undecoded: UndecodedFrame[];
  /** tcpdump is not installed on the host (doctor then says how to install it). */
  tcpdumpMissing: boolean;
  /** Why the capture failed or is incomplete (tcpdump's own message when it has one). */
  error: string | null;
  /** How long the capture really ran. */
  durationMs: number;
  linktype: number | null;
  counters: TcpdumpCounters;
  /** The raw capture (pcap), e.g. to save beside a doctor report. */
  pcap: Uint8Array | null;
}

export interface CaptureOptions {
  iface: string;
  durationMs: number;
  /** Addresses of the other nodes; used by summarizeCapture to name silent peers. */
  peers?: string[];
  /** Default true: see the note at the top of this file. */
  promiscuous?: boolean;
}

/** The tcpdump argv captureVrrp runs (exported so plans and tests can show it). */
export function tcpdumpArgs(opts: Pick<CaptureOptions, 'iface' | 'promiscuous'>): string[] {
  return ['-i', opts.iface, ...(opts.promiscuous === false ? ['-p'] : []), '-U', '--immediate-mode', '-n', '-w', '-', VRRP_CAPTURE_FILTER];
}

export async function captureVrrp(host: Host, opts: CaptureOptions): Promise<CaptureResult> {
  const started = Date.now();
  const r = await host.exec('tcpdump', tcpdumpArgs(opts), {
    timeoutMs: opts.durationMs,
    encoding: 'buffer',
    why: `watch VRRP adverts on ${opts.iface} for ${opts.durationMs} ms`,
  });
  const durationMs = Date.now() - started;
  const counters = parseTcpdumpCounters(r.stderr);
  const base = { iface: opts.iface, durationMs, counters };
  // `ip netns exec` reports a missing program itself instead of failing to spawn.
  const missing = r.notFound || /exec of "tcpdump" failed: No such file|tcpdump: (command )?not found/i.test(r.stderr);
  if (missing) {
    return { ...base, adverts: [], undecoded: [], tcpdumpMissing: true, error: firstErrorLine(r.stderr) ?? 'tcpdump not found', linktype: null, pcap: null };
  }
  const bytes = r.stdoutBuffer ?? new Uint8Array(0);
  let error: string | null = null;
  if (!r.timedOut && r.exitCode !== 0) error = firstErrorLine(r.stderr) ?? `tcpdump exited with status ${r.exitCode}`;
  if (bytes.length === 0) {
    return { ...base, adverts: [], undecoded: [], tcpdumpMissing: false, error: error ?? firstErrorLine(r.stderr) ?? 'tcpdump wrote no capture', linktype: null, pcap: null };
  }
  try {
    const decoded = advertsFromCapture(bytes);
    return { ...base, ...decoded, tcpdumpMissing: false, error, pcap: bytes };
  } catch (e) {
    if (!(e instanceof PcapFormatError)) throw e;
    return { ...base, adverts: [], undecoded: [], tcpdumpMissing: false, error: error ?? e.message, linktype: null, pcap: bytes };
  }
}

/** Decode every VRRP advert of a pcap/pcapng capture (a fixture, a file a user sends). */
export function advertsFromCapture(bytes: Uint8Array): { adverts: CapturedAdvert[]; undecoded: UndecodedFrame[]; linktype: number | null; truncated: boolean } {
  const file = readCapture(bytes);
  const adverts: CapturedAdvert[] = [];
  const undecoded: UndecodedFrame[] = [];
  for (const p of file.packets) {
    const a = decodeFrame(p.linktype, p.data);
    if (isDecodeError(a)) undecoded.push({ t: p.t, error: a.error, detail: a.detail });
    else adverts.push({ ...a, t: p.t ?? 0 });
  }
  return { adverts, undecoded, linktype: file.linktype, truncated: file.truncated };
}

export function parseTcpdumpCounters(stderr: string): TcpdumpCounters {
  const num = (re: RegExp): number | null => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : null;
  };
  return {
    captured: num(/(\d+) packets? captured/),
    receivedByFilter: num(/(\d+) packets? received by filter/),
    droppedByKernel: num(/(\d+) packets? dropped by kernel/),
  };
}

function firstErrorLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^tcpdump: listening on|packets? (captured|received by filter|dropped by kernel)/.test(l));
  return lines[0] ?? null;
}

// ---------------------------------------------------------------------------------------
// Summary

export interface VrrpSenderSummary {
  src: string;
  vrid: number;
  version: 2 | 3;
  count: number;
  /** Priority of the last advert (0 = the master is leaving). */
  priority: number;
  /** Every distinct priority seen, in order of first appearance (a weight kicking in shows here). */
  priorities: number[];
  /** The interval the sender announces. */
  advertIntervalMs: number;
  /** Median gap between consecutive adverts; null with fewer than two. */
  measuredIntervalMs: number | null;
  authType: number | null;
  authData: string | null;
  /** Addresses of the last advert. */
  addresses: string[];
  /** More than one address set was announced during the capture. */
  addressesChanged: boolean;
  /** Destinations seen: 224.0.0.18 / ff02::12 and/or unicast peers. */
  destinations: string[];
  multicast: boolean;
  unicast: boolean;
  ttls: number[];
  /** Every advert had a valid checksum. */
  checksumOk: boolean;
  checksumVariants: (ChecksumVariant | null)[];
  linkSrc: string | null;
  firstT: number;
  lastT: number;
  /** true/false when peers were given: is `src` one of them (or one of ours, `outgoing`). */
  knownPeer: boolean | null;
  /** SLL captures only: these adverts were sent by the capturing host. */
  outgoing: boolean;
}

export interface CaptureSummary {
  senders: VrrpSenderSummary[];
  vrids: number[];
  /** Peers given in the options that sent nothing during the capture. */
  silentPeers: string[];
  /** VRIDs announced by more than one source with different address sets or passwords: a likely VRID clash. */
  conflictingVrids: number[];
}

export function summarizeCapture(result: Pick<CaptureResult, 'adverts'>, opts: { peers?: string[] } = {}): CaptureSummary {
  const groups = new Map<string, CapturedAdvert[]>();
  for (const a of result.adverts) {
    const key = `${a.src}\u0000${a.vrid}`;
    const list = groups.get(key);
    if (list) list.push(a);
    else groups.set(key, [a]);
  }
  const peers = opts.peers ?? null;
  const senders: VrrpSenderSummary[] = [];
  for (const list of groups.values()) {
    list.sort((x, y) => x.t - y.t);
    const last = list[list.length - 1]!;
    const gaps: number[] = [];
    for (let i = 1; i < list.length; i++) gaps.push(list[i]!.t - list[i - 1]!.t);
    const addressKeys = new Set(list.map((a) => a.addresses.join(',')));
    senders.push({
      src: last.src,
      vrid: last.vrid,
      version: last.version,
      count: list.length,
      priority: last.priority,
      priorities: unique(list.map((a) => a.priority)),
      advertIntervalMs: last.advertIntervalMs,
      measuredIntervalMs: gaps.length ? median(gaps) : null,
      authType: last.authType,
      authData: last.authData,
      addresses: last.addresses,
      addressesChanged: addressKeys.size > 1,
      destinations: unique(list.map((a) => a.dst)),
      multicast: list.some((a) => a.multicast),
      unicast: list.some((a) => !a.multicast),
      ttls: unique(list.map((a) => a.ttl)),
      checksumOk: list.every((a) => a.checksumOk),
      checksumVariants: unique(list.map((a) => a.checksumVariant)),
      linkSrc: last.linkSrc,
      firstT: list[0]!.t,
      lastT: last.t,
      knownPeer: peers ? peers.includes(last.src) : null,
      outgoing: list.some((a) => a.direction === 'outgoing'),
    });
  }
  senders.sort((a, b) => a.vrid - b.vrid || a.src.localeCompare(b.src));
  const vrids = unique(senders.map((s) => s.vrid)).sort((a, b) => a - b);
  const conflictingVrids = vrids.filter((vrid) => {
    const same = senders.filter((s) => s.vrid === vrid);
    return new Set(same.map((s) => `${s.addresses.slice().sort().join(',')}|${s.authType}|${s.authData}|${s.version}`)).size > 1;
  });
  const silentPeers = peers ? peers.filter((p) => !senders.some((s) => s.src === p)) : [];
  return { senders, vrids, silentPeers, conflictingVrids };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
