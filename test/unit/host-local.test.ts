import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { PlanHost } from '../../src/host/plan.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/paths.js';

test('writeFileAtomic writes under --root with the requested mode', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  const r = await host.writeFileAtomic('/etc/keepalived/keepalived.conf', 'a\n', { mode: 0o600 });
  assert.equal(r.changed, true);
  assert.equal(r.backup, null);
  const full = join(root, 'etc/keepalived/keepalived.conf');
  assert.equal(readFileSync(full, 'utf8'), 'a\n');
  assert.equal(statSync(full).mode & 0o7777, 0o600);
});

test('a second identical write changes nothing and makes no backup', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  await host.writeFileAtomic('/etc/x.conf', 'same\n', { mode: 0o644 });
  const before = statSync(join(root, 'etc/x.conf')).mtimeMs;
  const r = await host.writeFileAtomic('/etc/x.conf', 'same\n', { mode: 0o644 });
  assert.equal(r.changed, false);
  assert.deepEqual(readdirSync(join(root, 'etc')), ['x.conf']);
  assert.equal(statSync(join(root, 'etc/x.conf')).mtimeMs, before);
});

test('a changed write keeps the previous content as a timestamped backup', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/x.conf'), 'old\n', { mode: 0o640 });
  const host = new LocalHost(root);
  const r = await host.writeFileAtomic('/etc/x.conf', 'new\n', { mode: 0o600 });
  assert.match(r.backup ?? '', /^\/etc\/x\.conf\.bak-\d{8}T\d{6}Z$/);
  assert.equal(readFileSync(join(root, r.backup!), 'utf8'), 'old\n');
  assert.equal(readFileSync(join(root, 'etc/x.conf'), 'utf8'), 'new\n');
  assert.equal(statSync(join(root, 'etc/x.conf')).mode & 0o7777, 0o600);
  // no temporary file is left behind
  assert.deepEqual(readdirSync(join(root, 'etc')).filter((f) => f.includes('.tmp')), []);
});

test('a mode change alone is applied', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  await host.writeFileAtomic('/usr/local/bin/s.sh', '#!/bin/sh\n', { mode: 0o644 });
  const r = await host.writeFileAtomic('/usr/local/bin/s.sh', '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(r.changed, true);
  assert.equal(statSync(join(root, 'usr/local/bin/s.sh')).mode & 0o7777, 0o755);
});

test('paths cannot escape the root', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  assert.equal(host.resolvePath('/../../etc/passwd'), join(root, 'etc/passwd'));
  await assert.rejects(host.readFile('relative/path'), UserError);
});

test('exec runs an argv array, never a shell string', async () => {
  const host = new LocalHost('/');
  const r = await host.exec('printf', ['%s', 'a; echo injected']);
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'a; echo injected');
  const missing = await host.exec('ha-setup-no-such-command', []);
  assert.equal(missing.notFound, true);
  assert.notEqual(missing.exitCode, 0);
});

test('the plan host records writes and commands and changes nothing', async () => {
  const root = tempDir();
  const plan = new PlanHost(new LocalHost(root));
  await plan.writeFileAtomic('/etc/a', 'x', { mode: 0o600, why: 'test' });
  await plan.exec('systemctl', ['restart', 'keepalived']);
  assert.equal(await plan.readFile('/etc/a'), 'x');
  assert.equal(existsSync(join(root, 'etc/a')), false);
  assert.deepEqual(
    plan.actions.map((a) => a.kind),
    ['write', 'exec'],
  );
  assert.deepEqual((plan.actions[1] as { command: string[] }).command, ['systemctl', 'restart', 'keepalived']);
});
