// Each release's known build problems, reproduced with this machine's real compiler and
// headers by stand-in sources (test/helpers/fake-keepalived.ts), built by the installer.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LocalHost } from '../../src/host/local.js';
import { OperationError } from '../../src/errors.js';
import { installKeepalived, quirksFor, releaseFromConfigure, releaseFromTarballName, type InstallDistro } from '../../src/keepalived/install/index.js';
import { createProgress } from '../../src/ui/progress.js';
import { fakeKeepalivedTarball, type FakePart } from '../helpers/fake-keepalived.js';

const debian: InstallDistro = { family: 'debian', packageManager: 'apt' };
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function build(opts: { version: string | null; parts: FakePart[]; name?: string }) {
  const tar = fakeKeepalivedTarball(opts);
  made.push(tar.dir);
  const prefix = join(tar.dir, 'prefix');
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  const run = installKeepalived(new LocalHost('/'), debian, { method: 'source', source: tar.file, prefix, skipDependencies: true, jobs: 1 }, createProgress({ stream, isTTY: false, silent: false }));
  return { run, prefix, output: () => text };
}

test('the release comes from configure.ac (or configure), else from the tarball name', () => {
  assert.equal(releaseFromConfigure('AC_INIT([Keepalived], [2.1.5], [keepalived-users@groups.io], [], [http://www.keepalived.org/])'), '2.1.5');
  assert.equal(releaseFromConfigure("PACKAGE_VERSION='1.3.5'"), '1.3.5');
  assert.equal(releaseFromConfigure('AC_INIT([other], [1.0])'), null);
  assert.equal(releaseFromTarballName('/home/software/keepalived-2.1.5.tar.gz'), '2.1.5');
  assert.equal(releaseFromTarballName('keepalived_2.3.3.orig.tar.gz'), '2.3.3');
  assert.equal(releaseFromTarballName('ka.tgz'), null);
  assert.deepEqual(quirksFor('1.3.5').map((q) => q.feature), ['needsFcommon', 'ipset7Break']);
  assert.deepEqual(quirksFor('2.1.5').map((q) => q.feature), ['iffUpHeaderClash']);
  assert.deepEqual(quirksFor('2.2.7').map((q) => q.feature), []);
  assert.deepEqual(quirksFor('2.3.3').map((q) => q.feature), ['makeInstallWritesSystemUnit']);
  assert.deepEqual(quirksFor(null), []);
});

test('2.1.5 (IFF_UP clash with current kernel headers): built with the include order, said in one line', async () => {
  // The tarball's name says nothing: configure.ac does.
  const b = await build({ version: '2.1.5', parts: ['iff_up'], name: 'ka.tgz' });
  const r = await b.run;
  assert.equal(r.version, '2.1.5');
  assert.equal(r.sourceRelease, '2.1.5');
  assert.match(execFileSync(join(b.prefix, 'sbin/keepalived'), { encoding: 'utf8' }), /^Keepalived v2\.1\.5/);
  assert.match(b.output(), /^ +keepalived 2\.1\.5 stops on "net\/if\.h: redeclaration of enumerator 'IFF_UP'" with current kernel headers: building with CPPFLAGS="-D_GNU_SOURCE -include netinet\/in\.h -include net\/if\.h"/m);
  assert.match(readFileSync(r.logPath!, 'utf8'), /\$ \.\/configure --prefix=\S+ --sysconfdir=\S+ --with-systemdsystemunitdir=\S+ 'CPPFLAGS=-D_GNU_SOURCE -include netinet\/in\.h -include net\/if\.h'\n/);
});

test('1.3.5 (gcc >= 10, ipset 7): -fcommon and --disable-libipset, each said in one line', async () => {
  const b = await build({ version: '1.3.5', parts: ['garp_a', 'garp_b'] });
  const r = await b.run;
  assert.equal(r.version, '1.3.5');
  assert.deepEqual(r.quirks?.map((q) => q.configureArgs), [['CFLAGS=-g -O2 -fcommon'], ['--disable-libipset']]);
  assert.match(b.output(), /^ +keepalived 1\.3\.5 does not link with gcc 10 and later as it is .*: building with CFLAGS -fcommon$/m);
  assert.match(b.output(), /^ +keepalived 1\.3\.5's ipset code does not build against ipset 7: configured with --disable-libipset/m);
  assert.match(readFileSync(r.logPath!, 'utf8'), /\$ \.\/configure .* --disable-libipset 'CFLAGS=-g -O2 -fcommon'\n/);
});

test('a release the table knows no fix for fails with the compiler error lines shown, not only the tail', async () => {
  // The same 1.3.5-style sources, but configure.ac says 2.2.7: no -fcommon, the link fails.
  const b = await build({ version: '2.2.7', parts: ['garp_a', 'garp_b'] });
  await assert.rejects(b.run, (e: unknown) => {
    assert.ok(e instanceof OperationError);
    assert.match(e.message, /install failed in phase "make -j1"/);
    const details = e.details.join('\n');
    // The make noise after the error fills the tail; the error lines come first.
    assert.match(details, /error lines \(\d+\):\n {2}\| .*multiple definition of .garp_delay/);
    const tail = details.slice(details.indexOf('last 8 lines'));
    assert.doesNotMatch(tail, /multiple definition/, 'the tail alone would not have shown it');
    const dir = /build directory kept for inspection: (\S+)/.exec(details)?.[1];
    assert.ok(dir);
    rmSync(dir!, { recursive: true, force: true });
    return true;
  });
});

test('an unknown release is said, and built without release fixes; 2.3.3 says where its unit went', async () => {
  const unknown = await build({ version: null, parts: [], name: 'ka.tar.gz' });
  const r = await unknown.run;
  assert.equal(r.sourceRelease, null);
  assert.match(unknown.output(), /could not tell which keepalived release \S+ka\.tar\.gz holds/);
  const newer = await build({ version: '2.3.3', parts: [] });
  const n = await newer.run;
  assert.match(newer.output(), new RegExp(`^ +keepalived 2\\.3\\.3's make install writes keepalived.service into the system's unit directory: --with-systemdsystemunitdir=${newer.prefix}/lib/systemd/system keeps it`, 'm'));
  assert.ok(existsSync(join(newer.prefix, 'lib/systemd/system/keepalived.service')));
  assert.equal(n.live, false);
});
