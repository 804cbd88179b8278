import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLogLine, readKeepalivedLog, splitLogPrefix, type LogEventKind } from '../../src/keepalived/runtime/logs.js';
import { LocalHost } from '../../src/host/local.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';

type Row = [line: string, kind: LogEventKind, instance: string | null, from: string | null, details?: Record<string, unknown>];

// Exact strings from the reference (sections 3.2-3.4 and lab-facts), formats filled in.
const ROWS: Row[] = [
  // state changes, 2.x and 1.x
  ['(VI_1) Entering MASTER STATE', 'state', 'VI_1', null, { state: 'MASTER', init: false }],
  ['(VI_1) Entering BACKUP STATE (init)', 'state', 'VI_1', null, { state: 'BACKUP', init: true }],
  ['(VI_1) Entering FAULT STATE', 'state', 'VI_1', null, { state: 'FAULT' }],
  ['VRRP_Instance(VI_1) Transition to MASTER STATE', 'state', 'VI_1', null, { state: 'MASTER', phase: 'Transition to' }],
  ['VRRP_Instance(VI_1) Entering BACKUP STATE', 'state', 'VI_1', null, { state: 'BACKUP', phase: 'Entering' }],
  ['(VI_1) entering FAULT state (src address not configured)', 'fault-no-src-address', 'VI_1', null],
  // passwords
  ['(VI_1) received an invalid passwd!', 'invalid-password', 'VI_1', null],
  ['(VI_1) received an invalid passwd from 192.0.2.12!', 'invalid-password', 'VI_1', '192.0.2.12'],
  ['(VI_1): received an invalid passwd!', 'invalid-password', 'VI_1', null],
  // auth type
  ['(VI_1) received a 0 auth, expecting 1!', 'auth-type-mismatch', 'VI_1', null, { received: 0, expected: 1 }],
  ['(VI_1) received a 0 auth from 192.0.2.12, expecting 1!', 'auth-type-mismatch', 'VI_1', '192.0.2.12', { received: 0, expected: 1 }],
  ['(VI_1) Received AH header but auth type not AH', 'ah-mismatch', 'VI_1', null],
  ['(VI_1) No AH header but auth type is AH from 192.0.2.12', 'ah-mismatch', 'VI_1', '192.0.2.12'],
  ['(VI_1) Invalid auth type: 7', 'invalid-auth-type', 'VI_1', null, { authType: 7 }],
  ['(VI_1) Invalid auth type from 192.0.2.12: 7', 'invalid-auth-type', 'VI_1', '192.0.2.12', { authType: 7 }],
  // advert interval
  ["(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec", 'advert-interval-mismatch', 'VI_1', null, { mine: 2, received: 1, unit: 'sec' }],
  ["(VI_1) advertisement interval mismatch with 192.0.2.12 mine=2 sec rcv'd=1 sec", 'advert-interval-mismatch', 'VI_1', '192.0.2.12', { mine: 2, received: 1 }],
  ["(VI_1) advertisement interval mismatch ours = 100 centi-sec rcv'd=50 centi-sec", 'advert-interval-mismatch', 'VI_1', null, { mine: 100, received: 50, unit: 'centi-sec' }],
  ['(VI_1): advertisement interval mismatch mine=2 sec rcved=1 sec', 'advert-interval-mismatch', 'VI_1', null, { mine: 2, received: 1 }],
  ['(VI_1) advertisement interval updated from 1000ms to 500ms by master', 'advert-interval-updated', 'VI_1', null, { fromMs: 1000, toMs: 500 }],
  ['(VI_1) VRRPv2 advertisement interval 1.500000s must be an integer. rounding', 'advert-interval-adjusted', 'VI_1', null, { version: 2 }],
  // TTL
  ['(VI_1) invalid TTL/HL. Received 64 and expect 255', 'ttl-invalid', 'VI_1', null, { received: 64, expected: 255 }],
  ['(VI_1) invalid TTL/HL from 192.0.2.12. Received 64 and expect 255', 'ttl-invalid', 'VI_1', '192.0.2.12', { received: 64 }],
  ['(VI_1): invalid ttl. 64 and expect 255', 'ttl-invalid', 'VI_1', null, { received: 64, expected: 255 }],
  ['(VI_1) TTL/HL 3 not in range 5 - 255', 'ttl-out-of-range', 'VI_1', null, { received: 3, min: 5, max: 255 }],
  ['(VI_1) TTL/HL 3 from 192.0.2.12 not in range [5, 255]', 'ttl-out-of-range', 'VI_1', '192.0.2.12', { received: 3, min: 5, max: 255 }],
  // version, length, type
  ['(VI_1) wrong version. Received 3 and expect 2', 'wrong-version', 'VI_1', null, { received: 3, expected: 2 }],
  ['(VI_1) wrong VRRP version from 192.0.2.12. Received 3 and expect 2', 'wrong-version', 'VI_1', '192.0.2.12', { received: 3 }],
  ['(VI_1) vrrp packet too short, length 20 and expect 28', 'bad-length', 'VI_1', null, { what: 'short', length: 20 }],
  ['(VI_1) vrrp packet from 192.0.2.12 too long, length 40 and expect 28', 'bad-length', 'VI_1', '192.0.2.12', { what: 'long' }],
  ['(VI_1) ip_tot_len mismatch against received length. 48 and received 40', 'bad-length', 'VI_1', null],
  ['(VI_1) ip_tot_len mismatch against received length from 192.0.2.12. 48 and received 40', 'bad-length', 'VI_1', '192.0.2.12'],
  ['(VI_1) Invalid packet type. 2 and expect 1', 'invalid-packet-type', 'VI_1', null, { received: 2, expected: 1 }],
  ['(VI_1) Invalid packet type from 192.0.2.12. 2 and expect 1', 'invalid-packet-type', 'VI_1', '192.0.2.12'],
  // addresses
  ['(VI_1) received an unexpected ip number count 2, expected 1!', 'address-count-mismatch', 'VI_1', null, { received: 2, expected: 1 }],
  ['(VI_1) expected 1 VIPs but received 2', 'address-count-mismatch', 'VI_1', null, { received: 2, expected: 1 }],
  ['(VI_1) ip address associated with VRID 51 not present in MASTER advert: 198.51.100.100', 'vip-set-mismatch', 'VI_1', null, { vrid: 51, addresses: ['198.51.100.100'] }],
  ['(VI_1) ip address associated with VRID 51 not present in MASTER advert : 192.0.2.50', 'vip-set-mismatch', 'VI_1', null, { vrid: 51, addresses: ['192.0.2.50'] }],
  ['(VI_1): ip address associated with VRID 51 not present in MASTER advert : 192.0.2.50', 'vip-set-mismatch', 'VI_1', null, { vrid: 51 }],
  ['(VI_1) ip address associated with VRID 51 not present in advert from 192.0.2.12: 192.0.2.50', 'vip-set-mismatch', 'VI_1', '192.0.2.12', { vrid: 51, addresses: ['192.0.2.50'] }],
  // checksum, cast, unicast
  ['(VI_1) Invalid VRRPv2 checksum', 'bad-checksum', 'VI_1', null, { version: 2 }],
  ['(VI_1) Invalid VRRPv3 checksum from 192.0.2.12', 'bad-checksum', 'VI_1', '192.0.2.12', { version: 3 }],
  ['(VI_1) Expected multicast packet but received unicast packet', 'cast-mismatch', 'VI_1', null, { expected: 'multi', received: 'uni' }],
  ['(VI_1) Expected unicast packet but received multicast packet from 192.0.2.12', 'cast-mismatch', 'VI_1', '192.0.2.12'],
  ['(VI_1) unicast source address 192.0.2.99 not a unicast peer', 'unicast-source-not-peer', 'VI_1', '192.0.2.99'],
  ['(VI_1) Dropping packet(s) from 192.0.2.12 since we are address owner', 'owner-dropping', 'VI_1', '192.0.2.12'],
  ['(VI_1) Setting unicast VRRPv3 checksum to old version', 'old-unicast-checksum', 'VI_1', null],
  // 1.x only
  ['bogus VRRP packet received on eth0 !!!', 'bogus-packet', null, null, { interface: 'eth0' }],
  ['Sync instance needed on eth0 !!!', 'sync-instance-needed', null, null, { interface: 'eth0' }],
  // elections
  ['(VI_1) Receive advertisement timeout', 'receive-timeout', 'VI_1', null],
  ['(VI_1) received lower priority (90) advert from 192.0.2.11 - discarding', 'lower-priority-advert', 'VI_1', '192.0.2.11', { priority: 90 }],
  ['(VI_1) Received advert from 192.0.2.12 with lower priority 100, ours 150, forcing new election', 'forcing-election', 'VI_1', '192.0.2.12', { priority: 100, ours: 150 }],
  ['(VI_1) Master received advert from 192.0.2.12 with higher priority 100, ours 90', 'higher-priority-advert', 'VI_1', '192.0.2.12', { priority: 100, ours: 90 }],
  ['(VI_1) Master received advert from 192.0.2.12 with same priority 100 but higher IP address than ours', 'same-priority-higher-ip', 'VI_1', '192.0.2.12', { priority: 100 }],
  ['(VI_1) WARNING - equal priority advert received from remote host with our IP address.', 'equal-priority-own-ip', 'VI_1', null],
  ['(VI_1) Changing effective priority from 150 to 90', 'priority-change', 'VI_1', null, { fromPriority: 150, toPriority: 90 }],
  ['(VI_1) sent 0 priority', 'priority-zero-sent', 'VI_1', null],
  ['(VI_1) setting VIPs.', 'vips-set', 'VI_1', null],
  ['(VI_1) removing VIPs.', 'vips-removed', 'VI_1', null],
  ['(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.50', 'gratuitous-arp', 'VI_1', null, { interface: 'eth0', address: '192.0.2.50' }],
  ['Sending gratuitous ARP on eth0 for 192.0.2.50', 'gratuitous-arp', null, null, { interface: 'eth0' }],
  // scripts
  ['Script `chk_nginx` now returning 7', 'script-returning', null, null, { script: 'chk_nginx', status: 7 }],
  ['VRRP_Script(chk_nginx) failed (exited with status 7)', 'script-failed', null, null, { script: 'chk_nginx', status: 7 }],
  ['VRRP_Script(chk_nginx) failed (due to signal 9)', 'script-failed', null, null, { script: 'chk_nginx', signal: 9 }],
  ['VRRP_Script(chk_nginx) failed', 'script-failed', null, null, { script: 'chk_nginx' }],
  ['VRRP_Script(chk_true) succeeded', 'script-succeeded', null, null, { script: 'chk_true' }],
  ['VRRP_Script(chk_nginx) timed_out', 'script-timed-out', null, null, { script: 'chk_nginx' }],
  ['VRRP_Script(chk_nginx) timed out', 'script-timed-out', null, null, { script: 'chk_nginx' }],
  ['VRRP_Script(chk_true) considered successful on reload', 'script-reload', null, null, { script: 'chk_true', successful: true }],
  ['VRRP_Script(chk_x) considered unsuccessful on reload', 'script-reload', null, null, { successful: false }],
  ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.', 'security-violation', null, null],
  // config and daemon
  ['Unknown VRID(51) received on interface(eth0). ignoring...', 'unknown-vrid', null, null, { vrid: 51, interface: 'eth0' }],
  ['VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0', 'vrid-clash', null, null, { vrid: 51, first: 'VI_1', second: 'VI_2' }],
  ["WARNING - interface eth9 for vrrp_instance VI_1 doesn't exist", 'interface-missing', 'VI_1', null, { interface: 'eth9' }],
  ['daemon is already running', 'already-running', null, null],
  ['Environment TMPDIR=tmp not a directory', 'tmpdir-invalid', null, null, { dir: 'tmp' }],
  ['Starting Keepalived v2.2.7 (01/16,2022)', 'starting', null, null, { version: '2.2.7' }],
  ['Stopping', 'stopping', null, null],
  ['Stopped', 'stopped', null, null],
  ['Stopped Keepalived v2.2.7 (01/16,2022)', 'stopped', null, null, { version: '2.2.7' }],
  ['Reloading ...', 'reloading', null, null],
  ['Reload complete', 'reloaded', null, null],
];

for (const [line, kind, instance, from, details] of ROWS) {
  test(`log line: ${line}`, () => {
    const e = parseLogLine(line);
    assert.ok(e, 'not recognised');
    assert.equal(e.kind, kind);
    assert.equal(e.instance, instance);
    assert.equal(e.from, from);
    for (const [k, v] of Object.entries(details ?? {})) assert.deepEqual(e.details[k], v, k);
  });
}

test('lines we do not know are not events', () => {
  for (const line of ['Registering Kernel netlink reflector', 'Startup complete', 'VRRP sockpool: [ifindex(  2), family(IPv4)]', '']) {
    assert.equal(parseLogLine(line), null, line);
  }
});

test('prefixes: console, syslog, journalctl short-iso, RFC 3339', () => {
  const msg = '(VI_1) received an invalid passwd!';
  for (const [line, time, ident, pid] of [
    [`Mon Nov 23 10:45:23 2026: ${msg}`, 'Mon Nov 23 10:45:23 2026', null, null],
    [`Mon Nov  3 10:45:23.123 2026: ${msg}`, 'Mon Nov  3 10:45:23.123 2026', null, null],
    [`Nov 23 10:45:23 ha2 Keepalived_vrrp[4242]: ${msg}`, 'Nov 23 10:45:23', 'Keepalived_vrrp', 4242],
    [`2026-11-23T10:45:23+0000 ha2 Keepalived_vrrp[4242]: ${msg}`, '2026-11-23T10:45:23+0000', 'Keepalived_vrrp', 4242],
    [`2026-11-23T10:45:23.123456+00:00 ha2 Keepalived_vrrp_ns1_inst[7]: ${msg}`, '2026-11-23T10:45:23.123456+00:00', 'Keepalived_vrrp_ns1_inst', 7],
  ] as const) {
    const p = splitLogPrefix(line);
    assert.equal(p.message, msg, line);
    assert.equal(p.time, time);
    assert.equal(p.ident, ident);
    assert.equal(p.pid, pid);
    assert.equal(parseLogLine(line)?.kind, 'invalid-password');
  }
});

test('the recorded log of a password mismatch tells the story in order', () => {
  const lines = readFileSync(join(fixturesDir, 'runtime', 'log-2.2.7-password-mismatch.log'), 'utf8').split('\n');
  const events = lines.map(parseLogLine).filter((e) => e !== null);
  const kinds = events.map((e) => e.kind);
  const firstBad = kinds.indexOf('invalid-password');
  assert.ok(kinds.indexOf('reloading') >= 0 && kinds.indexOf('reloading') < firstBad);
  const timeout = kinds.indexOf('receive-timeout', firstBad);
  assert.ok(timeout > firstBad);
  const master = events.findIndex((e, i) => i > timeout && e.kind === 'state' && e.details.state === 'MASTER');
  assert.ok(master > timeout);
  assert.equal(events.find((e) => e.kind === 'starting')?.details.version, '2.2.7');
  assert.ok(events.every((e) => e.time !== null));
});

test('readKeepalivedLog reads the file the daemon writes its console output to', async () => {
  const dir = tempDir('vr-log-');
  const path = join(dir, 'keepalived.log');
  writeFileSync(path, readFileSync(join(fixturesDir, 'runtime', 'log-2.2.7-master.log')));
  const kp = {
    pid: process.pid,
    otherMountNamespace: false,
    logTarget: { console: false, file: path, syslog: false, syslogFacility: null, stdout: null, stdoutFile: null, journal: false },
  };
  const log = await readKeepalivedLog(new LocalHost(), kp, { lines: 10 });
  assert.equal(log.source, 'log-file');
  assert.equal(log.where, path);
  assert.equal(log.lines.length, 10);
  const all = await readKeepalivedLog(new LocalHost(), kp);
  assert.ok(all.events.some((e) => e.kind === 'state' && e.details.state === 'MASTER'));
});
