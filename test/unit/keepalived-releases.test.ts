// The one table of what each release can do (releases.ts), held against what each recorded
// release printed and did (../shared/reference/keepalived-recordings, read in place).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELEASE_FEATURES, compareReleases, configTestExitCodes, keywordSince, releaseHas, releaseKnowsKeyword, type ReleaseFeature } from '../../src/keepalived/releases.js';
import { acceptsOption, parseBuildOptions, parseHelpOptions } from '../../src/keepalived/binary.js';
import { parseKeepalivedVersion } from '../../src/keepalived/version.js';
import { RECORDED, configTestCases, hasRecordingFile, logWindows, recordedOutput, recordingFile } from '../helpers/recordings.js';

const logText = (release: string, name: string) => logWindows(release, name).flatMap((w) => Object.values(w.nodes).flat()).join('\n');

for (const release of RECORDED) {
  test(`keepalived ${release}: the table agrees with what the release printed and did`, () => {
    const has = (f: ReleaseFeature) => releaseHas(release, f);
    const help = parseHelpOptions(recordedOutput(release, 'help.txt').stderr);
    const opts = { longOptions: help.long, shortOptions: help.short };
    assert.equal(parseKeepalivedVersion(recordedOutput(release, 'version.txt').stderr), release);

    // Options, from --help.
    assert.equal(has('configTest'), acceptsOption(opts, 't'), '-t');
    assert.equal(has('configTestAllConfig'), acceptsOption(opts, 'e'), '-e');
    assert.equal(has('noSyslogOption'), acceptsOption(opts, 'no-syslog'), '--no-syslog');
    assert.equal(has('signum'), acceptsOption(opts, 'signum'), '--signum');
    assert.equal(has('defaultConfigUnderPrefix'), help.defaultConfig?.startsWith('<PREFIX-') ?? false, 'default config');

    // keepalived -t: the exit code of a config error (case b), the crash on an unclosed block (case e).
    const { cases, allConfig } = configTestCases(release);
    if (has('configTest')) {
      const byCase = Object.fromEntries(cases.map((c) => [c.case, c]));
      assert.equal(byCase.a!.exitCode, 0);
      assert.equal(byCase.b!.exitCode, configTestExitCodes(release).config);
      assert.equal(byCase.e!.exitCode === 139, has('configTestCrashOnUnclosedBlock'), 'SIGSEGV on case e');
      assert.equal(allConfig!.exitCode === 0, has('configTestAllConfig'));
      if (!has('configTestAllConfig')) assert.match(allConfig!.stderr, /Unknown option -e/);
    } else {
      assert.match(recordingFile(release, 'configtest.txt'), /^no -t/);
    }

    // Logs.
    const all = ['start.log', 'fault.log', 'auth.log', 'vrid-conflict.log', 'advert.log', 'stop.log'].map((f) => logText(release, f)).join('\n');
    assert.equal(has('logPrefix2'), !/VRRP_Instance\(VI_1\)/.test(all), 'log prefix');
    assert.equal(has('bogusPacketLog'), /bogus VRRP packet received on eth0 !!!/.test(all), 'bogus packet line');
    assert.equal(has('rateLimitedPacketLogs'), /received an invalid passwd from \d/.test(all), 'sender in packet errors');
    assert.equal(has('masterSetLog'), /\(VI_1\) master set to /.test(all), 'master set to');
    assert.equal(has('consoleTimestamps'), /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: Starting Keepalived/m.test(logText(release, 'start.log')), 'console times');
    assert.equal(has('defaultScriptUserWarning'), /Unable to resolve default script username 'keepalived_script'/.test(all));
    const fault = logText(release, 'fault.log');
    assert.equal(has('faultPriorityZeroLogged'), /\(VI_1\) sent 0 priority/.test(fault), 'sent 0 priority');
    assert.equal(has('masterAfterTransitionAdvert'), /Transition to MASTER STATE/.test(fault), 'Transition to MASTER');
    assert.equal(has('scriptReturningLog'), /Script `chk` now returning 1/.test(fault));

    // What FAULT sends: 1.x one priority-0 advert, 2.x two.
    const zeros = (recordingFile(release, 'fault-wire.txt').match(/prio 0,/g) ?? []).length;
    assert.equal(zeros, has('faultPriorityZeroLogged') ? 2 : 1);

    // Dumps: where, which mode, the password.
    const where = recordingFile(release, 'dumps/WHERE.txt');
    assert.equal(has('dumpsHonourTmpdir'), /keepalived\.data: TMPDIR/.test(where), 'dump dir');
    assert.equal(has('dumpsWorldReadable'), /keepalived\.data: .*mode 666/.test(where), 'dump mode');
    assert.equal(has('parentDataDump'), hasRecordingFile(release, 'dumps/keepalived_parent.data'));
    assert.equal(has('passwordMaskedInDumps'), /Password = \*{8}/.test(recordingFile(release, 'dumps/keepalived.data')));
    // Build options (BFD, JSON) are the binary's, not the release's: only Debian's 2.2.7 has JSON.
    assert.equal(parseBuildOptions(recordedOutput(release, 'version.txt').stderr).has('JSON'), release === '2.2.7');
  });
}

test('an unknown release has none of the version-bound features, and every keyword', () => {
  for (const f of Object.keys(RELEASE_FEATURES) as ReleaseFeature[]) assert.equal(releaseHas(null, f), false, f);
  assert.equal(releaseHas('not a version', 'configTest'), false);
  assert.equal(releaseKnowsKeyword(null, 'vrrp_instance', 'unicast_fault_no_peer'), true);
});

test('keywords by release, from keepalived\'s parsers at each tag', () => {
  assert.equal(keywordSince('vrrp_instance', 'unicast_fault_no_peer'), '2.2.5');
  assert.equal(releaseKnowsKeyword('2.2.4', 'vrrp_instance', 'unicast_fault_no_peer'), false);
  assert.equal(releaseKnowsKeyword('2.2.5', 'vrrp_instance', 'unicast_fault_no_peer'), true);
  // What ha-setup writes is known to 1.3.5 (no entry: every release has it).
  for (const k of ['state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'nopreempt', 'unicast_src_ip', 'unicast_peer', 'track_script', 'garp_master_refresh', 'smtp_alert']) {
    assert.equal(keywordSince('vrrp_instance', k), null, k);
  }
  for (const k of ['router_id', 'enable_script_security', 'script_user', 'notification_email', 'smtp_server']) assert.equal(keywordSince('global_defs', k), null, k);
  // smtp_alert is old in vrrp_instance but new in global_defs: blocks are kept apart.
  assert.equal(keywordSince('global_defs', 'smtp_alert'), '2.0.0');
});

test('releases compare as numbers, not text', () => {
  assert.ok(compareReleases('2.0.20', '2.0.4') > 0);
  assert.ok(compareReleases('1.3.5', '2.0.0') < 0);
  assert.equal(compareReleases('2.2.7', '2.2.7'), 0);
  assert.equal(releaseHas('2.0.10', 'dumpsWorldReadable'), false);
  assert.equal(releaseHas('2.0.8', 'dumpsWorldReadable'), true);
});
