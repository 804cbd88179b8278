import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packageInstallArgv, packageInstallEnvArgv } from '../../src/system/package-install.js';
import { installCommand } from '../../src/keepalived/install/packages.js';
import { packageInstallCommand } from '../../src/doctor/build-context.js';

test('packageInstallArgv: the non-interactive install argv of each package manager', () => {
  assert.deepEqual(packageInstallArgv('apt', ['a', 'b']), { cmd: 'apt-get', args: ['install', '-y', 'a', 'b'], env: { DEBIAN_FRONTEND: 'noninteractive' } });
  assert.deepEqual(packageInstallArgv('dnf', ['a']), { cmd: 'dnf', args: ['install', '-y', 'a'] });
  assert.deepEqual(packageInstallArgv('yum', ['a']), { cmd: 'yum', args: ['install', '-y', 'a'] });
  assert.deepEqual(packageInstallArgv('zypper', ['a']), { cmd: 'zypper', args: ['--non-interactive', 'install', 'a'] });
  assert.deepEqual(packageInstallArgv('apk', ['a']), { cmd: 'apk', args: ['add', 'a'] });
});

test('the installer, doctor hints and firewall steps all read the same argv', () => {
  assert.deepEqual(installCommand('zypper', ['keepalived'], 'why'), { cmd: 'zypper', args: ['--non-interactive', 'install', 'keepalived'], why: 'why' });
  assert.deepEqual(packageInstallCommand('apt', 'tcpdump'), ['apt-get', 'install', '-y', 'tcpdump']);
  assert.equal(packageInstallCommand(null, 'tcpdump'), null);
  assert.deepEqual(packageInstallEnvArgv('apt', ['iptables-persistent']), ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', 'iptables-persistent']);
  assert.deepEqual(packageInstallEnvArgv('dnf', ['iptables-services']), ['dnf', 'install', '-y', 'iptables-services']);
});
