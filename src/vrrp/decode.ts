/**
 * VRRP advertisement decoding, hand-written from RFC 3768 (VRRPv2) and RFC 5798 (VRRPv3),
 * plus the layers under it that a capture gives us (link layer, IPv4/IPv6 header, the
 * AH header of keepalived's `auth_type AH`). Pure functions: bytes in, data out.
 *
 * Doctor compares what is on the wire with what keepalived is configured to do, so the
 * decoder keeps everything a misconfiguration shows up in: vrid, priority, interval,
 * password, addresses, TTL, destination (multicast or unicast) and which checksum
 * convention the sender used.
 */

export const IPPROTO_VRRP = 112;
export const IPPROTO_AH = 51;
export const VRRP_MCAST_V4 = '224.0.0.18';
export const VRRP_MCAST_V6 = 'ff02::12';

/** pcap link-layer types we decode (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/**
 * Which checksum convention made the checksum come out right:
 * - `v2`: RFC 3768, over the VRRP message only;
 * - `v3-pseudo-header`: RFC 5798 over an IPv4 pseudo-header (keepalived's default for v3/IPv4);
 * - `v3-as-v2`: v3 without a pseudo-header (keepalived `v3_checksum_as_v2`, some routers);
 * - `v3-old-unicast`: keepalived <= 1.3.6 unicast, pseudo-header destination 224.0.0.18;
 * - `ipv6-pseudo-header`: IPv6 (v3, or keepalived's non-standard v2 over IPv6).
 * `null` when no convention matches (checksumOk false).
 */
export type ChecksumVariant = 'v2' | 'v3-pseudo-header' | 'v3-as-v2' | 'v3-old-unicast' | 'ipv6-pseudo-header';

export interface IpInfo {
  src: string;
  dst: string;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  family: 4 | 6;
}

export interface VrrpAdvert {
  version: 2 | 3;
  /** 1 = ADVERTISEMENT, the only type defined. */
  type: number;
  vrid: number;
  priority: number;
  /** The virtual addresses announced (IPv4 dotted quads or compressed IPv6). */
  addresses: string[];
  /** v2: 0 none, 1 simple password, 2 IP AH. v3 has no auth field: null. */
  authType: number | null;
  /** v2 auth type 1: the password, trailing NULs stripped (travels in clear text). Otherwise null. */
  authData: string | null;
  /** v2: seconds x 1000; v3: centiseconds x 10. */
  advertIntervalMs: number;
  checksumOk: boolean;
  checksumVariant: ChecksumVariant | null;
  src: string;
  dst: string;
  ttl: number;
  family: 4 | 6;
  /** Sent to 224.0.0.18 / ff02::12 (else unicast). */
  multicast: boolean;
  /** The packet carried an AH header (keepalived `auth_type AH`). */
  ah: boolean;
}

export type DecodeErrorCode = 'truncated' | 'not-vrrp' | 'bad-version' | 'bad-length' | 'unsupported-link' | 'fragment';

export interface DecodeError {
  error: DecodeErrorCode;
  detail: string;
}

export function isDecodeError(x: unknown): x is DecodeError {
  return typeof x === 'object' && x !== null && 'error' in x && typeof (x as DecodeError).error === 'string';
}

/** Decode a VRRP message (the IP payload, after any AH header). */
export function decodeVrrp(packet: Uint8Array, ip: IpInfo, opts: { ah?: boolean } = {}): VrrpAdvert | DecodeError {
  if (packet.length < 8) return { error: 'truncated', detail: `VRRP message of ${packet.length} bytes, need at least 8` };
  const version = packet[0]! >> 4;
  const type = packet[0]! & 0x0f;
  if (version !== 2 && version !== 3) return { error: 'bad-version', detail: `VRRP version ${version}` };
  const vrid = packet[1]!;
  const priority = packet[2]!;
  const naddr = packet[3]!;
  const addrLen = ip.family === 4 ? 4 : 16;
  const addrEnd = 8 + naddr * addrLen;
  if (packet.length < addrEnd) {
    return { error: 'truncated', detail: `${naddr} addresses announced need ${addrEnd} bytes, got ${packet.length}` };
  }
  const addresses: string[] = [];
  for (let off = 8; off < addrEnd; off += addrLen) {
    addresses.push(addrLen === 4 ? formatIpv4(packet, off) : formatIpv6(packet, off));
  }
  const dstMulticast = ip.dst === (ip.family === 4 ? VRRP_MCAST_V4 : VRRP_MCAST_V6);
  const base = { type, vrid, priority, addresses, src: ip.src, dst: ip.dst, ttl: ip.ttl, family: ip.family, multicast: dstMulticast, ah: Boolean(opts.ah) };

  if (version === 2) {
    const authType = packet[4]!;
    const advertIntervalMs = packet[5]! * 1000;
    // RFC 3768 always carries 8 bytes of authentication data; keepalived checksums them too.
    const msgLen = Math.min(packet.length, addrEnd + 8);
    if (msgLen < addrEnd + 8) {
      return { error: 'bad-length', detail: `VRRPv2 message of ${packet.length} bytes, expected ${addrEnd + 8}` };
    }
    const msg = packet.subarray(0, msgLen);
    let checksumOk: boolean;
    let checksumVariant: ChecksumVariant | null;
    if (ip.family === 4) {
      checksumOk = internetChecksum([msg]) === 0;
      checksumVariant = checksumOk ? 'v2' : null;
    } else {
      checksumOk = internetChecksum([ipv6PseudoHeader(ip.src, ip.dst, msg.length), msg]) === 0;
      checksumVariant = checksumOk ? 'ipv6-pseudo-header' : null;
    }
    const authData = authType === 1 ? stripNuls(packet.subarray(addrEnd, addrEnd + 8)) : null;
    return { version: 2, ...base, authType, authData, advertIntervalMs, checksumOk, checksumVariant };
  }

  const maxAdverInt = ((packet[4]! << 8) | packet[5]!) & 0x0fff;
  const msg = packet.subarray(0, addrEnd);
  let checksumVariant: ChecksumVariant | null = null;
  if (ip.family === 4) {
    if (internetChecksum([ipv4PseudoHeader(ip.src, ip.dst, msg.length), msg]) === 0) checksumVariant = 'v3-pseudo-header';
    else if (internetChecksum([msg]) === 0) checksumVariant = 'v3-as-v2';
    else if (!dstMulticast && internetChecksum([ipv4PseudoHeader(ip.src, VRRP_MCAST_V4, msg.length), msg]) === 0) {
      checksumVariant = 'v3-old-unicast';
    }
  } else if (internetChecksum([ipv6PseudoHeader(ip.src, ip.dst, msg.length), msg]) === 0) {
    checksumVariant = 'ipv6-pseudo-header';
  }
  return {
    version: 3,
    ...base,
    authType: null,
    authData: null,
    advertIntervalMs: maxAdverInt * 10,
    checksumOk: checksumVariant !== null,
    checksumVariant,
  };
}

// ---------------------------------------------------------------------------------------
// IP layer

export interface IpPacket extends IpInfo {
  protocol: number;
  /** The payload, cut to the length the IP header announces (Ethernet pads short frames). */
  payload: Uint8Array;
  /** IPv4 TOS / IPv6 traffic class (keepalived sends 0xc0). */
  tos: number;
}

/** Decode an IPv4 or IPv6 header (version from the first nibble). Follows IPv6 extension headers. */
export function decodeIp(bytes: Uint8Array): IpPacket | DecodeError {
  if (bytes.length < 1) return { error: 'truncated', detail: 'empty IP packet' };
  const version = bytes[0]! >> 4;
  if (version === 4) {
    if (bytes.length < 20) return { error: 'truncated', detail: `IPv4 header needs 20 bytes, got ${bytes.length}` };
    const ihl = (bytes[0]! & 0x0f) * 4;
    const totalLength = (bytes[2]! << 8) | bytes[3]!;
    if (ihl < 20 || bytes.length < ihl) return { error: 'truncated', detail: `IPv4 header length ${ihl}` };
    const fragField = (bytes[6]! << 8) | bytes[7]!;
    if ((fragField & 0x1fff) !== 0 || (fragField & 0x2000) !== 0) return { error: 'fragment', detail: 'fragmented IPv4 packet' };
    const end = Math.min(bytes.length, Math.max(totalLength, ihl));
    return {
      family: 4,
      tos: bytes[1]!,
      ttl: bytes[8]!,
      protocol: bytes[9]!,
      src: formatIpv4(bytes, 12),
      dst: formatIpv4(bytes, 16),
      payload: bytes.subarray(ihl, end),
    };
  }
  if (version === 6) {
    if (bytes.length < 40) return { error: 'truncated', detail: `IPv6 header needs 40 bytes, got ${bytes.length}` };
    const payloadLength = (bytes[4]! << 8) | bytes[5]!;
    let next = bytes[6]!;
    let off = 40;
    const end = Math.min(bytes.length, 40 + payloadLength);
    // Hop-by-hop (0), routing (43), destination options (60): skip to the upper layer.
    while (next === 0 || next === 43 || next === 60) {
      if (off + 2 > end) return { error: 'truncated', detail: 'IPv6 extension header' };
      const len = (bytes[off + 1]! + 1) * 8;
      next = bytes[off]!;
      off += len;
    }
    if (next === 44) return { error: 'fragment', detail: 'fragmented IPv6 packet' };
    if (off > end) return { error: 'truncated', detail: 'IPv6 extension header' };
    return {
      family: 6,
      tos: ((bytes[0]! & 0x0f) << 4) | (bytes[1]! >> 4),
      ttl: bytes[7]!,
      protocol: next,
      src: formatIpv6(bytes, 8),
      dst: formatIpv6(bytes, 24),
      payload: bytes.subarray(off, end),
    };
  }
  return { error: 'not-vrrp', detail: `IP version ${version}` };
}

// ---------------------------------------------------------------------------------------
// Link layer

/** Linux packet type (SLL/SLL2): 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
export type PacketDirection = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing' | null;

export interface LinkFrame {
  /** Source link-layer address (MAC), lower-case colon form, when the link layer has one. */
  linkSrc: string | null;
  /** Destination MAC (Ethernet only). */
  linkDst: string | null;
  /** SLL/SLL2 only: tells our own adverts (outgoing) from received ones. */
  direction: PacketDirection;
  /** SLL2 only: the interface index (tcpdump -i any). */
  ifindex: number | null;
  ethertype: number;
  payload: Uint8Array;
}

const DIRECTIONS: PacketDirection[] = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];

export function decodeLink(linktype: number, frame: Uint8Array): LinkFrame | DecodeError {
  switch (linktype) {
    case LINKTYPE.EN10MB: {
      if (frame.length < 14) return { error: 'truncated', detail: 'Ethernet header' };
      let off = 12;
      let ethertype = u16(frame, off);
      // 802.1Q / 802.1ad tags
      while ((ethertype === 0x8100 || ethertype === 0x88a8) && frame.length >= off + 6) {
        off += 4;
        ethertype = u16(frame, off);
      }
      return { linkDst: formatMac(frame, 0, 6), linkSrc: formatMac(frame, 6, 6), direction: null, ifindex: null, ethertype, payload: frame.subarray(off + 2) };
    }
    case LINKTYPE.LINUX_SLL: {
      if (frame.length < 16) return { error: 'truncated', detail: 'Linux cooked (SLL) header' };
      const addrLen = Math.min(u16(frame, 4), 8);
      return {
        direction: DIRECTIONS[u16(frame, 0)] ?? null,
        linkSrc: addrLen > 0 ? formatMac(frame, 6, addrLen) : null,
        linkDst: null,
        ifindex: null,
        ethertype: u16(frame, 14),
        payload: frame.subarray(16),
      };
    }
    case LINKTYPE.LINUX_SLL2: {
      if (frame.length < 20) return { error: 'truncated', detail: 'Linux cooked v2 (SLL2) header' };
      const addrLen = Math.min(frame[11]!, 8);
      return {
        ethertype: u16(frame, 0),
        ifindex: ((frame[4]! << 24) | (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!) >>> 0,
        direction: DIRECTIONS[frame[10]!] ?? null,
        linkSrc: addrLen > 0 ? formatMac(frame, 12, addrLen) : null,
        linkDst: null,
        payload: frame.subarray(20),
      };
    }
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6: {
      const v = frame.length > 0 ? frame[0]! >> 4 : 0;
      return { linkSrc: null, linkDst: null, direction: null, ifindex: null, ethertype: v === 6 ? 0x86dd : 0x0800, payload: frame };
    }
    case LINKTYPE.NULL: {
      if (frame.length < 4) return { error: 'truncated', detail: 'loopback header' };
      const v = frame.length > 4 ? frame[4]! >> 4 : 0;
      return { linkSrc: null, linkDst: null, direction: null, ifindex: null, ethertype: v === 6 ? 0x86dd : 0x0800, payload: frame.subarray(4) };
    }
    default:
      return { error: 'unsupported-link', detail: `pcap link type ${linktype}` };
  }
}

export interface FrameAdvert extends VrrpAdvert {
  linkSrc: string | null;
  direction: PacketDirection;
  ifindex: number | null;
}

/** A captured frame -> VRRP advertisement, or why it is not one. */
export function decodeFrame(linktype: number, frame: Uint8Array): FrameAdvert | DecodeError {
  const link = decodeLink(linktype, frame);
  if (isDecodeError(link)) return link;
  if (link.ethertype !== 0x0800 && link.ethertype !== 0x86dd) {
    return { error: 'not-vrrp', detail: `ethertype 0x${link.ethertype.toString(16).padStart(4, '0')}` };
  }
  const ip = decodeIp(link.payload);
  if (isDecodeError(ip)) return ip;
  let payload = ip.payload;
  let ah = false;
  if (ip.protocol === IPPROTO_AH) {
    // RFC 4302: next header, payload length in 32-bit words minus 2.
    if (payload.length < 12) return { error: 'truncated', detail: 'AH header' };
    const next = payload[0]!;
    const len = (payload[1]! + 2) * 4;
    if (next !== IPPROTO_VRRP) return { error: 'not-vrrp', detail: `AH carrying protocol ${next}` };
    payload = payload.subarray(len);
    ah = true;
  } else if (ip.protocol !== IPPROTO_VRRP) {
    return { error: 'not-vrrp', detail: `IP protocol ${ip.protocol}` };
  }
  const advert = decodeVrrp(payload, ip, { ah });
  if (isDecodeError(advert)) return advert;
  return { ...advert, linkSrc: link.linkSrc, direction: link.direction, ifindex: link.ifindex };
}

// ---------------------------------------------------------------------------------------
// helpers

/** RFC 1071 checksum over the concatenation of `parts`; 0 means a packet with a valid checksum. */
export function internetChecksum(parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | null = null;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      if (odd === null) odd = part[i]!;
      else {
        sum += (odd << 8) | part[i]!;
        odd = null;
      }
    }
  }
  if (odd !== null) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4PseudoHeader(src: string, dst: string, length: number): Uint8Array {
  const b = new Uint8Array(12);
  b.set(parseIpv4(src), 0);
  b.set(parseIpv4(dst), 4);
  b[9] = IPPROTO_VRRP;
  b[10] = (length >> 8) & 0xff;
  b[11] = length & 0xff;
  return b;
}

function ipv6PseudoHeader(src: string, dst: string, length: number): Uint8Array {
  const b = new Uint8Array(40);
  b.set(parseIpv6(src), 0);
  b.set(parseIpv6(dst), 16);
  b[34] = (length >> 8) & 0xff;
  b[35] = length & 0xff;
  b[39] = IPPROTO_VRRP;
  return b;
}

function u16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

function stripNuls(b: Uint8Array): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return new TextDecoder().decode(b.subarray(0, end));
}

export function formatIpv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text form: lower case, longest run (>= 2) of zero groups compressed. */
export function formatIpv6(b: Uint8Array, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(u16(b, off + i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function formatMac(b: Uint8Array, off: number, len: number): string {
  return Array.from(b.subarray(off, off + len), (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${s}`);
  return Uint8Array.from(parts);
}

export function parseIpv6(s: string): Uint8Array {
  const text = s.replace(/%.*$/, '');
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${s}`);
  const groupsOf = (part: string | undefined): number[] => (part ? part.split(':').map((x) => (/^[0-9a-fA-F]{1,4}$/.test(x) ? parseInt(x, 16) : NaN)) : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) throw new Error(`not an IPv6 address: ${s}`);
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  if (groups.some((g) => Number.isNaN(g))) throw new Error(`not an IPv6 address: ${s}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}
