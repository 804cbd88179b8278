import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, readPcap, readPcapng, PcapFormatError } from '../../src/vrrp/pcap.js';
import {
  decodeFrame,
  decodeIp,
  decodeVrrp,
  formatIpv6,
  internetChecksum,
  isDecodeError,
  parseIpv6,
  LINKTYPE,
  type FrameAdvert,
  type VrrpAdvert,
} from '../../src/vrrp/decode.js';
import { fixturesDir } from '../helpers/paths.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixturesDir, 'vrrp', name)));

function advertsOf(bytes: Uint8Array): FrameAdvert[] {
  return readCapture(bytes).packets.map((p) => {
    const a = decodeFrame(p.linktype, p.data);
    assert.ok(!isDecodeError(a), isDecodeError(a) ? a.detail : '');
    return a as FrameAdvert;
  });
}

/** The VRRP message of the first packet of an EN10MB/IPv4 capture. */
function firstVrrpMessage(name: string): { msg: Uint8Array; frame: Uint8Array; linktype: number } {
  const file = readPcap(fixture(name));
  const frame = file.packets[0]!.data;
  const ip = decodeIp(frame.subarray(14));
  assert.ok(!isDecodeError(ip));
  return { msg: (ip as { payload: Uint8Array }).payload, frame, linktype: file.linktype! };
}

test('classic pcap from tcpdump: header, link type, timestamps', () => {
  const file = readPcap(fixture('v2-pass-eth0.pcap'));
  assert.equal(file.format, 'pcap');
  assert.equal(file.linktype, LINKTYPE.EN10MB);
  assert.equal(file.truncated, false);
  assert.ok(file.packets.length >= 2);
  const [p0, p1] = file.packets;
  // keepalived sends once per advert_int (1 s)
  assert.ok(Math.abs(p1!.t! - p0!.t! - 1000) < 100, `gap ${p1!.t! - p0!.t!}`);
  assert.ok(p0!.t! > Date.UTC(2020, 0, 1));
  assert.equal(p0!.data.length, p0!.origLength);
});

test('VRRPv2 advert recorded from keepalived 2.2.7 with auth PASS', () => {
  const adverts = advertsOf(fixture('v2-pass-eth0.pcap'));
  for (const a of adverts) {
    const expected: Partial<VrrpAdvert> = {
      version: 2,
      type: 1,
      vrid: 61,
      priority: 150,
      addresses: ['192.0.2.61'],
      authType: 1,
      authData: 'labpass1',
      advertIntervalMs: 1000,
      checksumOk: true,
      checksumVariant: 'v2',
      src: '192.0.2.21',
      dst: '224.0.0.18',
      ttl: 255,
      family: 4,
      multicast: true,
      ah: false,
    };
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(a[k as keyof VrrpAdvert], v, k);
    assert.match(a.linkSrc!, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.equal(a.direction, null);
  }
});

test('a flipped bit breaks the v2 checksum; the rest still decodes', () => {
  const { frame, linktype } = firstVrrpMessage('v2-pass-eth0.pcap');
  const copy = frame.slice();
  copy[14 + 20 + 2] ^= 0x01; // priority 150 -> 151
  const a = decodeFrame(linktype, copy) as FrameAdvert;
  assert.equal(a.priority, 151);
  assert.equal(a.checksumOk, false);
  assert.equal(a.checksumVariant, null);
});

test('Ethernet padding after the IP packet is not part of the VRRP message', () => {
  const { frame, linktype } = firstVrrpMessage('v2-pass-eth0.pcap');
  const padded = new Uint8Array(frame.length + 6);
  padded.set(frame);
  padded.fill(0xee, frame.length);
  const a = decodeFrame(linktype, padded) as FrameAdvert;
  assert.equal(a.checksumOk, true);
});

test('password-mismatch capture shows both passwords in clear text', () => {
  const adverts = advertsOf(fixture('v2-password-mismatch-eth0.pcap'));
  const bySrc = new Map(adverts.map((a) => [a.src, a]));
  assert.equal(bySrc.get('192.0.2.21')?.authData, 'labpass1');
  assert.equal(bySrc.get('192.0.2.22')?.authData, 'otherpw2');
  assert.equal(bySrc.get('192.0.2.22')?.priority, 100);
  assert.ok(adverts.every((a) => a.checksumOk));
});

test('VRRPv3 from tcpdump -i any (LINUX_SLL2): centiseconds and IPv4 pseudo-header checksum', () => {
  const file = readPcap(fixture('v3-any-sll2.pcap'));
  assert.equal(file.linktype, LINKTYPE.LINUX_SLL2);
  const adverts = advertsOf(fixture('v3-any-sll2.pcap'));
  assert.ok(adverts.length >= 2);
  for (const a of adverts) {
    assert.equal(a.version, 3);
    assert.equal(a.vrid, 63);
    assert.equal(a.priority, 150);
    assert.equal(a.advertIntervalMs, 500);
    assert.equal(a.authType, null);
    assert.equal(a.authData, null);
    assert.deepEqual(a.addresses, ['192.0.2.63']);
    assert.equal(a.checksumVariant, 'v3-pseudo-header');
    assert.equal(a.checksumOk, true);
    assert.equal(a.direction, 'multicast');
    assert.equal(typeof a.ifindex, 'number');
  }
});

test('VRRPv3 checksum without pseudo-header (v3_checksum_as_v2) is accepted and named', () => {
  const file = readPcap(fixture('v3-any-sll2.pcap'));
  const frame = file.packets[0]!.data.slice();
  const vrrpOff = 20 + 20;
  frame[vrrpOff + 6] = 0;
  frame[vrrpOff + 7] = 0;
  const msg = frame.subarray(vrrpOff, vrrpOff + 12);
  const sum = internetChecksum([msg]);
  frame[vrrpOff + 6] = sum >> 8;
  frame[vrrpOff + 7] = sum & 0xff;
  const a = decodeFrame(file.linktype!, frame) as FrameAdvert;
  assert.equal(a.checksumOk, true);
  assert.equal(a.checksumVariant, 'v3-as-v2');
});

test('VRRPv3 over IPv6 with a checksum the kernel computed (IPV6_CHECKSUM)', () => {
  const adverts = advertsOf(fixture('v3-ipv6-lo-kernel-checksum.pcap'));
  assert.equal(adverts.length, 2);
  assert.deepEqual(
    adverts.map((a) => a.priority),
    [200, 0],
  );
  for (const a of adverts) {
    assert.equal(a.family, 6);
    assert.equal(a.version, 3);
    assert.equal(a.vrid, 64);
    assert.deepEqual(a.addresses, ['fe80::61', '::1']);
    assert.equal(a.advertIntervalMs, 1000);
    assert.equal(a.checksumOk, true);
    assert.equal(a.checksumVariant, 'ipv6-pseudo-header');
    assert.equal(a.ttl, 255);
    assert.equal(a.src, '::1');
    assert.equal(a.multicast, false);
  }
});

test('the same packets read through LINUX_SLL (v1) headers', () => {
  const file = readPcap(fixture('v2-pass-eth0.pcap'));
  const eth = file.packets[0]!.data;
  const sll = new Uint8Array(16 + eth.length - 14);
  sll[1] = 2; // multicast
  sll[3] = 1; // ARPHRD_ETHER
  sll[5] = 6;
  sll.set(eth.subarray(6, 12), 6);
  sll.set(eth.subarray(12, 14), 14);
  sll.set(eth.subarray(14), 16);
  const a = decodeFrame(LINKTYPE.LINUX_SLL, sll) as FrameAdvert;
  assert.equal(a.direction, 'multicast');
  assert.equal(a.authData, 'labpass1');
  assert.equal(a.checksumOk, true);
  const viaEth = decodeFrame(LINKTYPE.EN10MB, eth) as FrameAdvert;
  assert.equal(a.linkSrc, viaEth.linkSrc);
});

test('pcapng with the same packets reads the same adverts and timestamps', () => {
  const classic = readPcap(fixture('v2-pass-eth0.pcap'));
  const ng = toPcapng(classic.packets.map((p) => ({ t: p.t!, data: p.data })), classic.linktype!);
  const file = readPcapng(ng);
  assert.equal(file.format, 'pcapng');
  assert.equal(file.linktype, LINKTYPE.EN10MB);
  assert.equal(file.packets.length, classic.packets.length);
  file.packets.forEach((p, i) => {
    assert.ok(Math.abs(p.t! - classic.packets[i]!.t!) < 0.002);
    assert.deepEqual(p.data, classic.packets[i]!.data);
  });
  assert.deepEqual(advertsOf(ng), advertsOf(fixture('v2-pass-eth0.pcap')));
});

test('a capture cut mid-packet keeps the complete packets', () => {
  const bytes = fixture('v2-pass-eth0.pcap');
  const file = readPcap(bytes.subarray(0, bytes.length - 10));
  assert.equal(file.truncated, true);
  assert.equal(file.packets.length, readPcap(bytes).packets.length - 1);
});

test('not a capture', () => {
  assert.throws(() => readCapture(new TextEncoder().encode('tcpdump: eth9: No such device exists\n')), PcapFormatError);
  assert.throws(() => readCapture(new Uint8Array(2)), PcapFormatError);
});

test('decodeVrrp rejects what is not a VRRP advert', () => {
  const ip = { src: '192.0.2.1', dst: '224.0.0.18', ttl: 255, family: 4 as const };
  assert.equal((decodeVrrp(new Uint8Array(4), ip) as { error: string }).error, 'truncated');
  assert.equal((decodeVrrp(Uint8Array.from([0x41, 1, 100, 0, 0, 1, 0, 0]), ip) as { error: string }).error, 'bad-version');
  // 2 addresses announced, 1 present
  assert.equal((decodeVrrp(Uint8Array.from([0x21, 1, 100, 2, 0, 1, 0, 0, 192, 0, 2, 1]), ip) as { error: string }).error, 'truncated');
  // v2 without the 8 bytes of auth data
  assert.equal((decodeVrrp(Uint8Array.from([0x21, 1, 100, 1, 0, 1, 0, 0, 192, 0, 2, 1]), ip) as { error: string }).error, 'bad-length');
});

test('IPv6 text form follows RFC 5952 and round-trips', () => {
  for (const [text, canonical] of [
    ['ff02::12', 'ff02::12'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['fe80::a8e4:37ff:fe9e:ec6c', 'fe80::a8e4:37ff:fe9e:ec6c'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
  ] as const) {
    assert.equal(formatIpv6(parseIpv6(text), 0), canonical, text);
  }
  assert.throws(() => parseIpv6('1::2::3'));
  assert.throws(() => parseIpv6('1:2:3'));
});

/** Build a minimal pcapng (SHB + IDB with microsecond resolution + EPBs). */
function toPcapng(packets: { t: number; data: Uint8Array }[], linktype: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + Math.ceil(body.length / 4) * 4;
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setBigInt64(8, -1n, true);
  block(0x0a0d0d0a, shb);
  const idb = new Uint8Array(8);
  new DataView(idb.buffer).setUint16(0, linktype, true);
  new DataView(idb.buffer).setUint32(4, 262144, true);
  block(1, idb);
  for (const p of packets) {
    const body = new Uint8Array(20 + p.data.length);
    const v = new DataView(body.buffer);
    const us = BigInt(Math.round(p.t * 1000));
    v.setUint32(0, 0, true);
    v.setUint32(4, Number(us >> 32n), true);
    v.setUint32(8, Number(us & 0xffffffffn), true);
    v.setUint32(12, p.data.length, true);
    v.setUint32(16, p.data.length, true);
    body.set(p.data, 20);
    block(6, body);
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}
