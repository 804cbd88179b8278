/** The pieces that make a sandboxed node usable over ssh: root resolution, init scripts, remote process lists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { SshHost } from '../../src/host/ssh.js';
import { SysvServices } from '../../src/system/service-control.js';
import { renderInitScript } from '../../src/lab/init-scripts.js';
import { labDaemonArgv } from '../../src/lab/daemon-argv.js';
import { renderLabSshdConfig } from '../../src/lab/sshd.js';
import { labServices } from '../../src/lab/services.js';
import { sshOptionsFromEnv } from '../../src/nodes/remote.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/types.js';
import { tempDir } from '../helpers/paths.js';

test('an ssh host with a root resolves every path under it, and cannot escape it', () => {
  const h = new SshHost('root@192.0.2.11', { root: '/run/ha-setup-lab/ha1', controlDir: '/tmp' });
  assert.equal(h.root, '/run/ha-setup-lab/ha1');
  assert.equal(h.resolvePath('/etc/keepalived/keepalived.conf'), '/run/ha-setup-lab/ha1/etc/keepalived/keepalived.conf');
  assert.equal(h.resolvePath('/../../etc/shadow'), '/run/ha-setup-lab/ha1/etc/shadow');
  assert.equal(h.runtimePath('/etc/keepalived/check_nginx.sh'), '/run/ha-setup-lab/ha1/etc/keepalived/check_nginx.sh');
  const m = h.machine();
  assert.equal(m.root, '/');
  assert.equal(m.resolvePath('/proc/1/comm'), '/proc/1/comm');
  const plain = new SshHost('root@192.0.2.11', { controlDir: '/tmp' });
  assert.equal(plain.root, '/');
  assert.equal(plain.runtimePath('/etc/x'), '/etc/x');
  assert.equal(plain.machine(), plain);
});

test('ssh settings for the lab come from the environment lab exec sets', () => {
  assert.deepEqual(sshOptionsFromEnv({ HA_SETUP_SSH_IDENTITY: '/k', HA_SETUP_SSH_KNOWN_HOSTS: '/kh' }), { identityFile: '/k', knownHostsFile: '/kh' });
  assert.deepEqual(sshOptionsFromEnv({}), {});
});

/** Records the argv SysvServices runs (the real commands would need a sysv machine). */
function recordingHost(root: string): Host & { calls: string[][] } {
  const calls: string[][] = [];
  const host: Host & { calls: string[][] } = {
    kind: 'ssh', label: 'x', root, calls, dryRun: false, remote: true, treeOnly: false,
    machine: () => host, runtimeView: () => host,
    runtimeFs: () => { throw new Error('not read'); }, netns: async () => null, ownInterfaces: async () => null,
    appendFile: async () => undefined, createExclusive: async () => false,
    runtimePath: (p: string) => (root === '/' ? p : `${root}${p}`),
    commandPath: (p: string) => host.runtimePath(p),
    async exec(cmd: string, args: string[], _o?: ExecOptions): Promise<ExecResult> {
      calls.push([cmd, ...args]);
      return { command: [cmd, ...args], exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false };
    },
    readFile: async () => null, writeFileAtomic: async () => ({ path: '', changed: false, backup: null }), exists: async () => false,
    stat: async () => null, modifiedAt: async () => null, readDir: async () => [], remove: async () => undefined, mkdir: async () => undefined,
  };
  return host;
}

test('SysV control runs the node\'s own init script on a sandboxed host, `service` elsewhere', async () => {
  const lab = recordingHost('/run/ha-setup-lab/ha2');
  await new SysvServices(lab).restart('keepalived');
  await new SysvServices(lab).isActive('nginx');
  assert.deepEqual(lab.calls, [['/run/ha-setup-lab/ha2/etc/init.d/keepalived', 'restart'], ['/run/ha-setup-lab/ha2/etc/init.d/nginx', 'status']]);
  const real = recordingHost('/');
  await new SysvServices(real).start('keepalived');
  assert.deepEqual(real.calls, [['service', 'keepalived', 'start']]);
});

test('the lab init script is valid sh, starts the lab\'s argv, and agrees with the lab on whether the daemon runs', async () => {
  const keepalived = { path: '/usr/sbin/keepalived', version: '2.2.7', longOptions: ['no-syslog'], shortOptions: ['b'] };
  const text = renderInitScript('ha1', 'keepalived', keepalived);
  const dir = tempDir('ha-setup-init-');
  const path = join(dir, 'keepalived');
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  execFileSync('sh', ['-n', path]);
  for (const arg of labDaemonArgv('ha1', 'keepalived', keepalived)) assert.ok(text.includes(`'${arg}'`), arg);
  assert.match(text, /setsid/);
  // Same answer as the lab's own service control, whether or not a lab is up right now.
  const status = spawnSync(path, ['status']);
  const running = await labServices('ha1').isActive('keepalived');
  assert.equal(status.status, running ? 0 : 3, String(status.stdout));
  assert.match(String(status.stdout), running ? /is running in ha1/ : /not running in ha1/);
  assert.equal(spawnSync(path, ['bogus']).status, 2);
});

test('the lab sshd announces the node root to every session', () => {
  const cfg = renderLabSshdConfig('ha2');
  assert.match(cfg, /^SetEnv HA_SETUP_ROOT=\/run\/ha-setup-lab\/ha2 HA_SETUP_LAB_NODE=ha2$/m);
  assert.match(cfg, /^ListenAddress 192\.0\.2\.12$/m);
  assert.match(cfg, /^PasswordAuthentication no$/m);
});

