import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { installWithCli, keepalivedTarball } from '../helpers/keepalived-builds.js';

/**
 * A real keepalived release built by the real `ha-setup install` into a temporary prefix:
 * Debian's 2.2.7 upstream tarball (keepalived_2.2.7.orig.tar.gz), fetched with the lab
 * matrix's helper (apt with lists of its own; the machine's apt configuration is untouched).
 * The matrix's other releases are built the same way, into the build cache.
 */

/** Every entry of the directories a keepalived `make install` could write to, with sizes and mtimes. */
function snapshotSystemDirs(): Map<string, string> {
  const snap = new Map<string, string>();
  const dirs = ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system', '/etc/sysconfig', '/etc/keepalived', '/etc/init.d', '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/etc', '/var/log/ha-setup'];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!/keepalived|genhash/.test(name) && dir !== '/etc/keepalived' && dir !== '/var/log/ha-setup') continue;
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      snap.set(join(dir, name), st ? `${st.size}:${st.mtimeMs}` : 'dangling');
    }
  }
  return snap;
}

let tarball = '';
const made: string[] = [];
const scratch = (prefix: string) => {
  const d = tempDir(prefix);
  made.push(d);
  return d;
};

before(async () => {
  assert.equal(process.getuid?.(), 0, 'this lab test runs as root (apt-get, make install)');
  tarball = await keepalivedTarball('2.2.7');
  await execa('node', ['scripts/build.mjs'], { cwd: repoRoot });
});

after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

test('ha-setup install --method source builds a real keepalived into a temporary prefix and nothing else', async (t) => {
  const prefix = scratch('ha-setup-prefix-');
  const before = snapshotSystemDirs();
  const started = Date.now();
  const r = await installWithCli(tarball, prefix);
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`ha-setup install --method source took ${seconds.toFixed(1)} s`);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  // Plain progress without a TTY: one line per phase, no escape codes.
  for (const phase of ['unpack source', 'install build dependencies (apt)', 'check libnl', 'configure', 'make -j', 'make install', 'verify the installed keepalived']) {
    const label = phase.replace(/[()]/g, '\\$&');
    assert.match(r.stderr, new RegExp(`^ok {3}${label}.* \\((\\d+\\.\\ds|\\d+m\\d\\ds)\\)$`, 'm'), phase);
  }
  assert.doesNotMatch(r.stderr, /\u001b\[/);
  assert.match(r.stdout, new RegExp(`keepalived 2\\.2\\.7 installed: ${prefix}/sbin/keepalived`));
  const version = await execa(join(prefix, 'sbin/keepalived'), ['--version'], { reject: false, all: true });
  assert.equal(version.exitCode, 0);
  assert.match(String(version.all), /Keepalived v2\.2\.7/);
  assert.match(String(version.all), new RegExp(`--prefix=${prefix}`));
  // The unit upstream's Makefile would have put into systemd's directory stayed in the prefix.
  assert.ok(existsSync(join(prefix, 'lib/systemd/system/keepalived.service')));
  assert.match(readFileSync(join(prefix, 'lib/systemd/system/keepalived.service'), 'utf8'), new RegExp(`^ExecStart=${prefix}/sbin/keepalived`, 'm'));
  assert.ok(existsSync(join(prefix, 'etc/sysconfig/keepalived')));
  assert.deepEqual(snapshotSystemDirs(), before, 'nothing was written outside the prefix');
  const logPath = /full output: (\S+)/.exec(r.stderr)?.[1];
  assert.ok(logPath && existsSync(logPath), 'the log file named in the output exists');
  // A staged install keeps its log inside its prefix too, not in this machine's /var/log.
  assert.ok(logPath!.startsWith(`${prefix}/var/log/ha-setup/install-`), logPath);
  assert.match(readFileSync(logPath!, 'utf8'), /==> make -j\d[\s\S]*==> make install/);
  // and so does its audit log: every command it ran, beside the build's own output
  assert.match(readFileSync(join(prefix, 'var/log/ha-setup/ha-setup.log'), 'utf8'), / install exec make install exit=0 /);
});

test('the dry run prints every phase command and changes nothing; bad flags change nothing either', async () => {
  const prefix = join(scratch('ha-setup-prefix-'), 'ka');
  const r = await runCli(['install', '--source', tarball, '--prefix', prefix, '--dry-run', '--jobs', '3']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').map((l) => l.trim());
  for (const expected of [
    '$ mktemp -d /var/tmp/ha-setup-build.XXXXXX',
    // the tarball is staged into the node's build directory and unpacked there
    `$ sh -c 'base64 -d > "$1"' sh /var/tmp/ha-setup-build.XXXXXX/${basename(tarball)}`,
    `$ tar -xzf /var/tmp/ha-setup-build.XXXXXX/${basename(tarball)} -C /var/tmp/ha-setup-build.XXXXXX --strip-components=1`,
    '$ cc -x c -fsyntax-only -',
    `$ ./configure --prefix=${prefix} --sysconfdir=${prefix}/etc --with-systemdsystemunitdir=${prefix}/lib/systemd/system`,
    '$ make -j3',
    '$ make install',
    `$ ${prefix}/sbin/keepalived --version`,
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${r.stdout}`);
  }
  assert.equal(existsSync(prefix), false);
  const bad = await runCli(['install', '--source', tarball, '--sha256', 'xyz', '--yes']);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /--sha256: "xyz" is not accepted\. Accepted: 64 hexadecimal digits/);
});
