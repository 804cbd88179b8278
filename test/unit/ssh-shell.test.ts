import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifySshFailure,
  lsPermsToMode,
  parseSshTarget,
  parseStatLine,
  READ_DIR_SCRIPT,
  READ_FILE_SCRIPT,
  shCommandLine,
  shScript,
  STAT_SCRIPT,
  WRITE_PROBE_SCRIPT,
  MISSING,
} from '../../src/host/ssh-shell.js';
import { SshHost, controlDirBase } from '../../src/host/ssh.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/paths.js';
import { NASTY_ARGS } from '../helpers/host-contract.js';


/** Run an argv through `sh -c` exactly as the remote shell would get it; printf prints each argument NUL-terminated. */
function roundTrip(shell: string, args: string[]): string[] {
  const out = execFileSync(shell, ['-c', shCommandLine(['printf', '%s\\0', ...args])], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

test('quoting round-trips nasty arguments through real shells unchanged, nothing is executed', () => {
  for (const shell of ['sh', 'bash', 'dash'].filter((s) => existsSync(`/bin/${s}`))) {
    assert.deepEqual(roundTrip(shell, NASTY_ARGS), NASTY_ARGS, shell);
  }
  assert.equal(existsSync('/tmp/ha-setup-ssh-pwned'), false);
});

test('the remote command line quotes where needed and refuses a NUL', () => {
  assert.equal(shCommandLine(['rm', '-rf', '--', '/tmp/a b']), "rm -rf -- '/tmp/a b'");
  assert.equal(shCommandLine(['A=b']), "'A=b'");
  assert.throws(() => shCommandLine(['printf', 'a\0b']), UserError);
});

test('the file scripts take their path as a positional parameter, so odd paths work locally too', () => {
  const dir = tempDir();
  const odd = join(dir, "we'ird $(x) dir");
  mkdirSync(odd);
  const file = join(odd, '-file; rm -rf x');
  writeFileSync(file, 'content\n');
  chmodSync(file, 0o640);
  writeFileSync(join(odd, '.dot'), '');
  writeFileSync(join(odd, 'new\nline'), '');
  const run = (script: string, path: string) => {
    try {
      return { code: 0, out: execFileSync('sh', shScript(script, [path]).slice(1), { encoding: 'utf8' }) };
    } catch (e) {
      return { code: (e as { status: number }).status, out: '' };
    }
  };
  assert.deepEqual(run(READ_FILE_SCRIPT, file), { code: 0, out: 'content\n' });
  assert.equal(run(READ_FILE_SCRIPT, join(odd, 'missing')).code, MISSING);
  const stat = parseStatLine(run(STAT_SCRIPT, file).out);
  assert.deepEqual(stat, { mode: 0o640, uid: process.getuid!(), gid: process.getgid!(), size: 8, isFile: true, isDirectory: false });
  assert.equal(run(STAT_SCRIPT, join(odd, 'missing')).code, MISSING);
  assert.deepEqual(run(READ_DIR_SCRIPT, odd).out.split('\0').slice(0, -1).sort(), ['-file; rm -rf x', '.dot', 'new\nline']);
  assert.equal(run(READ_DIR_SCRIPT, join(odd, 'missing')).code, MISSING);
});

test('where stat has no -c (minimal busybox), stat and the write probe fall back to ls -ldn', () => {
  const dir = tempDir();
  const shim = join(dir, 'bin');
  mkdirSync(shim);
  writeFileSync(join(shim, 'stat'), '#!/bin/sh\necho "stat: unrecognized option: c" >&2\nexit 1\n', { mode: 0o755 });
  const file = join(dir, 'f');
  writeFileSync(file, 'abc');
  chmodSync(file, 0o2751);
  const env = { ...process.env, PATH: `${shim}:${process.env.PATH}` };
  const run = (script: string) => execFileSync('sh', shScript(script, [file]).slice(1), { encoding: 'utf8', env });
  const viaLs = run(STAT_SCRIPT);
  assert.match(viaLs, /^L /);
  const expected = { mode: 0o2751, uid: process.getuid!(), gid: process.getgid!(), size: 3, isFile: true, isDirectory: false };
  assert.deepEqual(parseStatLine(viaLs), expected);
  assert.deepEqual(parseStatLine(execFileSync('sh', shScript(STAT_SCRIPT, [file]).slice(1), { encoding: 'utf8' })), expected);
  const probe = run(WRITE_PROBE_SCRIPT).split('\n');
  assert.equal(probe[0], String(process.getuid!()));
  assert.deepEqual(parseStatLine(probe[1]!), expected);
  assert.equal(probe.slice(2).join('\n'), 'abc');
});

test('targets: user, host, port, IPv6; a host that looks like an option is refused', () => {
  assert.deepEqual(parseSshTarget('ha2'), { user: undefined, host: 'ha2', port: undefined });
  assert.deepEqual(parseSshTarget('root@192.0.2.12'), { user: 'root', host: '192.0.2.12', port: undefined });
  assert.deepEqual(parseSshTarget('admin@lb-2.example.com:2222'), { user: 'admin', host: 'lb-2.example.com', port: 2222 });
  assert.deepEqual(parseSshTarget('root@[2001:db8::1]:22'), { user: 'root', host: '2001:db8::1', port: 22 });
  assert.deepEqual(parseSshTarget('2001:db8::1'), { user: undefined, host: '2001:db8::1', port: undefined });
  for (const bad of ['-oProxyCommand=touch /tmp/x', 'root@-oProxyCommand=x', 'host:0', 'host:70000', 'host:ssh', 'a b', 'root@', '', 'root@[::1', 'us er@h']) {
    assert.throws(() => parseSshTarget(bad), UserError, bad);
  }
});

test("ssh's own failures are told apart from the remote command's exit status", () => {
  const cases: [number, string, ReturnType<typeof classifySshFailure>][] = [
    [255, 'No ED25519 host key is known for 192.0.2.32 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'hostKeyUnknown'],
    [255, '@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key verification failed.\r\n', 'hostKeyChanged'],
    [255, 'root@192.0.2.32: Permission denied (publickey).\r\n', 'loginRefused'],
    [255, 'Received disconnect from 192.0.2.32 port 22:2: Too many authentication failures\r\n', 'loginRefused'],
    [255, 'ssh: connect to host 192.0.2.32 port 2222: Connection refused\r\n', 'unreachable'],
    [255, 'ssh: connect to host 192.0.2.39 port 22: Connection timed out\r\n', 'unreachable'],
    [255, 'ssh: connect to host 192.0.2.39 port 22: No route to host\r\n', 'unreachable'],
    [255, 'ssh: Could not resolve hostname nowhere.invalid: Name or service not known\r\n', 'resolve'],
    [255, 'kex_exchange_identification: Connection closed by remote host\r\n', 'connection'],
    // the remote command's own 255, or any other code, belongs to the caller
    [255, 'my-tool: failed\n', null],
    [255, '', null],
    [1, 'Permission denied (publickey).', null],
    [0, '', null],
  ];
  for (const [code, stderr, kind] of cases) assert.equal(classifySshFailure(code, stderr), kind, stderr);
});

test('ls permission strings become modes (stat fallback for minimal busybox)', () => {
  assert.equal(lsPermsToMode('-rw-r--r--'), 0o644);
  assert.equal(lsPermsToMode('-rwsr-xr-x'), 0o4755);
  assert.equal(lsPermsToMode('drwxrwxrwt'), 0o1777);
  assert.equal(lsPermsToMode('-rw-r-S---.'), 0o2640);
  assert.deepEqual(parseStatLine('L -rw------- 1 0 0 12 Jan  1 00:00 /etc/x'), { mode: 0o600, uid: 0, gid: 0, size: 12, isFile: true, isDirectory: false });
  assert.deepEqual(parseStatLine('S 755 0 0 4096 directory'), { mode: 0o755, uid: 0, gid: 0, size: 4096, isFile: false, isDirectory: true });
  assert.deepEqual(parseStatLine('S 600 0 0 0 regular empty file'), { mode: 0o600, uid: 0, gid: 0, size: 0, isFile: true, isDirectory: false });
});

test('the ssh command line: strict host keys, batch mode, multiplexing, options before "--", target after', () => {
  const host = new SshHost('admin@192.0.2.32:2222', {
    identityFile: '/k/id',
    knownHostsFile: '/k/known_hosts',
    controlDir: '/run/c',
    connectTimeoutSec: 3,
    via: ['ip', 'netns', 'exec', 'ss-client'],
    extraOptions: ['-o', 'Compression=yes'],
  });
  const argv = host.sshArgv('true');
  assert.deepEqual(argv.slice(0, 5), ['ip', 'netns', 'exec', 'ss-client', 'ssh']);
  assert.deepEqual(argv.slice(5, 7), ['-o', 'Compression=yes']);
  const opts = argv.join(' ');
  for (const o of ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ConnectTimeout=3', 'LogLevel=ERROR', 'ControlMaster=auto', 'ControlPersist=60', 'UserKnownHostsFile=/k/known_hosts', 'IdentitiesOnly=yes']) {
    assert.ok(opts.includes(`-o ${o}`), o);
  }
  assert.deepEqual(argv.slice(-3), ['--', '192.0.2.32', 'true']);
  assert.match(opts, /-o ControlPath=\/run\/c\/[0-9a-f]{8}-%C /);
  // another key for the same server: another master connection
  const path = (h: SshHost) => h.sshArgv('true').find((a) => a.startsWith('ControlPath='));
  assert.notEqual(path(new SshHost('admin@192.0.2.32:2222', { identityFile: '/k/other', controlDir: '/run/c' })), path(host));
  assert.ok(opts.includes('-p 2222 -l admin'));
  assert.equal(host.label, 'admin@192.0.2.32:2222');
  assert.equal(host.runtimePath('/etc/x'), '/etc/x');
  const lenient = new SshHost('h', { acceptNewHostKey: true, multiplex: false });
  assert.ok(lenient.sshArgv('true').join(' ').includes('-o StrictHostKeyChecking=accept-new -o LogLevel=ERROR'));
  assert.ok(lenient.sshArgv('true').join(' ').includes('-o ControlMaster=no -o ControlPath=none'));
  // no TTY here: asking for interactive login does not drop BatchMode
  assert.ok(new SshHost('h', { interactive: true, controlDir: '/c' }).sshArgv('true').includes('BatchMode=yes'));
});

test('the master socket fits a unix socket path even while ssh binds it at "<path>.<16 random>"', () => {
  // what a test run's TMPDIR looks like: /tmp/ha-setup-tests-XXXXXX
  for (const tmp of ['/tmp', '/tmp/ha-setup-tests-fnAM8k', '/var/tmp/a/much/longer/temporary/directory']) {
    const dir = `${controlDirBase(tmp)}/ha-setup-ssh-bjhLg5`;
    const controlPath = new SshHost('root@192.0.2.12', { controlDir: dir }).sshArgv('true').find((a) => a.startsWith('ControlPath='))!.slice('ControlPath='.length);
    const bound = controlPath.replace('%C', 'a'.repeat(40)) + '.1RSM8Z9nvupKMNQt';
    assert.ok(bound.length <= 107, `${bound} (${bound.length} bytes)`);
  }
  assert.equal(controlDirBase('/tmp'), '/tmp');
});
