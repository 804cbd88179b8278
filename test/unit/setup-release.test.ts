// Learning the release before planning: on a fresh server keepalived is not installed when
// the plan is made, so setup asks the package manager which release it would install and
// plans the file for that release. yum/dnf cannot run here: a scripted exec answers as they
// do, and the test asserts the exact argv; apt-cache runs for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { LocalHost } from '../../src/host/local.js';
import { buildPlan } from '../../src/setup/plan.js';
import { plannedRelease } from '../../src/setup/release.js';
import { installForPlan } from '../../src/setup/steps.js';
import { validateAnswers } from '../../src/setup/answers.js';
import { candidateQuery, candidateRelease, parseCandidate, tarballVersion } from '../../src/keepalived/install/candidate.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { validateConfig } from '../../src/keepalived/validate.js';
import { OperationError } from '../../src/errors.js';
import { silentProgress } from '../../src/ui/progress.js';
import type { Facts } from '../../src/system/facts.js';
import { factsFor } from '../helpers/facts.js';
import { tempDir } from '../helpers/paths.js';
import { ScriptedHost } from '../helpers/scripted-host.js';

const notInstalled = { keepalived: { installed: false, path: null, version: null, running: false, pid: null, pids: [] } } as Partial<Facts>;
const answersFor = (facts: Facts, peers: string[] = ['192.0.2.12']) =>
  validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1', peers }, facts.interfaces);

/** What `yum info` / `dnf info` print for the keepalived their repositories carry. */
const yumInfo = (version: string, release: string) =>
  `Available Packages\nName        : keepalived\nArch        : x86_64\nVersion     : ${version}\nRelease     : ${release}\nSize        : 332 k\nRepo        : base/7/x86_64\nSummary     : Load balancer and high availability service\n`;
const dnfInfo = (version: string, release: string) =>
  `Available Packages\nName         : keepalived\nVersion      : ${version}\nRelease      : ${release}\nArchitecture : x86_64\nSize         : 537 k\nSource       : keepalived-${version}-${release}.src.rpm\nRepository   : appstream\n`;

const CASES = [
  { osRelease: 'centos7', manager: 'yum', answer: yumInfo('1.3.5', '19.el7'), release: '1.3.5' },
  { osRelease: 'rocky-8.10', manager: 'dnf', answer: dnfInfo('2.1.5', '11.el8_10'), release: '2.1.5' },
  { osRelease: 'rocky9', manager: 'dnf', answer: dnfInfo('2.2.8', '4.el9'), release: '2.2.8' },
] as const;

for (const c of CASES) {
  test(`${c.osRelease}: the plan is made for keepalived ${c.release}, the release ${c.manager} would install`, async () => {
    const root = tempDir();
    try {
      const host = new ScriptedHost(root, (argv) => (argv[0] === c.manager ? { stdout: c.answer } : undefined));
      const facts = factsFor(c.osRelease, notInstalled);
      const release = await plannedRelease(host, facts, { method: 'package', source: null }, false);
      assert.deepEqual(host.calls, [[c.manager, '--quiet', 'info', 'keepalived']]);
      assert.deepEqual(release, { version: c.release, source: 'package-manager' });

      const plan = await buildPlan(host, facts, answersFor(facts), { filesOnly: false, installMethod: 'package', installSource: null, release });
      assert.equal(plan.steps[0]!.kind, 'install');
      assert.deepEqual(plan.release, release);
      const { config } = await parseConfigText(plan.files.config);
      const vi = config.vrrpInstances[0]!;
      // Keywords only where the release has them; the fastest failover it allows: FAULT (weight 0).
      assert.equal(vi.extra.some((s) => s.keyword === 'unicast_fault_no_peer'), c.release === '2.2.8', 'unicast_fault_no_peer from 2.2.5');
      assert.equal(config.vrrpScripts[0]!.weight, 0);
      assert.equal(config.globalDefs!.scriptUser!.user, 'keepalived_script');
      assert.ok(plan.steps.some((s) => s.kind === 'exec' && s.argv[0] === 'useradd'), 'the check user is created before keepalived runs');
      // Our validator for that release accepts the file.
      assert.deepEqual((await validateConfig(config, { release: c.release })).filter((f) => f.severity === 'error'), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('when the package manager cannot say, the release the distribution is known to ship, said as such', async () => {
  const host = new ScriptedHost('/', (argv) => (argv[0] === 'yum' ? { exitCode: 1, stderr: 'Could not retrieve mirrorlist http://mirrorlist.centos.org' } : undefined));
  const facts = factsFor('centos7', notInstalled);
  assert.deepEqual(await plannedRelease(host, facts, { method: 'package', source: null }, false), { version: '1.3.5', source: 'distro-table' });
  // Kylin V10: no source names its release: unknown, and the file is written for every release.
  const kylin = factsFor('kylin-v10', notInstalled);
  assert.deepEqual(await plannedRelease(new ScriptedHost('/', () => ({ exitCode: 1 })), kylin, { method: 'package', source: null }, false), { version: null, source: null });
});

test('a source install is planned for the tarball\'s version; files for another machine (--root) for none', async () => {
  const facts = factsFor('centos7', notInstalled);
  const host = new ScriptedHost('/', () => undefined);
  assert.deepEqual(await plannedRelease(host, facts, { method: 'source', source: '/root/keepalived-2.1.5.tar.gz' }, false), { version: '2.1.5', source: 'tarball' });
  assert.deepEqual(await plannedRelease(host, facts, { method: 'package', source: null }, true), { version: null, source: null });
  assert.deepEqual(host.calls, [], 'nothing asked');
  assert.equal(tarballVersion('https://www.keepalived.org/software/keepalived-2.2.8.tar.gz'), '2.2.8');
  assert.equal(tarballVersion('/var/cache/keepalived_2.3.3.orig.tar.gz'), '2.3.3');
  assert.equal(tarballVersion('/tmp/mybuild.tar.gz'), null);
});

test('an installed keepalived is what the plan is made for (nothing asked)', async () => {
  const host = new ScriptedHost('/', () => undefined);
  const facts = factsFor('rocky9');
  assert.deepEqual(await plannedRelease(host, facts, { method: 'package', source: null }, false), { version: '2.2.8', source: 'installed' });
  assert.deepEqual(host.calls, []);
});

test('the package managers\' answers, each parsed: apt epoch and revision, zypper release, apk policy', () => {
  assert.equal(parseCandidate('apt', 'keepalived:\n  Installed: (none)\n  Candidate: 1:2.2.7-1+b2\n  Version table:\n'), '2.2.7');
  assert.equal(parseCandidate('apt', 'keepalived:\n  Installed: (none)\n  Candidate: (none)\n'), null);
  assert.equal(parseCandidate('dnf', 'Installed Packages\nName : keepalived\nVersion : 2.2.4\n\nAvailable Packages\nName : keepalived\nVersion : 2.2.8\n'), '2.2.8');
  assert.equal(parseCandidate('zypper', 'Information for package keepalived:\n---\nName           : keepalived\nVersion        : 2.2.8-150600.1.2\n'), '2.2.8');
  assert.equal(parseCandidate('apk', 'keepalived policy:\n  2.2.8-r0:\n    https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n'), '2.2.8');
  assert.deepEqual(candidateQuery('zypper'), ['zypper', '--non-interactive', '--quiet', 'info', 'keepalived']);
});

test('apt-cache policy on this machine (for real) names the release apt would install', async () => {
  const expected = /Keepalived v(\S+)/.exec(execFileSync('keepalived', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) || '')?.[1];
  const c = await candidateRelease(new LocalHost('/'), { packageManager: 'apt', keepalivedRelease: null }, { method: 'package', source: null });
  assert.equal(c.source, 'package-manager');
  assert.deepEqual(c.argv, ['apt-cache', 'policy', 'keepalived']);
  // Debian 12's keepalived is installed here: its candidate is the installed 2.2.7.
  if (expected) assert.equal(c.version, expected);
  else assert.match(c.version ?? '', /^\d+\.\d+\.\d+$/);
});

test('an install that brings another release than planned, needing another file, stops before any file is written', async () => {
  const root = tempDir();
  try {
    const facts = factsFor('centos7', notInstalled);
    const answers = answersFor(facts);
    const opts = { filesOnly: false, installMethod: 'package' as const, installSource: null };
    // Planned for 1.3.5 (no unicast_fault_no_peer), but yum brought 2.2.8 (which has it).
    const host = new ScriptedHost(root, (argv) => (argv[0] === 'keepalived' || argv[0].endsWith('/keepalived') ? { stderr: 'Keepalived v2.2.8 (05/31,2023)\n' } : {}));
    const plan = await buildPlan(host, facts, answers, { ...opts, release: { version: '1.3.5', source: 'package-manager' } });
    const replan = (version: string | null) => buildPlan(host, facts, answers, { ...opts, release: { version, source: 'installed' } });
    await assert.rejects(installForPlan(host, facts.distro, { method: 'package', source: null }, plan, replan, silentProgress()), (e: unknown) => {
      assert.ok(e instanceof OperationError);
      assert.match((e as Error).message, /the install brought keepalived 2\.2\.8, but the configuration was planned for 1\.3\.5/);
      return true;
    });
    assert.ok(host.calls.some((a) => a.join(' ') === 'yum install -y keepalived'));
    // The same release, or one that gives the same file: nothing to say.
    const same = await buildPlan(host, facts, answers, { ...opts, release: { version: '2.2.8', source: 'package-manager' } });
    await installForPlan(host, facts.distro, { method: 'package', source: null }, same, replan, silentProgress());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
