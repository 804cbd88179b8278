import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { join } from 'node:path';
import { osReleaseDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

// Runs dist/cli.js as users get it: build first (`npm test` does, or `node scripts/build.mjs`).
test('detect --json on this machine: its os-release, `ip` interfaces, every documented key', async () => {
  const r = await runCli(['detect', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const f = JSON.parse(r.stdout);
  for (const k of ['distro', 'interfaces', 'cloud', 'firewall', 'keepalived', 'nginx', 'systemd', 'selinux', 'root', 'unavailable', 'scope']) assert.ok(k in f, k);
  const fields = Object.fromEntries(
    (await execa('cat', ['/etc/os-release'])).stdout.split('\n').map((l) => l.split('=')).filter((p) => p.length === 2).map(([k, v]) => [k, v!.replace(/^"|"$/g, '')]),
  );
  assert.equal(f.distro.id, fields.ID!.toLowerCase());
  assert.equal(f.interfacesSource, 'ip');
  const defaults = JSON.parse((await execa('ip', ['-j', 'route', 'show', 'default'])).stdout) as Array<{ dev: string }>;
  for (const d of defaults) assert.equal(f.interfaces.find((i: { name: string }) => i.name === d.dev).default, true);
  assert.equal(f.root, process.getuid?.() === 0);
});

test('detect --root reads that os-release (CentOS 7: yum) and says where facts came from', async () => {
  const root = join(osReleaseDir, 'centos7');
  const r = await runCli(['detect', '--root', root, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const f = JSON.parse(r.stdout);
  assert.equal(f.distro.id, 'centos');
  assert.equal(f.distro.packageManager, 'yum');
  assert.equal(f.distro.keepalived.optionsVariable, 'KEEPALIVED_OPTIONS');
  assert.equal(f.keepalived.installed, false, 'no keepalived inside that folder');
  assert.equal(f.scope.root, root);
  const human = await runCli(['detect', '--root', root]);
  assert.match(human.stdout, /Package manager\s+yum/);
  assert.match(human.stdout, new RegExp(`read under ${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('detect speaks Chinese with --lang zh', async () => {
  const r = await runCli(['--lang', 'zh', 'detect', '--root', join(osReleaseDir, 'ubuntu24')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /包管理器\s+apt/);
});
