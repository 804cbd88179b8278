import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseData, parseJsonDump, parseStats, readAllDumps, SecretString } from '../../src/keepalived/runtime/dumps.js';
import type { RuntimeFs } from '../../src/keepalived/runtime/process.js';
import { ScriptedHost } from '../helpers/scripted-host.js';
import { fixturesDir, sharedDir } from '../helpers/paths.js';

const runtime = (name: string): string => readFileSync(join(fixturesDir, 'runtime', name), 'utf8');
const reference = readFileSync(join(sharedDir, 'reference', 'keepalived.md'), 'utf8');

/** The first ``` block after `heading` in the reference. */
function referenceBlock(heading: string): string {
  const at = reference.indexOf(heading);
  assert.ok(at >= 0, heading);
  const m = /```\n([\s\S]*?)```/.exec(reference.slice(at));
  return m![1]!;
}

test('stats dump of the reference (2.2.7 after a password mismatch)', () => {
  const [s] = parseStats(referenceBlock('### 4.2 Stats dump'));
  assert.deepEqual(s, {
    name: 'VI_1',
    advertisementsReceived: 0,
    advertisementsSent: 6,
    becameMaster: 1,
    releasedMaster: 0,
    packetErrors: { length: 0, ttl: 0, invalidType: 0, advertisementInterval: 0, addressList: 0 },
    authErrors: { invalidType: 0, typeMismatch: 0, failure: 1 },
    authExtensionErrors: null,
    priorityZero: { received: 0, sent: 0 },
  });
});

test('stats dumps recorded in the lab: healthy backup, then password mismatch', () => {
  const [healthy] = parseStats(runtime('stats-2.2.7-backup.txt'));
  assert.equal(healthy!.name, 'VI_61');
  assert.ok(healthy!.advertisementsReceived > 0);
  assert.equal(healthy!.advertisementsSent, 0);
  assert.equal(healthy!.authErrors.failure, 0);
  const [bad] = parseStats(runtime('stats-2.2.7-password-mismatch.txt'));
  assert.ok(bad!.authErrors.failure! > 0);
  assert.equal(bad!.becameMaster, 1);
  assert.ok(bad!.advertisementsSent > 0);
});

test('stats: several instances, a build without VRRP auth, 2.4 extension errors', () => {
  const one = runtime('stats-2.2.7-backup.txt');
  const two = one + one.replace('VRRP Instance: VI_61', 'VRRP Instance: VI_62').replace(/Failure: \d+/, 'Failure: 7');
  assert.deepEqual(
    parseStats(two).map((s) => [s.name, s.authErrors.failure]),
    [
      ['VI_61', 0],
      ['VI_62', 7],
    ],
  );
  const noAuth = one.replace(/ {4}Type Mismatch: \d+\n {4}Failure: \d+\n/, '');
  assert.deepEqual(parseStats(noAuth)[0]!.authErrors, { invalidType: 0, typeMismatch: null, failure: null });
  // 2.4.0 inserts this block after "Failure" (reference 4.2)
  const v24 = one.replace(
    /( {4}Failure: \d+\n)/,
    '$1  Authentication Extension Errors:\n    Missing: 1\n    Malformed: 0\n    Unknown Key: 2\n    Invalid HMAC: 3\n    Stale: 0\n    Replay: 4\n',
  );
  const s = parseStats(v24)[0]!;
  assert.deepEqual(s.authExtensionErrors, { missing: 1, malformed: 0, unknownKey: 2, invalidHmac: 3, stale: 0, replay: 4 });
  assert.equal(s.priorityZero.received, 0);
  assert.equal(s.authErrors.failure, 0);
});

test('data dump of a v2 backup recorded in the lab', () => {
  const d = parseData(runtime('data-2.2.7-backup.txt'));
  assert.equal(d.globals['Router ID'], 'vr_b');
  assert.equal(d.globals['VRRP strict mode'], 'false');
  assert.equal(d.instances.length, 1);
  const i = d.instances[0]!;
  assert.equal(i.name, 'VI_61');
  assert.equal(i.version, 2);
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.wantstate, 'BACKUP');
  assert.equal(i.vrid, 61);
  assert.equal(i.priority, 100);
  assert.equal(i.effectivePriority, 100);
  assert.equal(i.advertIntervalMs, 1000);
  assert.equal(i.interface, 'eth0');
  assert.equal(i.sourceIp, '192.0.2.22');
  assert.equal(i.multicastAddress, '224.0.0.18');
  assert.deepEqual(i.vips, ['192.0.2.61/24 dev eth0 scope global']);
  assert.deepEqual(i.vipAddresses, ['192.0.2.61/24']);
  assert.equal(i.masterRouter, '192.0.2.21');
  assert.equal(i.masterPriority, 150);
  assert.equal(i.authType, 'SIMPLE_PASSWORD');
  assert.equal(i.password?.reveal(), 'labpass1');
  assert.deepEqual(i.trackedScripts, [{ name: 'chk_true', weight: -20 }]);
  assert.equal(i.masterDownTimerUs, 3609375); // 3 s + (256-100)/256 s
  assert.equal(i.preempt, true);
  assert.ok(i.lastTransition! > 1.7e9);
});

test('data dump of a v3 backup: milli-sec interval and the master\'s interval', () => {
  const i = parseData(runtime('data-2.2.7-v3-backup.txt')).instances[0]!;
  assert.equal(i.version, 3);
  assert.equal(i.vrid, 63);
  assert.equal(i.advertIntervalMs, 500);
  assert.equal(i.masterAdvertIntervalMs, 500);
  assert.equal(i.password, null);
});

test('data dump excerpt of the reference (MASTER, effective priority lowered by a script)', () => {
  const block = referenceBlock('### 4.3 Data dump');
  const i = parseData(`------< VRRP Topology >------\n${block}`).instances[0]!;
  assert.equal(i.state, 'MASTER');
  assert.equal(i.priority, 150);
  assert.equal(i.effectivePriority, 140);
  assert.equal(i.masterRouter, undefined);
  assert.deepEqual(i.vips, ['198.51.100.100/24 dev kav0 scope global set']);
  assert.deepEqual(i.trackedScripts, [{ name: 'chk_false', weight: -10 }]);
  assert.equal(i.masterDownTimerUs, 3453125);
});

test('passwords never leave as text by accident', () => {
  const i = parseData(runtime('data-2.2.7-backup.txt')).instances[0]!;
  assert.ok(i.password instanceof SecretString);
  assert.equal(`${i.password}`, '********');
  assert.ok(!JSON.stringify(i).includes('labpass1'));
  assert.equal(i.password!.masked, false);
  assert.equal(new SecretString('********').masked, true); // 2.4.0+
});

test('JSON dump recorded in the lab', () => {
  const [j] = parseJsonDump(runtime('json-2.2.7-backup.json'));
  assert.equal(j!.name, 'VI_61');
  assert.equal(j!.state, 'BACKUP');
  assert.equal(j!.wantstate, 'BACKUP');
  assert.equal(j!.version, 2);
  assert.equal(j!.vrid, 61);
  assert.equal(j!.priority, 100);
  assert.equal(j!.masterPriority, 150);
  assert.equal(j!.advertIntervalMs, 1000);
  assert.equal(j!.interface, 'eth0');
  assert.deepEqual(j!.vips, ['192.0.2.61/24 dev eth0 scope global']);
  assert.equal(j!.authType, 1);
  assert.equal(j!.password?.reveal(), 'labpass1');
  assert.ok(j!.stats.advertisementsReceived > 0);
  assert.equal(j!.stats.authErrors.failure, 0);
  assert.ok(!JSON.stringify(j).includes('labpass1'));
});

test('JSON dump with json_version 2 wraps instances in "vrrp"', () => {
  const v1 = JSON.parse(runtime('json-2.2.7-backup.json')) as unknown[];
  const [j] = parseJsonDump(JSON.stringify({ vrrp: v1, track_process: [] }));
  assert.equal(j!.name, 'VI_61');
  assert.deepEqual(parseJsonDump('[]'), []);
});

test('before 2.0.9 doctor never asks for the data dump: it would leave the password world-readable in /tmp', async () => {
  const host = new ScriptedHost('/', (argv) => (argv[0] === 'keepalived' ? { exitCode: 1, stderr: 'keepalived: unrecognized option \'--signum=STATS\'\n' } : {}));
  const nothing: RuntimeFs = { readFile: async () => null, readLink: async () => null, readDir: async () => [], stat: async () => null, readTail: async () => null };
  const kp = { pid: 1000, tmpDirOnHost: '/run/node/tmpdir', slashTmpOnHost: '/run/node/slashtmp' };
  const r = await readAllDumps(host, kp, { release: '1.3.5', json: false, fs: nothing, timeoutMs: 20, pollMs: 5 });
  assert.deepEqual(host.calls, [['keepalived', '--signum=STATS'], ['kill', '-s', 'USR2', '1000']]);
  assert.equal(r.results[0]!.path, '/run/node/slashtmp/keepalived.stats', '1.3.5 writes to /tmp whatever TMPDIR says');
  assert.match(r.results[1]!.error!, /writes its data dump world-readable \(mode 0666\) with the VRRP password: not requested/);
  // 2.2.7 (0600, in TMPDIR): both, from TMPDIR.
  const modern = new ScriptedHost('/', (argv) => (argv[0] === 'keepalived' ? { stdout: argv[1] === '--signum=STATS' ? '12\n' : '10\n' } : {}));
  const m = await readAllDumps(modern, kp, { release: '2.2.7', json: false, fs: nothing, timeoutMs: 20, pollMs: 5 });
  assert.deepEqual(modern.calls.filter((a) => a[0] === 'kill'), [['kill', '-s', '12', '1000'], ['kill', '-s', '10', '1000']]);
  assert.equal(m.results[1]!.path, '/run/node/tmpdir/keepalived.data');
});
