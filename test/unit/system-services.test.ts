import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, writeFileSync, rmSync, chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fixturesDir, tempDir } from '../helpers/paths.js';
import {
  findBinary, findProcessesInOurNetns, mainProcess, parseNginxVersion, readSystemd,
} from '../../src/system/services.js';
import { parseKeepalivedVersion } from '../../src/keepalived/version.js';
import { LocalHost } from '../../src/host/local.js';

const fx = (name: string) => readFileSync(join(fixturesDir, 'system', name), 'utf8');

test('versions from the real stderr of keepalived -v and nginx -v', () => {
  assert.equal(parseKeepalivedVersion(fx('keepalived-v.stderr.txt')), '2.2.7');
  assert.equal(parseKeepalivedVersion('Keepalived v1.3.5 (03/19,2017), git commit v1.3.5-6-g6fa32f2'), '1.3.5');
  assert.equal(parseNginxVersion(fx('nginx-v.stderr.txt')), '1.22.1');
  assert.equal(parseKeepalivedVersion('bash: keepalived: command not found'), null);
});

test('mainProcess: the one whose parent is not in the set', () => {
  assert.equal(mainProcess([{ pid: 20, ppid: 10, state: 'S' }, { pid: 10, ppid: 1, state: 'S' }, { pid: 21, ppid: 10, state: 'S' }])!.pid, 10);
  assert.equal(mainProcess([]), null);
});

test('findBinary looks in the standard directories under the root, executables only', async () => {
  const root = tempDir();
  try {
    mkdirSync(join(root, 'usr/sbin'), { recursive: true });
    mkdirSync(join(root, 'usr/local/sbin'), { recursive: true });
    writeFileSync(join(root, 'usr/local/sbin/keepalived'), 'not executable');
    assert.equal(await findBinary(new LocalHost(root), 'keepalived'), null);
    copyFileSync('/bin/true', join(root, 'usr/sbin/keepalived'));
    chmodSync(join(root, 'usr/sbin/keepalived'), 0o755);
    assert.equal(await findBinary(new LocalHost(root), 'keepalived'), '/usr/sbin/keepalived');
    assert.equal(await findBinary(new LocalHost(root), 'nginx'), null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('findProcessesInOurNetns finds a process we started, and forgets it once it is gone', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    // 'spawn' comes once the child has exec'd sleep (before it, its name is still node's).
    await new Promise((r) => child.once('spawn', r));
    const found = await findProcessesInOurNetns(new LocalHost('/'), 'sleep');
    assert.ok(found, 'our own namespace is readable');
    const ours = found.find((p) => p.pid === child.pid);
    assert.ok(ours, `pid ${child.pid} found`);
    assert.equal(ours.ppid, process.pid);
  } finally {
    child.kill('SIGTERM');
  }
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 100));
  const after = await findProcessesInOurNetns(new LocalHost('/'), 'sleep');
  assert.ok(!after!.some((p) => p.pid === child.pid));
});

test('systemd is read from /proc/1/comm of this machine, whatever the root', async () => {
  const comm = readFileSync('/proc/1/comm', 'utf8').trim();
  const root = tempDir();
  try {
    assert.equal(await readSystemd(new LocalHost(root)), comm === 'systemd');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
