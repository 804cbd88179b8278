// How a file is checked on each release: the argv of `keepalived -t` (with -e only from
// 2.2.0), our own existence check where -e is missing, the classification of every recorded
// configtest case a-e (what each release really printed and exited with, replayed through
// the real code), 2.1.5's SIGSEGV, and 1.3.5: our validator and a dry start, whose output is
// read like the 1.3.5 recording. The dry start itself runs for real with Debian's keepalived.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTest } from '../../src/keepalived/config-test.js';
import { blockingProblems, checkConfigFile } from '../../src/keepalived/check-file.js';
import { classifyDryStart, dryStart, dryStartArgv } from '../../src/keepalived/dry-start.js';
import { releaseHas } from '../../src/keepalived/releases.js';
import { LocalHost } from '../../src/host/local.js';
import { NetnsHost } from '../../src/host/netns.js';
import { createNetns, deleteNetns } from './keepalived-netns.js';
import { setLang } from '../../src/i18n/index.js';
import { RECORDED, configTestCases, recordedOutput, recordingConfig, recordingFile, type ConfigCase } from '../helpers/recordings.js';
import { ScriptedHost } from '../helpers/scripted-host.js';
import { tempDir } from '../helpers/paths.js';

setLang('en');
const root = tempDir('ka-checkfile-');
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'etc/keepalived'), { recursive: true });

/** The files of the configtest cases, as README.md describes them. */
function caseFile(c: ConfigCase): string {
  const a = recordingConfig({ node: 'rec-a' });
  if (c === 'b') return a.replace('auth_pass s3cret51', 'auth_pass s3cret51abcd');
  if (c === 'c') return a.replace('    priority 150\n', '    priority 150\n    foo bar\n');
  if (c === 'd') return a.replace('virtual_router_id 51', 'virtual_router_id 300');
  if (c === 'e') return a.replace(/\}\n$/, '');
  return a;
}

/** A host whose keepalived is the recorded release: -v and -t answer as that release did. */
function recordedHost(release: string) {
  const cases = Object.fromEntries(configTestCases(release).cases.map((c) => [c.case, c]));
  return new ScriptedHost(root, (argv) => {
    if (argv[0] !== 'keepalived') return undefined;
    if (argv[1] === '-v') return { stderr: recordedOutput(release, 'version.txt').stderr };
    if (argv.includes('-e') && !releaseHas(release, 'configTestAllConfig')) return { exitCode: 1, stderr: 'Unknown option -e\n' };
    const file = argv[argv.length - 1]!;
    const c = cases[/case-([a-e])\.conf$/.exec(file)![1]!]!;
    // A command killed by a signal: what execa reports for SIGSEGV (exit 139 in a shell).
    if (c.exitCode === 139) return { exitCode: -1, signal: 'SIGSEGV', stderr: c.stderr };
    return { exitCode: c.exitCode, stdout: c.stdout, stderr: c.stderr };
  });
}

const EXPECTED: Record<ConfigCase, { outcome: string; texts: RegExp[] }> = {
  a: { outcome: 'ok', texts: [] },
  b: { outcome: 'problems', texts: [/Truncating auth_pass to 8 characters/] },
  c: { outcome: 'problems', texts: [/Unknown keyword 'foo'/] },
  d: { outcome: 'problems', texts: [/number '300' outside range \[1, 255\]/, /the virtual router id must be set/] },
  e: { outcome: 'problems', texts: [/There are 1 missing '\}'s or extra '\{'s/] },
};

for (const release of RECORDED.filter((r) => releaseHas(r, 'configTest'))) {
  test(`keepalived ${release} -t: argv and the classification of the recorded cases a-e`, async () => {
    for (const c of ['a', 'b', 'c', 'd', 'e'] as const) {
      const path = `/etc/keepalived/case-${c}.conf`;
      writeFileSync(join(root, path), caseFile(c));
      const host = recordedHost(release);
      const r = await configTest(host, path);
      const real = join(root, path);
      assert.deepEqual(host.calls.at(-1), releaseHas(release, 'configTestAllConfig') ? ['keepalived', '-t', '-e', '-f', real] : ['keepalived', '-t', '-f', real]);
      const crashed = c === 'e' && releaseHas(release, 'configTestCrashOnUnclosedBlock');
      assert.equal(r.outcome, crashed ? 'crashed' : EXPECTED[c].outcome, `case ${c}`);
      for (const text of EXPECTED[c].texts) assert.ok(r.findings.some((f) => text.test(f.raw)), `case ${c}: ${text}`);
      if (crashed) {
        assert.equal(r.exitCode, 139);
        assert.match(r.findings.find((f) => f.rule === 'keepalived-t-crashed')!.message, /keepalived 2\.1\.5 -t died of SIGSEGV \(exit 139\): this release does so when a block is never closed/);
      }
      // What setup does with it: only (a) may be written.
      assert.equal(blockingProblems({ method: 'keepalived-t', release, outcome: r.outcome, findings: r.findings, notes: [], output: r.stderr, exitCode: r.exitCode }) === null, c === 'a', `case ${c} blocks`);
    }
  });
}

test('2.0.x/2.1.x: a missing file is found by us (without -e, -t would pass it) and -t is not run', async () => {
  for (const release of ['2.0.20', '2.1.5']) {
    const host = recordedHost(release);
    const r = await configTest(host, '/etc/keepalived/nowhere.conf');
    assert.equal(r.outcome, 'fatal');
    assert.match(r.findings[0]!.message, new RegExp(`/etc/keepalived/nowhere.conf does not exist \\(keepalived ${release.replace(/\./g, '\\.')} has no -e`));
    assert.deepEqual(host.calls, [['keepalived', '-v']]);
  }
});

test('1.3.5 dry start: the recorded daemon runs of cases a-e read as the recording says', () => {
  const want: Record<ConfigCase, string> = { a: 'ok', b: 'problems', c: 'problems', d: 'fatal', e: 'problems' };
  for (const c of configTestCases('1.3.5').cases) {
    const r = classifyDryStart(c.stderr, '1.3.5');
    assert.equal(r.outcome, want[c.case], `case ${c.case}: ${JSON.stringify(r.findings.map((f) => f.rule))}`);
    if (c.case === 'b') assert.deepEqual(r.findings.map((f) => [f.severity, f.raw]), [['warning', 'Truncating auth_pass to 8 characters']]);
    if (c.case === 'c') assert.deepEqual(r.findings.map((f) => [f.severity, f.raw]), [['warning', "Unknown keyword 'foo'"]]);
    if (c.case === 'd') assert.ok(r.findings.some((f) => f.rule === 'dry-start-exit' && /refused the file and its VRRP process exited \(CONFIG\)/.test(f.message)));
    if (c.case === 'e') assert.deepEqual(r.findings.map((f) => f.rule), ['dry-start-no-instance']);
  }
});

test('2.1.5 run as a daemon on case (e): the VRRP child\'s segfault is a crash', () => {
  const text = recordingFile('2.1.5', 'configtest-e-repro.txt');
  const daemon = text.slice(text.indexOf('##### 2.'));
  assert.equal(classifyDryStart(daemon, '2.1.5').outcome, 'crashed');
});

test('1.3.5 through checkConfigFile: our validator first, then the dry start, with the exact argv', async () => {
  const path = '/etc/keepalived/keepalived.conf';
  // The check script exists on the node (setup writes it before the config).
  writeFileSync(join(root, 'etc/keepalived/check.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(root, path), caseFile('c').replace('<WORK>/check.sh', '/etc/keepalived/check.sh'));
  const recorded = configTestCases('1.3.5').cases.find((c) => c.case === 'c')!;
  const host = new ScriptedHost(root, (argv) => {
    if (argv[0] === 'keepalived' && argv[1] === '-v') return { stderr: recordedOutput('1.3.5', 'version.txt').stderr };
    if (argv[0] === 'mktemp') return { stdout: '/tmp/ha-setup-dry.AbCdEf\n' };
    if (argv[0] === 'ip' && argv[1] === 'netns' && argv[2] === 'exec') return { exitCode: -1, timedOut: true, stderr: recorded.stderr };
    if (argv[0] === 'ip' && argv[1] === 'netns' && argv[2] === 'pids') return { stdout: '' };
    return {};
  });
  const r = await checkConfigFile(host, path, { interfaces: [{ name: 'eth0', ipv4: ['192.0.2.21/24'], ipv6: [] }] });
  assert.equal(r.method, 'dry-start');
  assert.equal(r.outcome, 'problems');
  assert.match(r.notes[0]!, /keepalived 1\.3\.5 has no -t: the file is checked with ha-setup's validator for 1\.3\.5 and a short dry start/);
  const ns = host.calls.find((a) => a[0] === 'ip' && a[2] === 'add')![3]!;
  assert.match(ns, /^ha-setup-dry-\d+-\d+$/);
  assert.deepEqual(host.calls, [
    ['keepalived', '-v'],
    ['ip', 'netns', 'add', ns],
    ['ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'hsd0'],
    ['ip', '-n', ns, 'addr', 'add', '192.0.2.21/24', 'dev', 'eth0'],
    ['ip', '-n', ns, 'link', 'set', 'hsd0', 'up'],
    ['ip', '-n', ns, 'link', 'set', 'eth0', 'up'],
    ['mktemp', '-d', '/tmp/ha-setup-dry.XXXXXX'],
    // No --no-syslog in 1.3.5 (its --help has none): /dev/log is covered instead.
    ['ip', 'netns', 'exec', ns, 'env', 'TMPDIR=/tmp/ha-setup-dry.AbCdEf', 'sh', '-c', 'mount --bind /dev/null /dev/log 2>/dev/null; exec "$@"', 'sh',
      'keepalived', '-f', join(root, path), '--dont-fork', '--log-console', '--log-detail', '--vrrp',
      '-p', '/tmp/ha-setup-dry.AbCdEf/keepalived.pid', '-r', '/tmp/ha-setup-dry.AbCdEf/vrrp.pid', '-c', '/tmp/ha-setup-dry.AbCdEf/checkers.pid'],
    ['ip', 'netns', 'pids', ns],
    ['ip', 'netns', 'delete', ns],
    ['rm', '-rf', '/tmp/ha-setup-dry.AbCdEf'],
  ]);
  assert.deepEqual(blockingProblems(r), ["Unknown keyword 'foo'"]);
  // A VRID out of range never reaches the dry start: our validator for 1.3.5 refuses it.
  writeFileSync(join(root, path), caseFile('d'));
  const v = await checkConfigFile(new ScriptedHost(root, (argv) => (argv[1] === '-v' ? { stderr: recordedOutput('1.3.5', 'version.txt').stderr } : {})), path);
  assert.equal(v.method, 'validator');
  assert.equal(v.outcome, 'problems');
  assert.match(blockingProblems(v)!.join('\n'), /virtual_router_id 300 is outside 1-255/);
});

test('the dry start argv has --no-syslog only where the release has it', () => {
  assert.ok(!dryStartArgv('keepalived', '/f', '/d', '1.3.5').includes('--no-syslog'));
  assert.ok(dryStartArgv('keepalived', '/f', '/d', '2.0.20').includes('--no-syslog'));
});

// ---- for real: Debian's keepalived in a throw-away namespace --------------------------------

// Only this process's namespaces: another run on the machine may make and remove its own meanwhile.
const netnsList = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`ha-setup-dry-${process.pid}-`));
const dryDirs = () => readdirSync('/tmp').filter((n) => n.startsWith('ha-setup-dry.'));

test('a real dry start: a valid file runs, a VRID out of range is refused, nothing is left behind', async () => {
  const host = new LocalHost('/');
  const dir = tempDir('ka-dry-');
  try {
    const valid = recordingConfig({ node: 'rec-a' }).replace('<WORK>/check.sh', '/bin/true');
    writeFileSync(join(dir, 'a.conf'), valid);
    writeFileSync(join(dir, 'd.conf'), valid.replace('virtual_router_id 51', 'virtual_router_id 300'));
    const before = { ns: netnsList(), dirs: dryDirs() };
    const opts = { release: '2.2.7', interfaces: [{ name: 'eth0', addresses: ['192.0.2.21/24'] }], durationMs: 2500 };
    const a = await dryStart(host, join(dir, 'a.conf'), opts);
    assert.equal(a.ran, true, a.reason ?? '');
    assert.equal(a.outcome, 'ok', a.output);
    assert.match(a.output, /\(VI_1\) Entering (BACKUP|MASTER) STATE/);
    const d = await dryStart(host, join(dir, 'd.conf'), opts);
    assert.equal(d.outcome, 'fatal', d.output);
    assert.ok(d.findings.some((f) => /number '300' outside range/.test(f.raw)));
    assert.deepEqual({ ns: netnsList(), dirs: dryDirs() }, before, 'no namespace, no pid-file directory left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the 2.2.7 recording against the 2.2.7 that runs here: the same exit code and the same words for every case a-e', async (t) => {
  // keepalived -v prints on stderr.
  const here = /Keepalived v(\S+)/.exec(execFileSync('sh', ['-c', 'keepalived -v 2>&1'], { encoding: 'utf8' }))?.[1];
  if (here !== '2.2.7') {
    t.skip(`keepalived ${here} here, the recording is of 2.2.7`);
    return;
  }
  const dir = tempDir('ka-rec227-');
  // The recording ran in rec-a, whose eth0 exists: a namespace with an eth0 that reaches nothing.
  const ns = createNetns('rec227', 'eth0');
  try {
    writeFileSync(join(dir, 'check.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    for (const c of configTestCases('2.2.7').cases) {
      const file = join(dir, `case-${c.case}.conf`);
      writeFileSync(file, caseFile(c.case).replace('<WORK>/check.sh', join(dir, 'check.sh')));
      const r = await new NetnsHost(ns, '/').exec('keepalived', ['-t', '-f', file]);
      const words = (s: string) => s.split('\n').filter(Boolean).map((l) => l.replace(/\([^):]*: Line/, '(FILE: Line'));
      assert.equal(r.exitCode, c.exitCode, `case ${c.case}`);
      assert.deepEqual(words(r.stderr), words(c.stderr), `case ${c.case}`);
    }
  } finally {
    deleteNetns(ns);
    rmSync(dir, { recursive: true, force: true });
  }
});
