import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

/**
 * A real keepalived release built by the real `ha-setup install` into a temporary prefix.
 * Debian's source package carries the pristine upstream tarball (keepalived_2.2.7.orig.tar.gz).
 */

const SOURCES_DIR = '/etc/apt/sources.list.d';
const DEB_SRC_FILE = join(SOURCES_DIR, 'ha-setup-deb-src.sources');

/** Enable deb-src by mirroring the machine's own `deb` entries, unless some deb-src exists. */
async function ensureDebSrc(): Promise<void> {
  const files = [
    ...(existsSync('/etc/apt/sources.list') ? ['/etc/apt/sources.list'] : []),
    ...readdirSync(SOURCES_DIR).filter((n) => n.endsWith('.list') || n.endsWith('.sources')).map((n) => join(SOURCES_DIR, n)),
  ];
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  if (texts.some((t) => /^\s*deb-src\s|^Types:.*\bdeb-src\b/m.test(t))) return;
  const stanzas: string[] = [];
  for (const [i, text] of texts.entries()) {
    if (files[i]!.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        if (/^Types:.*\bdeb\b/m.test(stanza) && !/^Enabled:\s*no/im.test(stanza)) stanzas.push(stanza.replace(/^Types:.*$/m, 'Types: deb-src').trim());
      }
    } else {
      const lines = text.split('\n').filter((l) => /^deb\s/.test(l)).map((l) => l.replace(/^deb\s/, 'deb-src '));
      if (lines.length) stanzas.push(...lines.map((l) => `# one-line: ${l}`));
    }
  }
  const oneLine = stanzas.filter((s) => s.startsWith('# one-line: ')).map((s) => s.slice('# one-line: '.length));
  const deb822 = stanzas.filter((s) => !s.startsWith('# one-line: '));
  if (deb822.length) writeFileSync(DEB_SRC_FILE, deb822.join('\n\n') + '\n');
  if (oneLine.length) writeFileSync(join(SOURCES_DIR, 'ha-setup-deb-src.list'), oneLine.join('\n') + '\n');
  await execa('apt-get', ['update', '-q'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Every entry of the directories a keepalived `make install` could write to, with sizes and mtimes. */
function snapshotSystemDirs(): Map<string, string> {
  const snap = new Map<string, string>();
  const dirs = ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system', '/etc/sysconfig', '/etc/keepalived', '/etc/init.d', '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/etc'];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!/keepalived|genhash/.test(name) && dir !== '/etc/keepalived') continue;
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      snap.set(join(dir, name), st ? `${st.size}:${st.mtimeMs}` : 'dangling');
    }
  }
  return snap;
}

let tarball = '';

before(async () => {
  assert.equal(process.getuid?.(), 0, 'this lab test runs as root (apt-get, make install)');
  await ensureDebSrc();
  const dir = tempDir('ha-setup-ka-src-');
  // The Debian part of the source package may be missing from the mirror (apt-get then
  // exits non-zero); the upstream tarball is what this test needs.
  await execa('apt-get', ['source', '--download-only', 'keepalived'], { cwd: dir, reject: false });
  const orig = readdirSync(dir).find((n) => /^keepalived_[\d.]+\.orig\.tar\.gz$/.test(n));
  assert.ok(orig, `apt-get source fetched no keepalived_*.orig.tar.gz into ${dir}: ${readdirSync(dir).join(', ')}`);
  tarball = join(dir, orig);
  await execa('node', ['scripts/build.mjs'], { cwd: repoRoot });
});

test('ha-setup install --method source builds a real keepalived into a temporary prefix and nothing else', async (t) => {
  const prefix = tempDir('ha-setup-prefix-');
  const before = snapshotSystemDirs();
  const started = Date.now();
  const r = await runCli(['install', '--method', 'source', '--source', tarball, '--prefix', prefix, '--yes'], { timeoutMs: 15 * 60_000 });
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`ha-setup install --method source took ${seconds.toFixed(1)} s`);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  // Plain progress without a TTY: one line per phase, no escape codes.
  for (const phase of ['unpack source', 'install build dependencies (apt)', 'check libnl headers', 'configure', 'make -j', 'make install', 'verify the installed keepalived']) {
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
});

test('the dry run prints every phase command and changes nothing; bad flags change nothing either', async () => {
  const prefix = join(tempDir('ha-setup-prefix-'), 'ka');
  const r = await runCli(['install', '--source', tarball, '--prefix', prefix, '--dry-run', '--jobs', '3']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').map((l) => l.trim());
  for (const expected of [
    '$ mktemp -d /var/tmp/ha-setup-build.XXXXXX',
    `$ tar -xzf ${tarball} -C /var/tmp/ha-setup-build.XXXXXX --strip-components=1`,
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
