import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { NetnsHost } from '../../src/host/netns.js';
import { PlanHost } from '../../src/host/plan.js';
import { MISSING, MTIME_SCRIPT, shScript } from '../../src/host/ssh-shell.js';
import { tempDir } from '../helpers/paths.js';

// A file time well in the past, whole seconds so every way of reading it agrees.
const WHEN = new Date('2024-03-01T12:34:56Z');

function fileUnder(root: string, path: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, 'x\n');
  utimesSync(full, WHEN, WHEN);
  return full;
}

test('local host: modifiedAt reads the file under its root; a missing file is null', async () => {
  const root = tempDir();
  fileUnder(root, 'var/log/keepalived.log');
  const host = new LocalHost(root);
  assert.equal(await host.modifiedAt('/var/log/keepalived.log'), WHEN.getTime());
  assert.equal(await host.modifiedAt('/var/log/missing.log'), null);
});

test('lab node host: modifiedAt takes a node path and the real path the daemon names alike', async () => {
  const root = tempDir();
  const real = fileUnder(root, 'var/log/keepalived.log');
  const host = new NetnsHost('ha-setup-no-such-ns', root);
  assert.equal(await host.modifiedAt('/var/log/keepalived.log'), WHEN.getTime());
  assert.equal(await host.modifiedAt(real), WHEN.getTime());
  assert.equal(await host.runtimeView().modifiedAt(host.runtimePath('/var/log/keepalived.log')), WHEN.getTime());
});

test('plan host: modifiedAt asks the host it plans for', async () => {
  const root = tempDir();
  fileUnder(root, 'etc/keepalived/keepalived.conf');
  const plan = new PlanHost(new LocalHost(root));
  assert.equal(await plan.modifiedAt('/etc/keepalived/keepalived.conf'), WHEN.getTime());
  assert.equal(await plan.modifiedAt('/etc/missing'), null);
});

test('ssh host script: the mtime in seconds, with stat -c or, on a minimal busybox, date -r; MISSING when absent', () => {
  const dir = tempDir();
  const file = fileUnder(dir, 'f');
  const run = (path: string, env?: NodeJS.ProcessEnv) => {
    try {
      return { code: 0, out: execFileSync('sh', shScript(MTIME_SCRIPT, [path]).slice(1), { encoding: 'utf8', env }) };
    } catch (e) {
      return { code: (e as { status: number }).status, out: '' };
    }
  };
  const seconds = String(WHEN.getTime() / 1000);
  assert.deepEqual(run(file), { code: 0, out: `${seconds}\n` });
  assert.equal(run(join(dir, 'missing')).code, MISSING);
  const shim = join(dir, 'bin');
  mkdirSync(shim);
  writeFileSync(join(shim, 'stat'), '#!/bin/sh\necho "stat: unrecognized option: c" >&2\nexit 1\n');
  chmodSync(join(shim, 'stat'), 0o755);
  assert.deepEqual(run(file, { ...process.env, PATH: `${shim}:${process.env.PATH}` }), { code: 0, out: `${seconds}\n` });
});
