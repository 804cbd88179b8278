// One fixture set per release, read in place from ../shared/reference/keepalived-recordings:
// the config setup writes for that release (and that our validator for it accepts it), the log
// events of start / fault / auth / VRID conflict / advert mismatch / stop, the dumps, and
// doctor's verdicts from those logs, dumps and tcpdump decodes (scripts/release-matrix.ts).
// The configtest cases a-e are in keepalived-check-file.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogLine, splitLogPrefix, type LogEvent } from '../../src/keepalived/runtime/logs.js';
import { dumpDirOnHost, parseData, parseStats } from '../../src/keepalived/runtime/dumps.js';
import { buildKeepalivedConfig, chooseScriptUser } from '../../src/setup/keepalived-config.js';
import { renderConfig } from '../../src/keepalived/render.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { keywordsInUse, validateConfig } from '../../src/keepalived/validate.js';
import { releaseHas, releaseKnowsKeyword } from '../../src/keepalived/releases.js';
import { validateAnswers } from '../../src/setup/answers.js';
import { setLang } from '../../src/i18n/index.js';
import { RECORDED, logWindows, recordingFile, type RecNode } from '../helpers/recordings.js';
import { releaseMatrix, type MatrixCell } from '../../scripts/release-matrix.js';
import { replayRecording } from '../helpers/recording-replay.js';
import { check as peerAuth } from '../../checks/peer-auth.js';

setLang('en');

const events = (release: string, file: string, node: RecNode, window = 0): LogEvent[] =>
  (logWindows(release, file)[window]!.nodes[node] ?? []).map(parseLogLine).filter((e): e is LogEvent => e !== null);
const kinds = (es: LogEvent[]) => new Set(es.map((e) => e.kind));
const states = (es: LogEvent[]) => es.filter((e) => e.kind === 'state').map((e) => `${e.details.phase} ${e.details.state}`);

for (const release of RECORDED) {
  test(`keepalived ${release}: the log events of every recorded scenario`, () => {
    const old = !releaseHas(release, 'logPrefix2');
    const named = releaseHas(release, 'rateLimitedPacketLogs');

    // start: rec-a becomes MASTER (1.x: "Transition to" first), rec-b BACKUP.
    const startA = events(release, 'start.log', 'rec-a');
    assert.ok(kinds(startA).has('starting'));
    assert.ok(states(startA).includes('Entering MASTER'), states(startA).join());
    assert.equal(states(startA).includes('Transition to MASTER'), old);
    assert.ok(states(events(release, 'start.log', 'rec-b')).includes('Entering BACKUP'));

    // fault: the check fails, rec-a enters FAULT (2.x: and logs "sent 0 priority"), rec-b takes over.
    const faultA = events(release, 'fault.log', 'rec-a');
    assert.ok(kinds(faultA).has('script-failed'));
    assert.ok(kinds(faultA).has(old ? 'script-exited' : 'script-returning'));
    assert.ok(states(faultA).includes('Entering FAULT'));
    assert.equal(kinds(faultA).has('priority-zero-sent'), releaseHas(release, 'faultPriorityZeroLogged'));
    assert.ok(states(events(release, 'fault.log', 'rec-b')).includes('Entering MASTER'));
    assert.ok(states(events(release, 'fault.log', 'rec-a', 1)).includes('Entering MASTER'), 'failback');

    // auth: rec-b (wrong password) rejects rec-a's adverts; 1.x adds the "bogus" line; 2.3.3+ names the sender.
    const authB = events(release, 'auth.log', 'rec-b').filter((e) => e.kind === 'invalid-password');
    assert.ok(authB.length > 0);
    assert.equal(authB[0]!.instance, 'VI_1');
    assert.equal(authB[0]!.from, named ? '192.0.2.21' : null);
    assert.equal(kinds(events(release, 'auth.log', 'rec-b')).has('bogus-packet'), releaseHas(release, 'bogusPacketLog'));
    // 2.x: rec-b times out and becomes MASTER too (split brain); 1.3.5 stays BACKUP.
    assert.equal(states(events(release, 'auth.log', 'rec-b')).includes('Entering MASTER'), !old);

    // VRID conflict: rec-c (another password) is rejected by rec-b; 2.3.3+ names 192.0.2.23.
    const vridB = events(release, 'vrid-conflict.log', 'rec-b').filter((e) => e.kind === 'invalid-password');
    assert.ok(vridB.length > 0);
    if (named) assert.ok(vridB.some((e) => e.from === '192.0.2.23'));
    if (releaseHas(release, 'masterSetLog')) assert.ok(events(release, 'vrid-conflict.log', 'rec-b').some((e) => e.kind === 'master-changed' && e.from === '192.0.2.23'));

    // advert mismatch: rec-b (advert_int 3) logs rec-a's 1 s; rec-a logs nothing.
    const adv = events(release, 'advert.log', 'rec-b').filter((e) => e.kind === 'advert-interval-mismatch');
    assert.ok(adv.length > 0);
    assert.deepEqual([adv[0]!.details.mine, adv[0]!.details.received, adv[0]!.details.unit], [3, 1, 'sec']);
    assert.equal(adv[0]!.from, named ? '192.0.2.21' : null);
    assert.equal(kinds(events(release, 'advert.log', 'rec-b')).has('sync-instance-needed'), old);

    // stop: rec-a stops, rec-b takes over.
    assert.ok(kinds(events(release, 'stop.log', 'rec-a')).has('stopping'));
    assert.ok(kinds(events(release, 'stop.log', 'rec-a')).has('stopped'));
    assert.ok(states(events(release, 'stop.log', 'rec-b')).includes('Entering MASTER'));
  });

  test(`keepalived ${release}: every line about the instance is classified`, () => {
    for (const file of ['start.log', 'fault.log', 'auth.log', 'vrid-conflict.log', 'advert.log', 'stop.log']) {
      for (const w of logWindows(release, file)) {
        for (const line of Object.values(w.nodes).flat()) {
          const message = splitLogPrefix(line!).message;
          if (!/^(?:VRRP_Instance)?\(VI_1\)/.test(message) || /Now in FAULT state$/.test(message)) continue;
          assert.ok(parseLogLine(line!), `${file}: ${message}`);
        }
      }
    }
  });

  test(`keepalived ${release}: the dumps, where they are and what they hold`, () => {
    const data = parseData(recordingFile(release, 'dumps/keepalived.data')).instances[0]!;
    assert.deepEqual([data.name, data.state, data.vrid, data.priority, data.interface, data.vipAddresses], ['VI_1', 'MASTER', 51, 150, 'eth0', ['192.0.2.50/24']]);
    assert.deepEqual(data.trackedScripts.map((s) => s.name), ['chk']);
    assert.equal(data.password!.masked, releaseHas(release, 'passwordMaskedInDumps'));
    if (!data.password!.masked) assert.equal(data.password!.reveal(), 's3cret51');
    const stats = parseStats(recordingFile(release, 'dumps/keepalived.stats'))[0]!;
    assert.ok(stats.authErrors.failure! > 0, 'the auth and VRID tests left their mark');
    // Where doctor reads them: the daemon's /tmp before 2.2.5 whatever TMPDIR says, TMPDIR after.
    const where = recordingFile(release, 'dumps/WHERE.txt');
    const kp = { pid: 1, tmpDirOnHost: '/run/node/tmpdir', slashTmpOnHost: '/run/node/slashtmp' };
    assert.equal(dumpDirOnHost(kp, release), /keepalived\.data: TMPDIR/.test(where) ? '/run/node/tmpdir' : '/run/node/slashtmp');
  });

  test(`keepalived ${release}: the config setup writes for it, accepted by our validator for it`, async () => {
    const answers = validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 's3cret51', routerId: 'rec-a', peers: ['192.0.2.22'] }, [
      { name: 'eth0', up: true, ipv4: ['192.0.2.21/24'], ipv6: [], default: true, loopback: false },
    ]);
    const text = renderConfig(
      buildKeepalivedConfig(answers, { checkScriptPath: '/etc/keepalived/check_nginx.sh', scriptUser: chooseScriptUser(release), unicastSrcIp: '192.0.2.21', keepalivedVersion: release }),
    );
    const { config, diagnostics } = await parseConfigText(text);
    assert.deepEqual(diagnostics, []);
    for (const k of keywordsInUse(config)) assert.ok(releaseKnowsKeyword(release, k.block, k.keyword), `${k.keyword} is known to ${release}`);
    assert.equal(/unicast_fault_no_peer/.test(text), releaseHas(release, 'unicastFaultNoPeer'));
    assert.equal(config.globalDefs!.scriptUser!.user, releaseHas(release, 'configTestSelfKill') ? 'root' : 'keepalived_script');
    assert.equal(config.vrrpScripts[0]!.weight, 0, 'FAULT: every release sends priority 0 on it');
    const errors = (await validateConfig(config, { release })).filter((f) => f.severity === 'error');
    assert.deepEqual(errors, []);
  });
}

// ---- doctor's verdicts on the recordings (the release x check table) ----------------------

let matrix: MatrixCell[] | null = null;
const cell = async (release: string, scenario: MatrixCell['scenario'], node: MatrixCell['node'], check: string) => {
  matrix ??= await releaseMatrix();
  return matrix.find((c) => c.release === release && c.scenario === scenario && c.node === node && c.check === check)!;
};

for (const release of RECORDED) {
  const old = !releaseHas(release, 'logPrefix2');
  const named = releaseHas(release, 'rateLimitedPacketLogs');
  test(`keepalived ${release}: doctor's verdicts from its logs, dumps and decodes`, async () => {
    // A password mismatch: the node that receives the other password sees it, on every release.
    const authB = await cell(release, 'auth', 'rec-b', 'peer-auth');
    assert.equal(authB.status, 'fail', authB.summary);
    if (named) assert.match(authB.summary, /192\.0\.2\.21/);
    // 1.3.5's backup stays silent (no split brain): the master hears nothing and is right to say ok.
    assert.equal((await cell(release, 'auth', 'rec-a', 'peer-auth')).status, old ? 'ok' : 'fail');
    for (const node of ['rec-a', 'rec-b'] as const) {
      const v = await cell(release, 'auth', node, 'vip-placement');
      assert.equal(v.status, old ? 'ok' : 'fail', v.summary);
      if (!old) assert.match(v.summary, /split brain.*different passwords/);
    }
    // The rogue of the VRID test uses another password: rec-b rejects it, 2.3.3+ names it.
    const vrid = await cell(release, 'vrid-conflict', 'rec-b', 'peer-auth');
    assert.equal(vrid.status, 'fail');
    if (named) assert.match(vrid.summary, /192\.0\.2\.23/);
    // advert_int 3 against 1 s: VRRPv2 drops the adverts.
    const adv = await cell(release, 'advert', 'rec-b', 'advert-interval');
    assert.equal(adv.status, 'fail', adv.summary);
    assert.match(adv.summary, named ? /from 192\.0\.2\.21: 1 s, ours 3 s/ : /1 s, ours 3 s/);
    // The dumps after the tests: counters of earlier auth errors, not a problem now.
    const dumps = await cell(release, 'dumps', 'rec-a', 'peer-auth');
    assert.equal(dumps.status, 'warn', dumps.summary);
    // The recorded tcpdump of the fault and of the stop, on rec-b: it took over, heard rec-a.
    for (const scenario of ['fault', 'stop'] as const) {
      assert.equal((await cell(release, scenario, 'rec-b', 'vip-placement')).status, 'warn');
      assert.equal((await cell(release, scenario, 'rec-b', 'multicast')).status, 'ok');
      assert.equal((await cell(release, scenario, 'rec-b', 'peer-auth')).status, 'ok');
      assert.equal((await cell(release, scenario, 'rec-b', 'advert-interval')).status, 'ok');
    }
    // A healthy start: nothing to say on either node.
    for (const node of ['rec-a', 'rec-b'] as const) {
      for (const check of ['peer-auth', 'vip-placement']) assert.equal((await cell(release, 'start', node, check)).status, 'ok', `${node} ${check}`);
    }
  });
}

test('2.4.3 masks the password in its data dump: peer-auth says it reads the running one from the wire', async () => {
  const { ctx } = await replayRecording('2.4.3', 'dumps', 'rec-a');
  const r = await peerAuth.run(ctx);
  assert.ok(r.details.some((d) => /print the password as \*{8} in their data dump/.test(d)), r.details.join('\n'));
  const older = await peerAuth.run((await replayRecording('2.3.4', 'dumps', 'rec-a')).ctx);
  assert.ok(!older.details.some((d) => /\*{8}/.test(d)));
});
