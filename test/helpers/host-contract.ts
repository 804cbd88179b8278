/**
 * Behaviours every file-writing Host must share, written once and run against each
 * implementation (LocalHost under a temporary root, SshHost against a real sshd), so
 * "the same contract as local" is checked rather than promised. Only the Host interface
 * is used: `base` is a directory prefix on the host under test ("" for a LocalHost whose
 * root is already a temporary directory).
 */
import assert from 'node:assert/strict';
import type { Host } from '../../src/host/types.js';
import { UserError } from '../../src/errors.js';

export interface HostContractCase {
  name: string;
  run(host: Host, base: string): Promise<void>;
}

/** Arguments that break naive quoting (ssh hands the remote shell one string); each must arrive unchanged. */
export const NASTY_ARGS = [
  'plain',
  'two words',
  '',
  "it's",
  "''",
  "'",
  '"double"',
  '$(touch /tmp/ha-setup-ssh-pwned)',
  '`touch /tmp/ha-setup-ssh-pwned`',
  '$HOME',
  '${PATH}',
  'a;b',
  'a && b || c',
  'a | b',
  '>out <in',
  'line1\nline2',
  '\ttab\r\n',
  '*',
  '~',
  '~root',
  '\\',
  '\\n',
  '!',
  '#not a comment',
  '-n',
  '--',
  'A=b',
  'ünïcødé 中文 🙂',
  ' leading and trailing ',
];

export const hostContract: HostContractCase[] = [
  {
    name: 'exec passes every argument through unchanged, nothing is interpreted',
    async run(host) {
      const r = await host.exec('printf', ['%s\\0', ...NASTY_ARGS]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\0').slice(0, -1), NASTY_ARGS);
      assert.deepEqual(r.command, ['printf', '%s\\0', ...NASTY_ARGS]);
      assert.equal((await host.exec('test', ['-e', '/tmp/ha-setup-ssh-pwned'])).exitCode, 1);
    },
  },
  {
    name: 'exec reports exit codes, stdin, env and a missing command',
    async run(host) {
      assert.equal((await host.exec('sh', ['-c', 'exit 7'])).exitCode, 7);
      const echo = await host.exec('sh', ['-c', 'cat; printf "[%s]" "$HA_X"; echo err >&2; exit 3'], { input: 'in\n', env: { HA_X: "a 'b' $c" } });
      assert.deepEqual([echo.exitCode, echo.stdout, echo.stderr], [3, "in\n[a 'b' $c]", 'err\n']);
      const cwd = await host.exec('pwd', [], { cwd: '/tmp' });
      assert.equal(cwd.stdout, '/tmp\n');
      const missing = await host.exec('ha-setup-no-such-command', []);
      assert.equal(missing.notFound, true);
      assert.notEqual(missing.exitCode, 0);
    },
  },
  {
    name: 'writeFileAtomic writes with the requested mode and creates the directory',
    async run(host, base) {
      const path = `${base}/etc/keepalived/keepalived.conf`;
      const r = await host.writeFileAtomic(path, 'a\n', { mode: 0o600 });
      assert.deepEqual(r, { path, changed: true, backup: null });
      assert.equal(await host.readFile(path), 'a\n');
      const s = await host.stat(path);
      assert.equal(s?.mode, 0o600);
      assert.equal(s?.isFile, true);
      assert.equal(s?.size, 2);
    },
  },
  {
    name: 'modifiedAt is the file time in ms (whole seconds may be all a host knows); null when missing',
    async run(host, base) {
      const path = `${base}/var/log/m.log`;
      const before = Date.now();
      await host.writeFileAtomic(path, 'm\n', { mode: 0o644 });
      const at = await host.modifiedAt(path);
      assert.ok(at !== null && at >= Math.floor(before / 1000) * 1000 - 1000 && at <= Date.now() + 1000, `${at} vs ${before}`);
      assert.equal(await host.modifiedAt(`${base}/var/log/missing.log`), null);
    },
  },
  {
    name: 'a second identical write changes nothing and makes no backup',
    async run(host, base) {
      const path = `${base}/etc/x.conf`;
      await host.writeFileAtomic(path, 'same\n', { mode: 0o644 });
      const r = await host.writeFileAtomic(path, 'same\n', { mode: 0o644 });
      assert.deepEqual(r, { path, changed: false, backup: null });
      assert.deepEqual(await host.readDir(`${base}/etc`), ['x.conf']);
    },
  },
  {
    name: 'a changed write keeps the previous content as a timestamped backup, no temporary file left',
    async run(host, base) {
      const path = `${base}/etc/y.conf`;
      await host.writeFileAtomic(path, 'old\n', { mode: 0o640 });
      const r = await host.writeFileAtomic(path, 'new\n', { mode: 0o600 });
      assert.equal(r.changed, true);
      assert.match(r.backup ?? '', /\/etc\/y\.conf\.bak-\d{8}T\d{6}Z$/);
      assert.equal(await host.readFile(r.backup!), 'old\n');
      assert.equal((await host.stat(r.backup!))?.mode, 0o600);
      assert.equal(await host.readFile(path), 'new\n');
      assert.equal((await host.stat(path))?.mode, 0o600);
      assert.deepEqual((await host.readDir(`${base}/etc`)).filter((f) => f.includes('.tmp')), []);
    },
  },
  {
    name: 'a mode change alone is applied, without a backup',
    async run(host, base) {
      const path = `${base}/usr/local/bin/s.sh`;
      await host.writeFileAtomic(path, '#!/bin/sh\n', { mode: 0o644 });
      const r = await host.writeFileAtomic(path, '#!/bin/sh\n', { mode: 0o755 });
      assert.deepEqual(r, { path, changed: true, backup: null });
      assert.equal((await host.stat(path))?.mode, 0o755);
    },
  },
  {
    name: 'content survives byte for byte: UTF-8, CRLF, no final newline, empty',
    async run(host, base) {
      const samples = ['password 密码 ünïcødé\r\nline2\ttab', '', 'no newline at end', "quotes ' \" `$(x)` \\ \n\n\n"];
      for (const [i, text] of samples.entries()) {
        const path = `${base}/data/f${i}`;
        await host.writeFileAtomic(path, text, { mode: 0o600 });
        assert.equal(await host.readFile(path), text);
        assert.equal((await host.stat(path))?.size, Buffer.byteLength(text));
      }
    },
  },
  {
    name: 'missing things: readFile null, exists false, stat null, readDir empty',
    async run(host, base) {
      assert.equal(await host.readFile(`${base}/nope/file`), null);
      assert.equal(await host.exists(`${base}/nope/file`), false);
      assert.equal(await host.stat(`${base}/nope`), null);
      assert.deepEqual(await host.readDir(`${base}/nope`), []);
    },
  },
  {
    name: 'mkdir, readDir (sorted, dotfiles included), stat of a directory, remove recursively',
    async run(host, base) {
      const dir = `${base}/var/lib/ha`;
      await host.mkdir(dir, 0o750);
      assert.equal(await host.exists(dir), true);
      const s = await host.stat(dir);
      assert.equal(s?.isDirectory, true);
      assert.equal(s?.isFile, false);
      for (const name of ['b', '.hidden', 'a file', '..dots']) {
        await host.writeFileAtomic(`${dir}/${name}`, name, { mode: 0o644 });
      }
      assert.deepEqual(await host.readDir(dir), ['..dots', '.hidden', 'a file', 'b']);
      await host.remove(`${base}/var`);
      assert.equal(await host.exists(dir), false);
      await host.remove(`${base}/var`); // removing what is gone is fine
    },
  },
  {
    name: 'relative paths are refused with a UserError',
    async run(host) {
      await assert.rejects(host.readFile('relative/path'), UserError);
      await assert.rejects(host.writeFileAtomic('etc/x', 'x', { mode: 0o600 }), UserError);
    },
  },
];
