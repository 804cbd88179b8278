import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { PlanHost } from '../../src/host/plan.js';
import type { ExecOptions, ExecResult } from '../../src/host/types.js';
import { OperationError, UserError } from '../../src/errors.js';
import {
  aptListsNeedRefresh,
  configureCommand,
  installKeepalived,
  isLiveInstall,
  planBuildDependencies,
  planPackageInstall,
  quirkConfigureArgs,
  quirksFor,
  sourceLayout,
  validateInstallFlags,
  type InstallDistro,
} from '../../src/keepalived/install/index.js';
import { silentProgress } from '../../src/ui/progress.js';
import { tempDir as makeTempDir } from '../helpers/paths.js';

const made: string[] = [];
const tempDir = () => {
  const d = makeTempDir();
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const argv = (steps: Array<{ cmd: string; args: string[] }>) => steps.map((s) => [s.cmd, ...s.args]);
const rhelYum: InstallDistro = { family: 'rhel', packageManager: 'yum' };
const rhelDnf: InstallDistro = { family: 'rhel', packageManager: 'dnf' };
const debian: InstallDistro = { family: 'debian', packageManager: 'apt' };
const suse: InstallDistro = { family: 'suse', packageManager: 'zypper' };
const alpine: InstallDistro = { family: 'alpine', packageManager: 'apk' };

test('package install: the exact argv per package manager', () => {
  assert.deepEqual(argv(planPackageInstall(rhelYum)), [['yum', 'install', '-y', 'keepalived']]);
  assert.deepEqual(argv(planPackageInstall(rhelDnf)), [['dnf', 'install', '-y', 'keepalived']]);
  assert.deepEqual(argv(planPackageInstall(suse)), [['zypper', '--non-interactive', 'install', 'keepalived']]);
  assert.deepEqual(argv(planPackageInstall(alpine)), [['apk', 'add', 'keepalived']]);
  assert.deepEqual(argv(planPackageInstall(debian)), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'keepalived']]);
  assert.deepEqual(argv(planPackageInstall(debian, { refreshLists: false })), [['apt-get', 'install', '-y', 'keepalived']]);
  for (const step of planPackageInstall(debian)) assert.deepEqual(step.env, { DEBIAN_FRONTEND: 'noninteractive' });
  assert.deepEqual(planPackageInstall({ family: 'other', packageManager: null }), []);
});

test('build dependencies: the exact argv per package manager, optional packages apart', () => {
  const rhelRequired = ['gcc', 'make', 'openssl-devel', 'libnl3-devel', 'pkgconfig'];
  const rhelOptional = ['ipset-devel', 'iptables-devel', 'libnfnetlink-devel'];
  assert.deepEqual(argv(planBuildDependencies(rhelYum)), [
    ['yum', 'install', '-y', ...rhelRequired],
    ['yum', 'install', '-y', ...rhelOptional],
  ]);
  assert.deepEqual(argv(planBuildDependencies(rhelDnf)), [
    ['dnf', 'install', '-y', ...rhelRequired],
    ['dnf', 'install', '-y', ...rhelOptional],
  ]);
  assert.deepEqual(argv(planBuildDependencies(debian, { refreshLists: false })), [
    ['apt-get', 'install', '-y', 'build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev', 'libnl-route-3-dev'],
    ['apt-get', 'install', '-y', 'libipset-dev', 'libxtables-dev', 'libip4tc-dev', 'libip6tc-dev', 'libnfnetlink-dev'],
  ]);
  assert.deepEqual(argv(planBuildDependencies(debian))[0], ['apt-get', 'update']);
  assert.deepEqual(argv(planBuildDependencies(suse)), [['zypper', '--non-interactive', 'install', 'gcc', 'make', 'libopenssl-devel', 'libnl3-devel', 'pkg-config']]);
  assert.deepEqual(argv(planBuildDependencies(alpine)), [['apk', 'add', 'build-base', 'linux-headers', 'openssl-dev', 'libnl3-dev', 'pkgconf']]);
  const steps = planBuildDependencies(rhelDnf);
  assert.deepEqual(steps.map((s) => Boolean(s.optional)), [false, true]);
  // Never the old libnl 1 package the blogs recommend.
  for (const s of [...planBuildDependencies(rhelYum), ...planBuildDependencies(debian)]) assert.ok(!s.args.includes('libnl-devel') && !s.args.includes('libnl-dev'));
  // An unknown family still gets the list its package manager speaks.
  assert.deepEqual(argv(planBuildDependencies({ family: 'other', packageManager: 'dnf' })), argv(planBuildDependencies(rhelDnf)));
  assert.deepEqual(planBuildDependencies({ family: 'other', packageManager: null }), []);
});

test('apt lists are refreshed when empty or older than a day', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  assert.equal(await aptListsNeedRefresh(host), true);
  mkdirSync(join(root, 'var/lib/apt/lists'), { recursive: true });
  const index = join(root, 'var/lib/apt/lists/deb.example_debian_dists_bookworm_main_binary-amd64_Packages');
  writeFileSync(index, 'Package: keepalived\n');
  assert.equal(await aptListsNeedRefresh(host), false);
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(index, twoDaysAgo, twoDaysAgo);
  assert.equal(await aptListsNeedRefresh(host), true);
});

function tarball(): string {
  const dir = tempDir();
  const file = join(dir, 'keepalived-2.1.5.tar.gz');
  writeFileSync(file, 'not read by validation');
  return file;
}

test('bad flags are UserErrors naming the flag, the value and what is accepted', () => {
  const src = tarball();
  const cases: Array<[Parameters<typeof validateInstallFlags>[0], string, RegExp]> = [
    [{ method: 'rpm' }, '--method', /Accepted: package, source\./],
    [{ method: 'source' }, '--source', /tarball/],
    [{ source: '/no/such/keepalived-2.1.5.tar.gz' }, '--source', /no such file/],
    [{ source: src, sha256: 'abc123' }, '--sha256', /64 hexadecimal digits/],
    [{ source: src, sha256: 'g'.repeat(64) }, '--sha256', /64 hexadecimal digits/],
    [{ source: src, prefix: 'opt/keepalived' }, '--prefix', /absolute directory/],
    [{ source: src, prefix: '/' }, '--prefix', /absolute directory/],
    [{ method: 'package', prefix: '/opt/ka' }, '--prefix', /only together with --method source/],
    [{ source: src, jobs: 'many' }, '--jobs', /1-1024/],
  ];
  for (const [flags, field, accepted] of cases) {
    assert.throws(
      () => validateInstallFlags(flags),
      (e: unknown) => e instanceof UserError && e.field === field && accepted.test(e.message),
      `${JSON.stringify(flags)} -> ${field}`,
    );
  }
  const ok = validateInstallFlags({ source: src, sha256: 'A'.repeat(64), prefix: '/opt/ka/' });
  assert.deepEqual(ok, { method: 'source', source: src, sha256: 'a'.repeat(64), prefix: '/opt/ka', skipDependencies: false, jobs: undefined });
  assert.equal(validateInstallFlags({}).method, 'package');
  assert.equal(validateInstallFlags({ source: 'https://example.org/keepalived-2.2.8.tar.gz' }).source, 'https://example.org/keepalived-2.2.8.tar.gz');
});

test('live install = default prefix or /usr, and root "/"; anything else is staged', () => {
  assert.equal(isLiveInstall(undefined, '/'), true);
  assert.equal(isLiveInstall('/usr/local/keepalived', '/'), true);
  assert.equal(isLiveInstall('/usr', '/'), true);
  assert.equal(isLiveInstall('/tmp/tmp.X', '/'), false);
  assert.equal(isLiveInstall(undefined, '/mnt/image'), false);
  assert.deepEqual(configureCommand(sourceLayout({ prefix: '/tmp/p' }, '/')).args, [
    '--prefix=/tmp/p',
    '--sysconfdir=/tmp/p/etc',
    '--with-systemdsystemunitdir=/tmp/p/lib/systemd/system',
  ]);
  assert.deepEqual(configureCommand(sourceLayout({}, '/'), quirkConfigureArgs(quirksFor('2.1.5'), {})).args, [
    '--prefix=/usr/local/keepalived',
    '--sysconfdir=/etc',
    '--with-systemdsystemunitdir=/usr/local/keepalived/lib/systemd/system',
    'CPPFLAGS=-D_GNU_SOURCE -include netinet/in.h -include net/if.h',
  ]);
  assert.equal(sourceLayout({ prefix: '/usr' }, '/').unitDir, '/usr/share/keepalived/systemd');
});

test('dry run of a staged source install under --root lists every phase and changes nothing', async () => {
  const root = tempDir();
  const src = tarball();
  const plan = new PlanHost(new LocalHost(root));
  const result = await installKeepalived(plan, debian, { method: 'source', source: src, prefix: '/opt/ka', jobs: 4 }, silentProgress());
  const commands = plan.actions.map((a) => (a.kind === 'exec' ? a.command : [a.kind, 'path' in a ? a.path : '']));
  assert.deepEqual(commands, [
    ['mktemp', '-d', '/var/tmp/ha-setup-build.XXXXXX'],
    // the tarball is staged onto the node (here the --root host) and unpacked there
    ['sh', '-c', 'base64 -d > "$1"', 'sh', '/var/tmp/ha-setup-build.XXXXXX/keepalived-2.1.5.tar.gz'],
    ['tar', '-xzf', '/var/tmp/ha-setup-build.XXXXXX/keepalived-2.1.5.tar.gz', '-C', '/var/tmp/ha-setup-build.XXXXXX', '--strip-components=1'],
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', 'build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev', 'libnl-route-3-dev'],
    ['apt-get', 'install', '-y', 'libipset-dev', 'libxtables-dev', 'libip4tc-dev', 'libip6tc-dev', 'libnfnetlink-dev'],
    ['pkg-config', '--exists', 'libnl-3.0'],
    ['pkg-config', '--exists', 'libnl-1'],
    // keepalived 2.1.5 (the tarball's name): the IFF_UP include order, for the probe too
    ['cc', '-x', 'c', '-fsyntax-only', '-D_GNU_SOURCE', '-include', 'netinet/in.h', '-include', 'net/if.h', '-'],
    ['./configure', '--prefix=/opt/ka', '--sysconfdir=/opt/ka/etc', '--with-systemdsystemunitdir=/opt/ka/lib/systemd/system', 'CPPFLAGS=-D_GNU_SOURCE -include netinet/in.h -include net/if.h'],
    ['make', '-j4'],
    ['make', 'install', `DESTDIR=${root}`],
    // the dry run names the binary the real run would check: the one under the root
    [join(root, 'opt/ka/sbin/keepalived'), '--version'],
    ['rm', '-rf', '/var/tmp/ha-setup-build.XXXXXX'],
  ]);
  assert.equal(result.live, false);
  assert.equal(result.logPath, null);
  assert.equal(existsSync(join(root, 'var')), false, 'a dry run writes nothing, not even a log');
});

test('dry run of a live source install adds the unit and the PATH link', async () => {
  const src = tarball();
  const plan = new PlanHost(new LocalHost('/'));
  const result = await installKeepalived(plan, rhelDnf, { method: 'source', source: src, jobs: 2, skipDependencies: true }, silentProgress());
  const tail = plan.actions.slice(-4).map((a) => (a.kind === 'exec' ? a.command.join(' ') : `${a.kind} ${'path' in a ? a.path : ''}`));
  const expectedTail = [
    'write /etc/systemd/system/keepalived.service',
    'ln -sfn /usr/local/keepalived/sbin/keepalived /usr/local/sbin/keepalived',
    ...(existsSync('/run/systemd/system') ? ['systemctl daemon-reload'] : []),
    'rm -rf /var/tmp/ha-setup-build.XXXXXX',
  ];
  assert.deepEqual(tail.slice(-expectedTail.length), expectedTail);
  const unit = plan.actions.find((a) => a.kind === 'write');
  assert.ok(unit && unit.kind === 'write');
  assert.match(unit.content, /^ExecStart=\/usr\/local\/keepalived\/sbin\/keepalived \$KEEPALIVED_OPTIONS$/m);
  assert.match(unit.content, /^EnvironmentFile=-\/etc\/sysconfig\/keepalived$/m);
  assert.equal(result.live, true);
});

/** yum/dnf/zypper cannot run here: a local host whose exec answers like them, recording argv. */
class RecordingHost extends LocalHost {
  readonly calls: string[][] = [];
  constructor(root: string, private readonly answer: (argv: string[]) => Partial<ExecResult>) {
    super(root);
  }
  override async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push([cmd, ...args]);
    const r = { command: [cmd, ...args], exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false, ...this.answer([cmd, ...args]) };
    opts.onOutput?.(r.stdout + r.stderr);
    return r;
  }
}

test('package install with dnf runs the exact argv and reports the version', async () => {
  const root = tempDir();
  const host = new RecordingHost(root, (a) => (a[0] === '/usr/sbin/keepalived' ? { stderr: 'Keepalived v2.2.8 (04/04,2023), git commit v2.2.7-154\n' } : { stdout: 'Complete!\n' }));
  const r = await installKeepalived(host, rhelDnf, { method: 'package', now: new Date('2026-01-02T03:04:05Z') }, silentProgress());
  assert.deepEqual(host.calls, [['dnf', 'install', '-y', 'keepalived'], ['/usr/sbin/keepalived', '--version']]);
  assert.equal(r.version, '2.2.8');
  assert.equal(r.logPath, '/var/log/ha-setup/install-20260102T030405Z.log');
  assert.match(readFileSync(join(root, r.logPath!), 'utf8'), /\$ dnf install -y keepalived\nComplete!/);
});

test('a failed package install names the command, the last lines, the log and the likely cause', async () => {
  const root = tempDir();
  const noise = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
  const host = new RecordingHost(root, (a) =>
    a[0] === 'zypper' ? { exitCode: 104, stdout: `${noise}\nNo provider of 'keepalived' found.\n'keepalived' not found in package names. Trying capabilities.\n` } : {},
  );
  await assert.rejects(
    installKeepalived(host, suse, { method: 'package', now: new Date('2026-01-02T03:04:05Z') }, silentProgress()),
    (e: unknown) => {
      assert.ok(e instanceof OperationError);
      assert.match(e.message, /install keepalived \(zypper\)/);
      const details = e.details.join('\n');
      assert.match(details, /command: zypper --non-interactive install keepalived \(exit 104\)/);
      assert.match(details, /last 20 lines/);
      assert.match(details, /\| 'keepalived' not found in package names/);
      assert.doesNotMatch(details, /\| line 10\n/);
      assert.match(details, /full log: \/var\/log\/ha-setup\/install-20260102T030405Z\.log/);
      assert.match(details, /likely cause: a package was not found/);
      assert.match(e.hint ?? '', /--method source/);
      return true;
    },
  );
  assert.deepEqual(host.calls, [['zypper', '--non-interactive', 'install', 'keepalived']]);
});

test('an install log that cannot be written stops the install before its first command', async () => {
  const root = tempDir();
  // /var/log/ha-setup is a file: the log's directory cannot be made.
  mkdirSync(join(root, 'var/log'), { recursive: true });
  writeFileSync(join(root, 'var/log/ha-setup'), 'not a directory\n');
  const host = new RecordingHost(root, () => ({ stdout: 'Complete!\n' }));
  await assert.rejects(installKeepalived(host, rhelDnf, { method: 'package', now: new Date('2026-01-02T03:04:05Z') }, silentProgress()), /EEXIST|ENOTDIR/);
  assert.deepEqual(host.calls, []);
});
