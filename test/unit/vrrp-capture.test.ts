import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advertsFromCapture, captureVrrp, parseTcpdumpCounters, summarizeCapture, tcpdumpArgs } from '../../src/vrrp/capture.js';
import { LocalHost } from '../../src/host/local.js';
import type { ExecOptions, ExecResult } from '../../src/host/types.js';
import { fixturesDir } from '../helpers/paths.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixturesDir, 'vrrp', name)));

test('tcpdump argv: pcap on stdout, immediate delivery, promiscuous unless asked not to', () => {
  assert.deepEqual(tcpdumpArgs({ iface: 'eth0' }), ['-i', 'eth0', '-U', '--immediate-mode', '-n', '-w', '-', 'ip proto 112 or ip6 proto 112 or ip proto 51']);
  assert.ok(tcpdumpArgs({ iface: 'eth0', promiscuous: false }).includes('-p'));
});

test('tcpdump counters from its exit message', () => {
  const c = parseTcpdumpCounters('tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n3 packets captured\n3 packets received by filter\n0 packets dropped by kernel\n');
  assert.deepEqual(c, { captured: 3, receivedByFilter: 3, droppedByKernel: 0 });
  assert.deepEqual(parseTcpdumpCounters(''), { captured: null, receivedByFilter: null, droppedByKernel: null });
});

test('summary of a healthy pair: one sender, its interval measured, no silent peer', () => {
  const { adverts } = advertsFromCapture(fixture('v2-pass-eth0.pcap'));
  const s = summarizeCapture({ adverts }, { peers: ['192.0.2.21', '192.0.2.22'] });
  assert.deepEqual(s.vrids, [61]);
  assert.equal(s.senders.length, 1);
  const a = s.senders[0]!;
  assert.equal(a.src, '192.0.2.21');
  assert.equal(a.count, adverts.length);
  assert.deepEqual(a.priorities, [150]);
  assert.equal(a.authData, 'labpass1');
  assert.equal(a.multicast, true);
  assert.equal(a.unicast, false);
  assert.deepEqual(a.ttls, [255]);
  assert.equal(a.checksumOk, true);
  assert.deepEqual(a.checksumVariants, ['v2']);
  assert.ok(Math.abs(a.measuredIntervalMs! - 1000) < 100);
  assert.equal(a.knownPeer, true);
  // the backup is silent: normal for VRRP, a backup does not advertise
  assert.deepEqual(s.silentPeers, ['192.0.2.22']);
  assert.deepEqual(s.conflictingVrids, []);
});

test('summary of a password mismatch: two masters for one VRID with different passwords', () => {
  const { adverts } = advertsFromCapture(fixture('v2-password-mismatch-eth0.pcap'));
  const s = summarizeCapture({ adverts });
  assert.deepEqual(
    s.senders.map((x) => [x.src, x.priority, x.authData]),
    [
      ['192.0.2.21', 150, 'labpass1'],
      ['192.0.2.22', 100, 'otherpw2'],
    ],
  );
  assert.deepEqual(s.conflictingVrids, [61]);
  assert.ok(s.senders.every((x) => x.knownPeer === null));
});

test('summary of a v3 capture on "any" and of a priority drop to 0', () => {
  const v3 = summarizeCapture(advertsFromCapture(fixture('v3-any-sll2.pcap')));
  assert.equal(v3.senders[0]!.version, 3);
  assert.equal(v3.senders[0]!.advertIntervalMs, 500);
  assert.ok(Math.abs(v3.senders[0]!.measuredIntervalMs! - 500) < 100);
  assert.equal(v3.senders[0]!.outgoing, false);
  const v6 = summarizeCapture(advertsFromCapture(fixture('v3-ipv6-lo-kernel-checksum.pcap')));
  assert.deepEqual(v6.senders[0]!.priorities, [200, 0]);
  assert.equal(v6.senders[0]!.priority, 0);
  assert.equal(v6.senders[0]!.unicast, true);
});

/** The real local host, except that the tcpdump binary is one that does not exist. */
class NoTcpdumpHost extends LocalHost {
  override exec(cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult> {
    return super.exec(cmd === 'tcpdump' ? 'tcpdump-is-not-installed-here' : cmd, args, opts);
  }
}

test('tcpdump not installed: said so, no adverts, no exception', async () => {
  const r = await captureVrrp(new NoTcpdumpHost(), { iface: 'eth0', durationMs: 1000 });
  assert.equal(r.tcpdumpMissing, true);
  assert.deepEqual(r.adverts, []);
  assert.ok(r.error);
});
