/**
 * Readers for the two capture file formats, hand-written:
 * - classic pcap (what `tcpdump -w` writes): magic a1b2c3d4 (microseconds) or a1b23c4d
 *   (nanoseconds), in either byte order;
 * - pcapng (what dumpcap/Wireshark write): section header, interface description and
 *   enhanced/simple packet blocks; other blocks are skipped.
 * A capture cut short (tcpdump killed mid-write) keeps every complete packet and says
 * `truncated`.
 */

export interface PcapPacket {
  /** Capture time in milliseconds since the Unix epoch (fractional). null: pcapng simple packet block. */
  t: number | null;
  linktype: number;
  /** Bytes captured (may be shorter than origLength when the snap length cut them). */
  data: Uint8Array;
  origLength: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
}

export interface PcapFile {
  format: 'pcap' | 'pcapng';
  /** Link type of the first (usually only) interface. */
  linktype: number | null;
  snaplen: number | null;
  packets: PcapPacket[];
  /** The data ended inside a packet record or block. */
  truncated: boolean;
}

export class PcapFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PcapFormatError';
  }
}

export function readCapture(bytes: Uint8Array): PcapFile {
  if (bytes.length < 4) throw new PcapFormatError(`capture of ${bytes.length} bytes has no file header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) === 0x0a0d0d0a) return readPcapng(bytes);
  return readPcap(bytes);
}

export function readPcap(bytes: Uint8Array): PcapFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) throw new PcapFormatError(`pcap header needs 24 bytes, got ${bytes.length}`);
  const magicBE = view.getUint32(0, false);
  let little: boolean;
  let nano: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    little = false;
    nano = magicBE === 0xa1b23c4d;
  } else {
    const magicLE = view.getUint32(0, true);
    if (magicLE !== 0xa1b2c3d4 && magicLE !== 0xa1b23c4d) {
      throw new PcapFormatError(`not a pcap file (magic 0x${magicBE.toString(16).padStart(8, '0')})`);
    }
    little = true;
    nano = magicLE === 0xa1b23c4d;
  }
  const snaplen = view.getUint32(16, little);
  // The upper bits of the link-type field carry FCS information (pcap-linktype(7)).
  const linktype = view.getUint32(20, little) & 0x0fffffff;
  const packets: PcapPacket[] = [];
  let off = 24;
  let truncated = false;
  while (off < bytes.length) {
    if (off + 16 > bytes.length) {
      truncated = true;
      break;
    }
    const sec = view.getUint32(off, little);
    const frac = view.getUint32(off + 4, little);
    const incl = view.getUint32(off + 8, little);
    const orig = view.getUint32(off + 12, little);
    if (off + 16 + incl > bytes.length) {
      truncated = true;
      break;
    }
    packets.push({
      t: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3),
      linktype,
      data: bytes.subarray(off + 16, off + 16 + incl),
      origLength: orig,
      interfaceId: 0,
    });
    off += 16 + incl;
  }
  return { format: 'pcap', linktype, snaplen, packets, truncated };
}

interface NgInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  tsPerSecond: number;
}

export function readPcapng(bytes: Uint8Array): PcapFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = true;
  let interfaces: NgInterface[] = [];
  const packets: PcapPacket[] = [];
  let truncated = false;
  let off = 0;
  let sawSection = false;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) {
      truncated = true;
      break;
    }
    const typeBE = view.getUint32(off, false);
    if (typeBE === 0x0a0d0d0a) {
      // Section header: the byte-order magic decides the endianness of this section.
      const bom = view.getUint32(off + 8, true);
      if (bom === 0x1a2b3c4d) little = true;
      else if (bom === 0x4d3c2b1a) little = false;
      else throw new PcapFormatError('pcapng section header with an unknown byte-order magic');
      interfaces = [];
      sawSection = true;
    } else if (!sawSection) {
      throw new PcapFormatError('pcapng data does not start with a section header');
    }
    const type = view.getUint32(off, little);
    const len = view.getUint32(off + 4, little);
    if (len < 12 || len % 4 !== 0) throw new PcapFormatError(`pcapng block of length ${len} at offset ${off}`);
    if (off + len > bytes.length) {
      truncated = true;
      break;
    }
    const body = off + 8;
    const bodyEnd = off + len - 4;
    if (type === 0x00000001) {
      // Interface description block
      const linktype = view.getUint16(body, little);
      const snaplen = view.getUint32(body + 4, little);
      let tsPerSecond = 1e6;
      for (const opt of readOptions(view, body + 8, bodyEnd, little)) {
        if (opt.code === 9 && opt.length >= 1) {
          const v = bytes[opt.offset]!;
          tsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
        }
      }
      interfaces.push({ linktype, snaplen, tsPerSecond });
    } else if (type === 0x00000006) {
      // Enhanced packet block
      const ifId = view.getUint32(body, little);
      const tsHigh = view.getUint32(body + 4, little);
      const tsLow = view.getUint32(body + 8, little);
      const capLen = view.getUint32(body + 12, little);
      const origLen = view.getUint32(body + 16, little);
      const iface = interfaces[ifId];
      if (!iface) throw new PcapFormatError(`pcapng packet for undeclared interface ${ifId}`);
      const ts = tsHigh * 2 ** 32 + tsLow;
      const data = bytes.subarray(body + 20, Math.min(body + 20 + capLen, bodyEnd));
      packets.push({ t: (ts / iface.tsPerSecond) * 1000, linktype: iface.linktype, data, origLength: origLen, interfaceId: ifId });
    } else if (type === 0x00000003) {
      // Simple packet block: interface 0, no timestamp
      const iface = interfaces[0];
      if (!iface) throw new PcapFormatError('pcapng simple packet block before any interface');
      const origLen = view.getUint32(body, little);
      const capLen = Math.min(origLen, iface.snaplen || origLen, bodyEnd - body - 4);
      packets.push({ t: null, linktype: iface.linktype, data: bytes.subarray(body + 4, body + 4 + capLen), origLength: origLen, interfaceId: 0 });
    }
    off += len;
  }
  const first = interfaces[0] ?? null;
  return { format: 'pcapng', linktype: first?.linktype ?? null, snaplen: first?.snaplen ?? null, packets, truncated };
}

function* readOptions(view: DataView, start: number, end: number, little: boolean): Generator<{ code: number; length: number; offset: number }> {
  let off = start;
  while (off + 4 <= end) {
    const code = view.getUint16(off, little);
    const length = view.getUint16(off + 2, little);
    if (code === 0) return;
    yield { code, length, offset: off + 4 };
    off += 4 + Math.ceil(length / 4) * 4;
  }
}
