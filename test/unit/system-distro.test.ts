import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { osReleaseDir, realOsReleaseDir, tempDir } from '../helpers/paths.js';
import { distroFromOsRelease, keepalivedReleaseOf, parseOsRelease, parseRedhatRelease, readDistro } from '../../src/system/distro.js';
import { LocalHost } from '../../src/host/local.js';

// Every real os-release of ../shared/os-release, with what ha-setup must make of it.
const EXPECTED: Record<string, { id: string; family: string; pm: string }> = {
  almalinux10: { id: 'almalinux', family: 'rhel', pm: 'dnf' },
  alpine: { id: 'alpine', family: 'alpine', pm: 'apk' },
  amazon2016: { id: 'amzn', family: 'rhel', pm: 'yum' },
  amazon2023: { id: 'amzn', family: 'rhel', pm: 'dnf' },
  centos7: { id: 'centos', family: 'rhel', pm: 'yum' },
  centosstream8: { id: 'centos', family: 'rhel', pm: 'dnf' },
  centosstream9: { id: 'centos', family: 'rhel', pm: 'dnf' },
  centosstream10: { id: 'centos', family: 'rhel', pm: 'dnf' },
  cloudlinux7: { id: 'cloudlinux', family: 'rhel', pm: 'yum' },
  debian10: { id: 'debian', family: 'debian', pm: 'apt' },
  debian13: { id: 'debian', family: 'debian', pm: 'apt' },
  kali: { id: 'kali', family: 'debian', pm: 'apt' },
  linuxmint17: { id: 'ubuntu', family: 'debian', pm: 'apt' },
  opensuse15: { id: 'opensuse-leap', family: 'suse', pm: 'zypper' },
  oracle7: { id: 'ol', family: 'rhel', pm: 'yum' },
  raspbian8: { id: 'raspbian', family: 'debian', pm: 'apt' },
  rhel7: { id: 'rhel', family: 'rhel', pm: 'yum' },
  rhel9: { id: 'rhel', family: 'rhel', pm: 'dnf' },
  rhel10: { id: 'rhel', family: 'rhel', pm: 'dnf' },
  rocky9: { id: 'rocky', family: 'rhel', pm: 'dnf' },
  rocky10: { id: 'rocky', family: 'rhel', pm: 'dnf' },
  sles12: { id: 'sles', family: 'suse', pm: 'zypper' },
  ubuntu16: { id: 'ubuntu', family: 'debian', pm: 'apt' },
  ubuntu24: { id: 'ubuntu', family: 'debian', pm: 'apt' },
};

test('the table covers every folder of the shared os-release collection', () => {
  const folders = readdirSync(osReleaseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.deepEqual(folders, Object.keys(EXPECTED).sort());
});

for (const [folder, want] of Object.entries(EXPECTED)) {
  test(`os-release of ${folder}: ${want.family} / ${want.pm}`, async () => {
    const pure = distroFromOsRelease(parseOsRelease(readFileSync(join(osReleaseDir, folder, 'etc/os-release'), 'utf8')));
    assert.equal(pure.id, want.id);
    assert.equal(pure.family, want.family);
    assert.equal(pure.packageManager, want.pm);
    assert.equal(pure.guessedFrom, null, 'a known id is never a guess');
    // The same through a Host rooted at the folder, as `detect --root` reads it.
    const viaHost = await readDistro(new LocalHost(join(osReleaseDir, folder)));
    assert.deepEqual(viaHost, pure);
  });
}

// Every os-release of ../shared/real-world/os-release (SOURCES.tsv says where each came
// from), among them the Chinese clouds' own: id, family, package manager, and the keepalived
// release their repositories carry (null: no source says).
const REAL_WORLD: Record<string, { id: string; family: string; pm: string; keepalived: string | null; guessed?: true }> = {
  'alinux-3': { id: 'alinux', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'almalinux-8.3-beta': { id: 'almalinux', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'almalinux-9.6': { id: 'almalinux', family: 'rhel', pm: 'dnf', keepalived: '2.2.8' },
  'alpine-3.20': { id: 'alpine', family: 'alpine', pm: 'apk', keepalived: null },
  'amzn-2': { id: 'amzn', family: 'rhel', pm: 'yum', keepalived: null },
  'amzn-2023': { id: 'amzn', family: 'rhel', pm: 'dnf', keepalived: null },
  'anolis-8.8': { id: 'anolis', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'centos-7': { id: 'centos', family: 'rhel', pm: 'yum', keepalived: '1.3.5' },
  'centos-8.1': { id: 'centos', family: 'rhel', pm: 'dnf', keepalived: null },
  'centos-stream-8': { id: 'centos', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'centos-stream-9': { id: 'centos', family: 'rhel', pm: 'dnf', keepalived: '2.2.8' },
  'debian-10': { id: 'debian', family: 'debian', pm: 'apt', keepalived: '2.0.10' },
  'debian-11': { id: 'debian', family: 'debian', pm: 'apt', keepalived: '2.1.5' },
  'debian-12': { id: 'debian', family: 'debian', pm: 'apt', keepalived: '2.2.7' },
  'deepin-20.9': { id: 'deepin', family: 'debian', pm: 'apt', keepalived: null },
  'fedora-42': { id: 'fedora', family: 'rhel', pm: 'dnf', keepalived: null },
  'hce-2': { id: 'hce', family: 'rhel', pm: 'dnf', keepalived: null },
  'kylin-v10': { id: 'kylin', family: 'rhel', pm: 'dnf', keepalived: null },
  'miraclelinux-9.2': { id: 'miraclelinux', family: 'rhel', pm: 'dnf', keepalived: null },
  'openeuler-20.03': { id: 'openeuler', family: 'rhel', pm: 'dnf', keepalived: '2.0.20' },
  'openeuler-22.03': { id: 'openeuler', family: 'rhel', pm: 'dnf', keepalived: '2.2.4' },
  'opensuse-leap-15.6': { id: 'opensuse-leap', family: 'suse', pm: 'zypper', keepalived: null },
  'oracle-8.9': { id: 'ol', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'rhel-7.7': { id: 'rhel', family: 'rhel', pm: 'yum', keepalived: '1.3.5' },
  'rhel-8.10': { id: 'rhel', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'rhel-9': { id: 'rhel', family: 'rhel', pm: 'dnf', keepalived: '2.2.8' },
  'rocky-8.10': { id: 'rocky', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'rocky-8.3': { id: 'rocky', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'rocky-9': { id: 'rocky', family: 'rhel', pm: 'dnf', keepalived: '2.2.8' },
  'sles-15': { id: 'sles', family: 'suse', pm: 'zypper', keepalived: null },
  'tencentos-3.1': { id: 'tencentos', family: 'rhel', pm: 'dnf', keepalived: '2.1.5' },
  'tencentos-4.2': { id: 'tencentos', family: 'rhel', pm: 'dnf', keepalived: null },
  'ubuntu-18.04': { id: 'ubuntu', family: 'debian', pm: 'apt', keepalived: null },
  'ubuntu-20.04': { id: 'ubuntu', family: 'debian', pm: 'apt', keepalived: '2.0.19' },
  'ubuntu-22.04': { id: 'ubuntu', family: 'debian', pm: 'apt', keepalived: '2.2.4' },
  'ubuntu-24.04': { id: 'ubuntu', family: 'debian', pm: 'apt', keepalived: '2.2.8' },
  'ubuntu-kylin-22.04': { id: 'ubuntu', family: 'debian', pm: 'apt', keepalived: '2.2.4' },
  'uos-20': { id: 'uos', family: 'debian', pm: 'apt', keepalived: null },
};

test('the real-world table covers every folder of the real-world os-release collection', () => {
  const folders = readdirSync(realOsReleaseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.deepEqual(folders, Object.keys(REAL_WORLD).sort());
});

for (const [folder, want] of Object.entries(REAL_WORLD)) {
  test(`real-world os-release of ${folder}: ${want.family} / ${want.pm} / keepalived ${want.keepalived ?? 'unknown'}`, async () => {
    const d = await readDistro(new LocalHost(join(realOsReleaseDir, folder)));
    assert.equal(d.id, want.id);
    assert.equal(d.family, want.family);
    assert.equal(d.packageManager, want.pm);
    assert.equal(d.guessedFrom !== null, want.guessed === true, 'only an unknown id is a guess');
    assert.equal(d.keepalivedRelease?.version ?? null, want.keepalived);
    if (d.keepalivedRelease) assert.ok(d.keepalivedRelease.source.length > 10, 'every release says where it comes from');
  });
}

test('the Chinese clouds without an os-release file here: by ID and VERSION_ID', () => {
  // TencentOS Server 2 and Alibaba Cloud Linux 2 follow CentOS 7 (yum, keepalived 1.3.5).
  for (const id of ['tencentos', 'alinux']) {
    const d = distroFromOsRelease({ ID: id, VERSION_ID: '2.4' });
    assert.deepEqual([d.family, d.packageManager, d.keepalivedRelease?.version], ['rhel', 'yum', '1.3.5'], id);
  }
  assert.deepEqual([distroFromOsRelease({ ID: 'euleros', VERSION_ID: '2.0' }).packageManager], ['yum']);
  // A release no source names stays unknown, never guessed.
  assert.equal(keepalivedReleaseOf('rocky', '9.1'), null);
  assert.equal(keepalivedReleaseOf('kylin', 'V10'), null);
  assert.equal(keepalivedReleaseOf(null, '9'), null);
});

test('keepalived layout and firewall persistence follow the family', () => {
  const el = distroFromOsRelease(parseOsRelease(readFileSync(join(osReleaseDir, 'rocky9/etc/os-release'), 'utf8')));
  assert.deepEqual(el.keepalived, { configPath: '/etc/keepalived/keepalived.conf', unit: 'keepalived.service', optionsFile: '/etc/sysconfig/keepalived', optionsVariable: 'KEEPALIVED_OPTIONS' });
  assert.deepEqual(el.firewallPersistFile, { iptables: '/etc/sysconfig/iptables', nftables: '/etc/sysconfig/nftables.conf' });
  const deb = distroFromOsRelease(parseOsRelease(readFileSync(join(osReleaseDir, 'debian13/etc/os-release'), 'utf8')));
  assert.equal(deb.keepalived.optionsFile, '/etc/default/keepalived');
  assert.equal(deb.keepalived.optionsVariable, 'DAEMON_ARGS');
  assert.deepEqual(deb.firewallPersistFile, { iptables: '/etc/iptables/rules.v4', nftables: '/etc/nftables.conf' });
  const sles = distroFromOsRelease(parseOsRelease(readFileSync(join(osReleaseDir, 'sles12/etc/os-release'), 'utf8')));
  assert.equal(sles.keepalived.optionsVariable, 'KEEPALIVED_OPTIONS');
});

test('openEuler 20.03 LTS (mixed-case ID) is rhel / dnf', () => {
  // Text as printed by `cat /etc/os-release` in openLooKeng's documentation
  // (github.com/openlookeng/website, content/en-us/docs/docs/Administration/viewing-system-information.md).
  const text = ['NAME="openEuler"', 'VERSION="20.03 (LTS)"', 'ID="openEuler"', 'VERSION_ID="20.03"', 'PRETTY_NAME="openEuler 20.03 (LTS)"', 'ANSI_COLOR="0;31"', ''].join('\n');
  const d = distroFromOsRelease(parseOsRelease(text));
  assert.equal(d.id, 'openeuler');
  assert.equal(d.versionId, '20.03');
  assert.equal(d.family, 'rhel');
  assert.equal(d.packageManager, 'dnf');
  assert.equal(d.guessedFrom, null);
});

// No os-release text of these releases was found in their own documentation: the mapping
// is tested on the ID (and VERSION_ID) alone. Kylin V10 and UOS ship no ID_LIKE, so an
// ID_LIKE-only rule would miss them.
const BY_ID: Array<[Record<string, string>, string, string]> = [
  [{ ID: 'anolis', VERSION_ID: '8.8' }, 'rhel', 'dnf'],
  [{ ID: 'anolis', VERSION_ID: '7.9' }, 'rhel', 'yum'],
  [{ ID: 'anolis', VERSION_ID: '23' }, 'rhel', 'dnf'],
  [{ ID: 'alinux', VERSION_ID: '3' }, 'rhel', 'dnf'],
  [{ ID: 'alinux', VERSION_ID: '2' }, 'rhel', 'yum'],
  [{ ID: 'kylin', VERSION_ID: 'V10' }, 'rhel', 'dnf'],
  [{ ID: 'uos', VERSION_ID: '20' }, 'debian', 'apt'],
  [{ ID: 'deepin', VERSION_ID: '20.9' }, 'debian', 'apt'],
  [{ ID: 'amzn', VERSION_ID: '2' }, 'rhel', 'yum'],
  [{ ID: 'amzn', VERSION_ID: '2018.03' }, 'rhel', 'yum'],
  [{ ID: 'fedora', VERSION_ID: '40' }, 'rhel', 'dnf'],
  [{ ID: 'openEuler', VERSION_ID: '22.03' }, 'rhel', 'dnf'],
  [{ ID: 'centos', VERSION_ID: '6' }, 'rhel', 'yum'],
];
for (const [fields, family, pm] of BY_ID) {
  test(`id ${fields.ID} ${fields.VERSION_ID}: ${family} / ${pm}`, () => {
    const d = distroFromOsRelease(fields);
    assert.equal(d.family, family);
    assert.equal(d.packageManager, pm);
    assert.equal(d.guessedFrom, null);
  });
}

test('an unknown id falls back on ID_LIKE and says so', () => {
  const d = distroFromOsRelease(parseOsRelease('NAME="Example Server"\nID=exampleos\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.2"\n'));
  assert.equal(d.id, 'exampleos');
  assert.equal(d.family, 'rhel');
  assert.equal(d.packageManager, 'dnf');
  assert.deepEqual(d.guessedFrom, { field: 'ID_LIKE', value: 'rhel centos fedora' });
  const old = distroFromOsRelease({ ID: 'exampleos', ID_LIKE: 'rhel fedora', VERSION_ID: '7.4' });
  assert.equal(old.packageManager, 'yum');
  const deb = distroFromOsRelease({ ID: 'exampledeb', ID_LIKE: 'ubuntu debian' });
  assert.equal(deb.packageManager, 'apt');
  assert.deepEqual(deb.guessedFrom, { field: 'ID_LIKE', value: 'ubuntu debian' });
});

test('an unknown id without a usable ID_LIKE stays unknown: null, not guessed', () => {
  const d = distroFromOsRelease({ ID: 'nixos', VERSION_ID: '24.05' });
  assert.equal(d.family, 'other');
  assert.equal(d.packageManager, null);
  assert.equal(d.guessedFrom, null);
  assert.equal(d.keepalived.optionsFile, null);
});

test('parseOsRelease: quotes, escapes, comments, blank lines', () => {
  const f = parseOsRelease('# comment\n\nNAME="A \\"quoted\\" name"\nID=plain\nVERSION=\'1 (x)\'\nBAD LINE\n');
  assert.deepEqual(f, { NAME: 'A "quoted" name', ID: 'plain', VERSION: '1 (x)' });
});

test('without os-release, /etc/redhat-release (CentOS 7) is read', async () => {
  const root = tempDir();
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/redhat-release'), 'CentOS Linux release 7.9.2009 (Core)\n');
    const d = await readDistro(new LocalHost(root));
    assert.equal(d.id, 'centos');
    assert.equal(d.versionId, '7.9.2009');
    assert.equal(d.family, 'rhel');
    assert.equal(d.packageManager, 'yum');
    assert.equal(d.source, '/etc/redhat-release');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('/etc/centos-release is the last fallback; nothing at all is null + unavailable', async () => {
  assert.deepEqual(parseRedhatRelease('Red Hat Enterprise Linux Server release 7.5 (Maipo)'), {
    ID: 'rhel', VERSION_ID: '7.5', NAME: 'Red Hat Enterprise Linux Server', PRETTY_NAME: 'Red Hat Enterprise Linux Server release 7.5 (Maipo)',
  });
  assert.equal(parseRedhatRelease('Something else entirely'), null);
  const root = tempDir();
  try {
    const { Gaps } = await import('../../src/system/gaps.js');
    const gaps = new Gaps();
    const none = await readDistro(new LocalHost(root), gaps);
    assert.equal(none.id, null);
    assert.equal(none.packageManager, null);
    assert.deepEqual(gaps.list, [{ fact: 'distro', reason: 'missing' }]);
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/centos-release'), 'CentOS Stream release 8\n');
    const d = await readDistro(new LocalHost(root));
    assert.equal(d.source, '/etc/centos-release');
    assert.equal(d.packageManager, 'dnf');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an ID_LIKE guess is corrected by the package manager actually installed', async () => {
  const root = tempDir();
  try {
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    writeFileSync(join(root, 'etc/os-release'), 'ID=exampleos\nID_LIKE="rhel"\nVERSION_ID=7\n');
    writeFileSync(join(root, 'usr/bin/dnf'), '');
    const d = await readDistro(new LocalHost(root));
    assert.equal(d.packageManager, 'dnf');
    assert.deepEqual(d.guessedFrom, { field: 'ID_LIKE', value: 'rhel' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
