import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LocalHost } from '../../src/host/local.js';
import { OperationError, UserError } from '../../src/errors.js';
import { detectLibnl, installKeepalived, isLibnlU32Failure, libnlDecision, validateInstallFlags, type InstallDistro } from '../../src/keepalived/install/index.js';
import { headerNamedIn } from '../../src/keepalived/install/libnl.js';
import { errorLines, libnl3Command } from '../../src/keepalived/install/runner.js';
import { createProgress } from '../../src/ui/progress.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';
import { fakeKeepalivedTarball } from '../helpers/fake-keepalived.js';

const debian: InstallDistro = { family: 'debian', packageManager: 'apt' };
const made: string[] = [];
const scratch = (prefix: string) => {
  const d = tempDir(prefix);
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

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

/**
 * A prefix holding only libnl 1 as CentOS 7's libnl-devel lays it out: the headers (the
 * netlink-kernel.h of the fixture uses __u32 without the kernel types) and libnl-1.pc.
 * The environment makes it the only libnl the compiler and pkg-config see.
 */
function libnl1OnlyEnv(): Record<string, string> {
  const prefix = scratch('ha-setup-libnl1-');
  const pc = join(prefix, 'lib', 'pkgconfig');
  mkdirSync(pc, { recursive: true });
  writeFileSync(join(pc, 'libnl-1.pc'), `prefix=${prefix}\nincludedir=\${prefix}/include\nlibdir=\${prefix}/lib\n\nName: libnl\nDescription: Convenience library for netlink sockets\nVersion: 1.1.4\nLibs: -L\${libdir} -lnl\nCflags: -I\${includedir}\n`);
  return { CPATH: join(fixturesDir, 'install', 'libnl1-include'), PKG_CONFIG_LIBDIR: pc, PKG_CONFIG_PATH: '' };
}

function recordingProgress() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { progress: createProgress({ stream, isTTY: false, silent: false }), text: () => text };
}

test('detection: a libnl-1-only prefix is libnl 1 with the __u32 header; this machine has libnl-3', async () => {
  const before = hashSystemHeaders();
  const host = new LocalHost('/');
  const only1 = await detectLibnl(host, libnl1OnlyEnv());
  assert.equal(only1.libnl3, false);
  assert.equal(only1.libnl1, true);
  assert.equal(only1.probe, 'broken');
  assert.equal(only1.header, join(fixturesDir, 'install', 'libnl1-include', 'netlink/netlink-kernel.h'));
  assert.ok(isLibnlU32Failure(only1.output));
  // The probe compiles with the CPPFLAGS the build will use: kernel types forced in, the header compiles.
  const forced = await detectLibnl(host, libnl1OnlyEnv(), ['-include', 'linux/types.h']);
  assert.equal(forced.probe, 'ok');
  assert.equal(forced.libnl1, true);
  // This machine: libnl-3's development files (what .ci/run installs), nothing on the default path.
  const here = await detectLibnl(host);
  assert.equal(here.libnl3, true);
  assert.equal(here.probe, 'absent');
  // Neither: pkg-config sees nothing, no headers on the path.
  const none = await detectLibnl(host, { PKG_CONFIG_LIBDIR: scratch('ha-setup-nopc-'), PKG_CONFIG_PATH: '' });
  assert.deepEqual([none.libnl3, none.libnl1], [false, false]);
  assert.deepEqual(hashSystemHeaders(), before, '/usr/include must be byte-for-byte unchanged');
});

test('decision per release: 2.1.x refuses libnl 1 alone; 2.0.x and 2.2.0 on build with it; libnl-3 always wins', () => {
  const only1 = { libnl3: false, libnl1: true };
  assert.equal(libnlDecision('2.1.5', only1), 'refuse');
  assert.equal(libnlDecision('2.1.0', only1), 'refuse');
  assert.equal(libnlDecision('2.2.0', only1), 'libnl1');
  assert.equal(libnlDecision('2.0.20', only1), 'libnl1');
  assert.equal(libnlDecision('2.1.5', { libnl3: true, libnl1: true }), 'libnl3');
  assert.equal(libnlDecision('2.1.5', { libnl3: false, libnl1: false }), 'none');
  // The exact command, per family.
  assert.equal(libnl3Command({ family: 'rhel', packageManager: 'yum' }), 'yum install -y libnl3-devel');
  assert.equal(libnl3Command({ family: 'rhel', packageManager: 'dnf' }), 'dnf install -y libnl3-devel');
  assert.equal(libnl3Command(debian), 'DEBIAN_FRONTEND=noninteractive apt-get install -y libnl-3-dev libnl-genl-3-dev libnl-route-3-dev');
});

test('2.1.5 with only libnl 1: stopped before configure, says exactly what to install or which release to build', async () => {
  const before = hashSystemHeaders();
  const tar = fakeKeepalivedTarball({ version: '2.1.5', parts: ['netlink_21'] });
  made.push(tar.dir);
  const prefix = join(scratch('ha-setup-prefix-'), 'ka');
  const { progress } = recordingProgress();
  await assert.rejects(
    installKeepalived(new LocalHost('/'), debian, { method: 'source', source: tar.file, prefix, skipDependencies: true, jobs: 1, buildEnv: libnl1OnlyEnv() }, progress),
    (e: unknown) => {
      assert.ok(e instanceof OperationError);
      assert.match(e.message, /keepalived 2\.1\.5 does not build against libnl 1, the only libnl here: nothing was built or installed/);
      assert.match(e.hint ?? '', /\(DEBIAN_FRONTEND=noninteractive apt-get install -y libnl-3-dev libnl-genl-3-dev libnl-route-3-dev\)/);
      assert.match(e.hint ?? '', /keepalived 2\.2\.0 or later/);
      assert.match(e.hint ?? '', /nl_send_auto and nl_socket_modify_err_cb/);
      const logPath = /full log: (\S+)/.exec(e.details.join('\n'))?.[1];
      assert.ok(logPath?.startsWith(`${prefix}/var/log/ha-setup/`), `the staged build's log stays in its prefix: ${logPath}`);
      assert.doesNotMatch(readFileSync(logPath!, 'utf8'), /==> configure/, 'configure never ran');
      return true;
    },
  );
  assert.equal(existsSync(join(prefix, 'sbin')), false);
  assert.deepEqual(hashSystemHeaders(), before);
});

test('2.2.0 with only libnl 1 builds against it as it is, and says so', async () => {
  const tar = fakeKeepalivedTarball({ version: '2.2.0', parts: ['netlink_22'] });
  made.push(tar.dir);
  const prefix = join(scratch('ha-setup-prefix-'), 'ka');
  const rec = recordingProgress();
  const r = await installKeepalived(new LocalHost('/'), debian, { method: 'source', source: tar.file, prefix, skipDependencies: true, jobs: 1, buildEnv: libnl1OnlyEnv() }, rec.progress);
  assert.equal(r.version, '2.2.0');
  assert.equal(r.libnl?.decision, 'libnl1');
  assert.match(rec.text(), /only libnl 1 here: keepalived 2\.2\.0 builds against it as it is/);
});

test('the old --patch-system-headers flag is refused with the reason, before anything happens', () => {
  assert.throws(
    () => validateInstallFlags({ source: join(fixturesDir, 'install', 'fake-keepalived', 'main.c'), patchSystemHeaders: true }),
    (e: unknown) => e instanceof UserError && e.field === '--patch-system-headers' && /only moves keepalived 2\.1\.x's failure to the link/.test(e.message),
  );
});

test('build output: the __u32 error is recognised and the blamed header named; error lines picked out of make noise', () => {
  const out = `In file included from /usr/include/netlink/handlers.h:19:0,\n                 from namespaces.c:171:\n/usr/include/netlink/netlink-kernel.h:193:2: error: unknown type name '__u32'\n  __u32 group;\n`;
  assert.equal(isLibnlU32Failure(out), true);
  assert.equal(headerNamedIn(out), '/usr/include/netlink/netlink-kernel.h');
  // gcc with a UTF-8 locale uses typographic quotes.
  assert.equal(isLibnlU32Failure("netlink-kernel.h:193:2: error: unknown type name ‘__u32’"), true);
  assert.equal(isLibnlU32Failure('error: unknown type name ‘uint128’'), false);
  const noise = "make[2]: Leaving directory '/b/keepalived/core'\nmake[1]: *** [Makefile:530: all-recursive] Error 1\n";
  const build = `gcc -c layer4.c\n/usr/include/net/if.h:44:5: error: redeclaration of enumerator 'IFF_UP'\n   44 |     IFF_UP = 0x1,\n${noise.repeat(10)}/usr/bin/ld: vrrp.o: multiple definition of \`garp_delay'; main.o: first defined here\ncollect2: error: ld returned 1 exit status\n[exit 2]\n`;
  assert.deepEqual(errorLines(build), [
    "/usr/include/net/if.h:44:5: error: redeclaration of enumerator 'IFF_UP'",
    "/usr/bin/ld: vrrp.o: multiple definition of `garp_delay'; main.o: first defined here",
    'collect2: error: ld returned 1 exit status',
  ]);
});
