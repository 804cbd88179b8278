import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { LocalHost } from '../../src/host/local.js';
import {
  installKeepalived,
  isLibnlU32Failure,
  patchedHeader,
  probeNetlinkHeaders,
  type InstallDistro,
} from '../../src/keepalived/install/index.js';
import { headerNamedIn, PATCH_LINE } from '../../src/keepalived/install/libnl.js';
import { silentProgress } from '../../src/ui/progress.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';

const brokenInclude = join(fixturesDir, 'install', 'libnl1-include');
const debian: InstallDistro = { family: 'debian', packageManager: 'apt' };

/** Every file that decides how netlink headers compile here, hashed: none may change. */
function hashSystemHeaders(): Map<string, string> {
  const files: string[] = ['/usr/include/linux/types.h', '/usr/include/asm-generic/int-ll64.h'];
  for (const dir of ['/usr/include/netlink', '/usr/include/libnl3/netlink']) {
    if (existsSync(dir)) for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isFile()) files.push(join(dir, name));
  }
  const hashes = new Map<string, string>();
  for (const f of files) hashes.set(f, existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent');
  return hashes;
}

/** The fake keepalived 2.1.5 source (its program includes netlink/netlink-kernel.h) as a tarball. */
function fakeTarball(): string {
  const dir = tempDir();
  const file = join(dir, 'keepalived-2.1.5.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', join(fixturesDir, 'install'), 'fake-keepalived-2.1.5']);
  return file;
}

test('the probe finds the libnl 1 header problem and the -include fix makes it compile', async () => {
  const before = hashSystemHeaders();
  const host = new LocalHost('/');
  // A libnl 1-style header ahead of the system ones, as CPATH puts it.
  const viaCpath = await probeNetlinkHeaders(host, { CPATH: brokenInclude });
  assert.equal(viaCpath.outcome, 'broken');
  assert.equal(viaCpath.fixWorks, true);
  assert.equal(viaCpath.header, join(brokenInclude, 'netlink/netlink-kernel.h'));
  assert.ok(isLibnlU32Failure(viaCpath.output));
  // The same through -I in CPPFLAGS.
  const viaI = await probeNetlinkHeaders(host, {}, ['-I', brokenInclude]);
  assert.equal(viaI.outcome, 'broken');
  assert.equal(viaI.fixWorks, true);
  // Without it this machine has libnl-3 only: nothing on the default include path.
  const plain = await probeNetlinkHeaders(host);
  assert.notEqual(plain.outcome, 'broken');
  assert.deepEqual(hashSystemHeaders(), before, '/usr/include must be byte-for-byte unchanged');
});

test('build output with the __u32 error is recognised and the blamed header named', () => {
  const out = `In file included from /usr/include/netlink/handlers.h:19:0,\n                 from namespaces.c:171:\n/usr/include/netlink/netlink-kernel.h:193:2: error: unknown type name '__u32'\n  __u32 group;\n`;
  assert.equal(isLibnlU32Failure(out), true);
  assert.equal(headerNamedIn(out), '/usr/include/netlink/netlink-kernel.h');
  // gcc with a UTF-8 locale uses typographic quotes.
  assert.equal(isLibnlU32Failure("netlink-kernel.h:193:2: error: unknown type name ‘__u32’"), true);
  assert.equal(isLibnlU32Failure('error: unknown type name ‘uint128’'), false);
});

test('--patch-system-headers inserts the include inside the guard, once', () => {
  const text = readFileSync(join(brokenInclude, 'netlink/netlink-kernel.h'), 'utf8');
  const patched = patchedHeader(text)!;
  assert.match(patched, new RegExp(`^#ifndef __NETLINK_KERNEL_H_\\n#define __NETLINK_KERNEL_H_\\n${PATCH_LINE.replace(/[*()/]/g, '\\$&')}\\n`));
  assert.equal(patchedHeader(patched), null);
  assert.equal(patchedHeader('struct x { __u32 a; };\n'), `${PATCH_LINE}\nstruct x { __u32 a; };\n`);
});

test('a source build detects the broken header before building and builds with CPPFLAGS, /usr/include untouched', async () => {
  const before = hashSystemHeaders();
  const root = tempDir();
  const host = new LocalHost(root);
  const r = await installKeepalived(
    host,
    debian,
    { method: 'source', source: fakeTarball(), prefix: '/opt/ka', skipDependencies: true, jobs: 2, buildEnv: { CPATH: brokenInclude } },
    silentProgress(),
  );
  assert.equal(r.libnl?.probe, 'broken');
  assert.equal(r.libnl?.fix, 'cppflags');
  assert.equal(r.libnl?.retried, false);
  assert.equal(r.live, false);
  assert.equal(r.binary, '/opt/ka/sbin/keepalived');
  assert.equal(r.version, '2.1.5');
  // --root: make install went to DESTDIR=root, so the binary is under it.
  assert.match(execFileSync(join(root, 'opt/ka/sbin/keepalived'), { encoding: 'utf8' }), /^Keepalived v2\.1\.5/);
  const log = readFileSync(join(root, r.logPath!), 'utf8');
  assert.match(log, /\$ CPATH=\S+ \.\/configure --prefix=\/opt\/ka --sysconfdir=\/opt\/ka\/etc --with-systemdsystemunitdir=\/opt\/ka\/lib\/systemd\/system 'CPPFLAGS=-include linux\/types\.h'/);
  assert.ok(isLibnlU32Failure(log), 'the probe output is in the log');
  assert.deepEqual(hashSystemHeaders(), before);
});

test('a build that stops on __u32 the probe could not see is retried once with the fix', async () => {
  const before = hashSystemHeaders();
  const root = tempDir();
  const host = new LocalHost(root);
  // The fake Makefile adds $(KA_EXTRA_INCLUDES); the compiler probe does not see it.
  const r = await installKeepalived(
    host,
    debian,
    { method: 'source', source: fakeTarball(), prefix: '/opt/ka', skipDependencies: true, jobs: 1, buildEnv: { KA_EXTRA_INCLUDES: `-I${brokenInclude}` } },
    silentProgress(),
  );
  assert.notEqual(r.libnl?.probe, 'broken');
  assert.equal(r.libnl?.retried, true);
  assert.equal(r.libnl?.fix, 'cppflags');
  assert.equal(r.version, '2.1.5');
  const log = readFileSync(join(root, r.logPath!), 'utf8');
  assert.match(log, /error: unknown type name .__u32.[\s\S]*retrying once with CPPFLAGS="-include linux\/types\.h"[\s\S]*\$ \S+ make clean\n/);
  assert.deepEqual(hashSystemHeaders(), before);
});

test('--patch-system-headers edits the blamed header (with a backup) instead of CPPFLAGS', async () => {
  // The "system" header is a copy in a temporary include directory: nothing real is edited.
  const include = tempDir();
  cpSync(brokenInclude, include, { recursive: true });
  const header = join(include, 'netlink/netlink-kernel.h');
  const original = readFileSync(header, 'utf8');
  const root = tempDir();
  const r = await installKeepalived(
    new LocalHost('/'),
    debian,
    { method: 'source', source: fakeTarball(), prefix: join(root, 'ka'), skipDependencies: true, jobs: 1, patchSystemHeaders: true, buildEnv: { CPATH: include } },
    silentProgress(),
  );
  assert.equal(r.libnl?.fix, 'patched-header');
  assert.equal(r.libnl?.brokenHeader, header);
  assert.ok(readFileSync(header, 'utf8').includes(PATCH_LINE));
  const backups = readdirSync(join(include, 'netlink')).filter((n) => /^netlink-kernel\.h\.bak-\d{8}T\d{6}Z$/.test(n));
  assert.equal(backups.length, 1);
  assert.equal(readFileSync(join(include, 'netlink', backups[0]!), 'utf8'), original);
  assert.equal(r.version, '2.1.5');
});

test('a failed configure names the phase, its last lines, the log, the cause; the build dir is kept', async () => {
  const root = tempDir();
  // No netlink header anywhere: make fails on the missing header, which is missing libnl-3.
  await assert.rejects(
    installKeepalived(new LocalHost(root), debian, { method: 'source', source: fakeTarball(), prefix: '/opt/ka', skipDependencies: true, jobs: 1 }, silentProgress()),
    (e: unknown) => {
      const err = e as { message: string; details: string[]; hint?: string };
      // The kept build directory (under /var/tmp) goes whatever the assertions below say.
      const kept = /build directory kept for inspection: (\S+)/.exec(err.details.join('\n'))?.[1];
      if (kept) after(() => rmSync(kept, { recursive: true, force: true }));
      assert.match(err.message, /install failed in phase "make -j1"/);
      const details = err.details.join('\n');
      assert.match(details, /command: make -j1 \(exit 2\)/);
      assert.match(details, /netlink\/netlink-kernel\.h: No such file or directory/);
      // A staged install (--prefix) keeps its log in the prefix, under the host root.
      assert.match(details, /full log: \/opt\/ka\/var\/log\/ha-setup\/install-\d{8}T\d{6}Z\.log/);
      assert.match(details, /likely cause: libnl-3 development headers/);
      assert.match(err.hint ?? '', /apt-get install -y build-essential pkg-config libssl-dev libnl-3-dev/);
      const dir = /build directory kept for inspection: (\S+)/.exec(details)?.[1];
      assert.ok(dir && existsSync(join(dir, 'keepalived.c')));
      execFileSync('rm', ['-rf', dir!]);
      return true;
    },
  );
});
