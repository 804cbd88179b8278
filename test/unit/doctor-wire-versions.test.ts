// Log lines and counters by keepalived version, on recorded lab runs: 1.x and 2.3.3+ texts
// are the recorded 2.2.7 lines rewritten to what those versions print (reference §3.2),
// with the version in the recorded facts changed to match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replay } from './doctor-wire-replay.js';
import { check as peerAuth } from '../../checks/peer-auth.js';
import { check as vridConflict } from '../../checks/vrid-conflict.js';
import { logTimeMs, pairConfig, useRecordedWire, currentEvents, runtimeFacts } from '../../src/doctor/wire/pair.js';
import { formatStep, freeVrid, setupCommand } from '../../src/doctor/wire/fixes.js';
import { setLang } from '../../src/i18n/index.js';
import { LocalHost } from '../../src/host/local.js';
import { nodeShell } from '../../src/system/node-shell.js';

setLang('en');

const version = (v: string) => (facts: string) => facts.replace(/"version": "2\.2\.7"/, `"version": "${v}"`);

test('log times: console file, syslog without year, journal ISO', () => {
  assert.equal(logTimeMs('Mon Nov 23 10:50:50 2026', 2026), Date.parse('2026-11-23T10:50:50'));
  assert.equal(logTimeMs('Nov 23 10:50:50', 2026), Date.parse('2026-11-23T10:50:50'));
  assert.equal(logTimeMs('2026-11-23T10:50:50+0000', 2026), Date.parse('2026-11-23T10:50:50Z'));
  assert.equal(logTimeMs(null, 2026), null);
});

test('1.x (CentOS 7): "(VI_1): received an invalid passwd!" fails peer-auth without a capture', async () => {
  const { ctx } = await replay('password', 'ha2', {
    tcpdumpMissing: true,
    edit: { 'facts.json': version('1.3.5'), 'keepalived.log': (l) => l.replace(/\(VI_1\) received an invalid passwd!/g, '(VI_1): received an invalid passwd!') },
  });
  const r = await peerAuth.run(ctx);
  assert.equal(r.status, 'fail', r.details.join('\n'));
  assert.ok(r.details.includes('log: (VI_1): received an invalid passwd!'));
});

test('2.3.3+: "received an invalid passwd from X!" names the sender', async () => {
  const { ctx } = await replay('password', 'ha2', {
    tcpdumpMissing: true,
    edit: { 'facts.json': version('2.3.4'), 'keepalived.log': (l) => l.replace(/\(VI_1\) received an invalid passwd!/g, '(VI_1) received an invalid passwd from 192.0.2.11!') },
  });
  const r = await peerAuth.run(ctx);
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /rejects adverts from 192\.0\.2\.11 for a wrong password now/);
});

test('rate limiting: an old line after the last state change is current from 2.3.3, history before', async () => {
  // One minute after the recording, without the second stats dump: only the log can tell.
  const later = async (v: string) => {
    const { ctx, meta } = await replay('password', 'ha2', { tcpdumpMissing: true, edit: { 'facts.json': version(v) } });
    useRecordedWire(ctx, { now: meta.now + 60_000, statsAfter: null });
    return ctx;
  };
  const old = await later('2.2.7');
  assert.equal((await peerAuth.run(old)).status, 'warn');
  const pairOld = (await pairConfig(old))!;
  assert.equal(currentEvents((await runtimeFacts(old))!, pairOld, ['invalid-password']).length, 0);
  const modern = await later('2.3.4');
  assert.equal((await peerAuth.run(modern)).status, 'fail');
});

test('VRID clash by log line only: 2.2.x text, and 2.3.3+ text that names the sender (accepted, not rejected)', async () => {
  const r22 = await vridConflict.run((await replay('foreign-vrid', 'ha1', { tcpdumpMissing: true })).ctx);
  assert.equal(r22.status, 'fail');
  assert.match(r22.summary, /rejects those adverts/);
  const r23 = await vridConflict.run(
    (
      await replay('foreign-vrid', 'ha1', {
        tcpdumpMissing: true,
        edit: {
          'facts.json': version('2.3.4'),
          'keepalived.log': (l) => l.replace(/not present in MASTER advert: /g, 'not present in advert from 192.0.2.100: '),
        },
      })
    ).ctx,
  );
  assert.equal(r23.status, 'fail');
  assert.match(r23.summary, /from 192\.0\.2\.100.*2\.3\.3\+ accepts those adverts/);
});

test('the log of an earlier keepalived run is ignored: only lines after the last "Starting Keepalived"', async () => {
  const { ctx } = await replay('password', 'ha2', {
    tcpdumpMissing: true,
    // The same log followed by a restart with nothing wrong after it.
    edit: { 'keepalived.log': (l) => `${l}Mon Nov 23 23:59:59 2026: Starting Keepalived v2.2.7 (01/16,2022)\n` },
  });
  const rt = (await runtimeFacts(ctx))!;
  assert.equal(rt.events.filter((e) => e.kind === 'invalid-password').length, 0);
});

test('fix helpers: firewall step lines, setup command with this node\'s answers, a free VRID', async () => {
  const machine = nodeShell(new LocalHost('/'));
  assert.equal(formatStep({ argv: ['iptables', '-I', 'INPUT', '1', '-p', 'vrrp', '-j', 'ACCEPT'], why: '' }, machine), 'iptables -I INPUT 1 -p vrrp -j ACCEPT');
  assert.equal(formatStep({ argv: ['iptables-save'], saveTo: { path: '/etc/sysconfig/iptables', mode: 0o600 }, why: '' }, machine), 'iptables-save > /etc/sysconfig/iptables');
  assert.equal(
    formatStep({ argv: ['iptables-save'], saveTo: { path: '/etc/iptables/rules.v4', mode: 0o600 }, why: '' }, machine, ['/etc/iptables']),
    'mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4',
  );
  // A lab node (the recordings are of ha1): setup from its saved answers, through lab exec.
  const { ctx } = await replay('healthy', 'ha1');
  const pair = (await pairConfig(ctx))!;
  assert.equal(
    await setupCommand(ctx, pair, { vrid: 52 }),
    'ha-setup lab exec ha1 -- ha-setup setup --answers /run/ha-setup-lab/ha1/etc/keepalived/ha-setup.answers.json --vrid 52 --existing replace --yes',
  );
  assert.equal(freeVrid(51, [51, 52]), 53);
  assert.equal(freeVrid(255, [255]), 1);
});
