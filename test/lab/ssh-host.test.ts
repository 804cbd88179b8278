/**
 * The ssh host against a real OpenSSH server: sshd in namespace ss-node (192.0.2.32),
 * the ssh client in ss-client (192.0.2.31), joined by one veth pair, so no lab traffic
 * touches the root namespace. Both namespaces see the same file system, so what the
 * remote side wrote can be checked byte for byte from here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SshHost, controlDirBase, sshFailureOf, type SshHostOptions } from '../../src/host/ssh.js';
import { OperationError } from '../../src/errors.js';
import { hostContract } from '../helpers/host-contract.js';
import { startSshd, generateKey, type SshdServer } from '../helpers/sshd.js';
import { tempDir } from '../helpers/paths.js';
import { keepalivedTarball, releaseOf } from '../helpers/keepalived-builds.js';
import { installKeepalived } from '../../src/keepalived/install/index.js';
import { silentProgress } from '../../src/progress.js';
import { copyFileSync } from 'node:fs';

const CLIENT_NS = `ss-client-${process.pid}`;
const NODE_NS = `ss-node-${process.pid}`;
const CLIENT_IP = '192.0.2.31';
const NODE_IP = '192.0.2.32';
/** On the link, but nobody has it: connections to it time out or find no route. */
const ABSENT_IP = '192.0.2.39';

let server: SshdServer;
let stateDir: string;
let filesDir: string;
const hosts: SshHost[] = [];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function deleteNamespaces(): void {
  for (const ns of [CLIENT_NS, NODE_NS]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not there
    }
  }
}

/** A host as the pair commands will build it, plus the test's own key and known_hosts. */
function sshHost(opts: SshHostOptions = {}, target = `root@${NODE_IP}`): SshHost {
  const host = new SshHost(target, {
    identityFile: server.clientKeyPath,
    knownHostsFile: server.knownHostsPath,
    configFile: 'none',
    connectTimeoutSec: 5,
    via: ['ip', 'netns', 'exec', CLIENT_NS],
    ...opts,
  });
  hosts.push(host);
  return host;
}

/** The classified ssh failure a promise rejects with (the test's own time limit catches a hang or a prompt). */
async function failureOf(p: Promise<unknown>): Promise<{ kind: string | undefined; error: OperationError }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OperationError, String(e));
    return { kind: sshFailureOf(e), error: e };
  }
  assert.fail('expected the ssh host to fail');
}

before(async () => {
  deleteNamespaces(); // leftovers of an interrupted run
  stateDir = tempDir('ha-setup-ssh-lab-');
  filesDir = join(stateDir, 'files');
  mkdirSync(filesDir);
  ip('netns', 'add', CLIENT_NS);
  ip('netns', 'add', NODE_NS);
  // created directly inside the namespaces: the root namespace never sees these links
  ip('link', 'add', 'ss-c0', 'netns', CLIENT_NS, 'type', 'veth', 'peer', 'name', 'ss-n0', 'netns', NODE_NS);
  ip('-n', CLIENT_NS, 'addr', 'add', `${CLIENT_IP}/24`, 'dev', 'ss-c0');
  ip('-n', NODE_NS, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'ss-n0');
  for (const [ns, dev] of [[CLIENT_NS, 'ss-c0'], [NODE_NS, 'ss-n0']] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  // A login shell that talks: bash sources BASH_ENV before every remote command. Empty
  // unless a test fills it, as a .bashrc with warnings would.
  writeFileSync(join(stateDir, 'noisy-shell'), '');
  server = await startSshd({ netns: NODE_NS, listenAddress: NODE_IP, stateDir: join(stateDir, 'sshd'), extraConfig: [`SetEnv BASH_ENV=${join(stateDir, 'noisy-shell')}`] });
});

after(async () => {
  for (const h of hosts) await h.close().catch(() => undefined);
  await server?.stop();
  deleteNamespaces();
  rmSync(stateDir, { recursive: true, force: true });
});

let caseNo = 0;
for (const c of hostContract) {
  test(`ssh host: ${c.name}`, { timeout: 60_000 }, async () => {
    const base = join(filesDir, `case${++caseNo}`);
    mkdirSync(base);
    await c.run(sshHost(), base);
  });
}

test('what the remote login shell prints before our command is not taken for its output', { timeout: 60_000 }, async () => {
  const noisy = join(stateDir, 'noisy-shell');
  writeFileSync(noisy, "echo 'pyenv: cannot rehash: shims not writable' >&2\necho 'Welcome to the node'\n");
  try {
    const host = sshHost({ multiplex: false });
    const r = await host.exec('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['out\n', 'err\n', 3]);
    const file = join(filesDir, 'noise.txt');
    writeFileSync(file, 'content\n');
    assert.equal(await host.readFile(file), 'content\n');
  } finally {
    writeFileSync(noisy, '');
  }
});

test('writes land byte for byte, root-owned, with mode and backup, through one script', { timeout: 60_000 }, async () => {
  const host = sshHost();
  const path = join(filesDir, 'owned', 'check_nginx.sh');
  mkdirSync(join(filesDir, 'owned'));
  const text = '#!/bin/sh\n# 检查 nginx\ncurl -fsS http://127.0.0.1/ >/dev/null\n';
  writeFileSync(path, text, { mode: 0o755 });
  chownSync(path, 1000, 1000);
  // same content and mode, wrong owner: root ownership is asked for, so it changes
  const r = await host.writeFileAtomic(path, text, { mode: 0o755, rootOwned: true });
  assert.deepEqual(r, { path, changed: true, backup: null });
  const s = statSync(path);
  assert.deepEqual([s.uid, s.gid, s.mode & 0o7777], [0, 0, 0o755]);
  assert.deepEqual(readFileSync(path), Buffer.from(text, 'utf8'));
  assert.deepEqual(await host.writeFileAtomic(path, text, { mode: 0o755, rootOwned: true }), { path, changed: false, backup: null });
  const r2 = await host.writeFileAtomic(path, `${text}exit 0\n`, { mode: 0o755, rootOwned: true });
  assert.equal(readFileSync(r2.backup!, 'utf8'), text);
  assert.equal(statSync(r2.backup!).mode & 0o7777, 0o600);
  assert.deepEqual(readdirSync(join(filesDir, 'owned')).sort(), ['check_nginx.sh', r2.backup!.split('/').pop()]);
});

test('a remote command exiting 255 is returned as such; a timeout is reported, not hung on', { timeout: 60_000 }, async () => {
  const host = sshHost();
  const r = await host.exec('sh', ['-c', 'echo own failure >&2; exit 255']);
  assert.deepEqual([r.exitCode, r.stderr], [255, 'own failure\n']);
  const slow = await host.exec('sleep', ['5'], { timeoutMs: 500 });
  assert.equal(slow.timedOut, true);
  assert.equal((await host.exec('true', [])).exitCode, 0, 'the connection survives a timed-out command');
  await assert.rejects(host.readFile(filesDir), OperationError, 'reading a directory is an error, as locally');
});

test('multiplexing: many commands, even started together, cost one login', { timeout: 60_000 }, async () => {
  // a control directory of its own: the other tests' master connections stay out of the count
  // (where ssh itself would put it: a socket path has room for 107 bytes only)
  const controlDir = tempDir('ha-setup-ssh-', controlDirBase(tmpdir()));
  chmodSync(controlDir, 0o700);
  const host = sshHost({ controlDir });
  const before = server.acceptedLogins();
  await Promise.all(Array.from({ length: 10 }, (_, i) => host.exec('echo', [String(i)])));
  for (let i = 0; i < 10; i++) assert.equal((await host.exec('echo', [String(i)])).stdout, `${i}\n`);
  await host.readFile('/etc/hostname');
  await host.writeFileAtomic(join(filesDir, 'mux.conf'), 'x\n', { mode: 0o600 });
  assert.equal(server.acceptedLogins() - before, 1);
  await host.close();
  await host.checkConnection();
  assert.equal(server.acceptedLogins() - before, 2, 'after close() a new connection is made');

  const plain = sshHost({ multiplex: false });
  const beforePlain = server.acceptedLogins();
  for (let i = 0; i < 3; i++) await plain.exec('true', []);
  assert.equal(server.acceptedLogins() - beforePlain, 3, 'without multiplexing every command logs in');
});

test('unknown host key: classified at once, with the keyscan hint, no prompt', { timeout: 60_000 }, async () => {
  const empty = join(stateDir, 'empty_known_hosts');
  writeFileSync(empty, '');
  const host = sshHost({ knownHostsFile: empty });
  const f = await failureOf(host.checkConnection());
  assert.equal(f.kind, 'hostKeyUnknown');
  assert.match(f.error.message, /unknown host key for 192\.0\.2\.32/);
  assert.match(f.error.hint ?? '', new RegExp(`ssh-keyscan -p 22 192\\.0\\.2\\.32 >> ${empty}`));
  // every operation fails the same way instead of answering "file missing"
  assert.equal((await failureOf(host.exists('/etc'))).kind, 'hostKeyUnknown');
  assert.equal(readFileSync(empty, 'utf8'), '', 'strict checking records nothing');
});

test('a changed host key is told apart from an unknown one', { timeout: 60_000 }, async () => {
  const otherKey = generateKey(join(stateDir, 'other_host_key'));
  const [type, data] = readFileSync(`${otherKey}.pub`, 'utf8').split(' ');
  const wrong = join(stateDir, 'wrong_known_hosts');
  writeFileSync(wrong, `${NODE_IP} ${type} ${data}\n`);
  const f = await failureOf(sshHost({ knownHostsFile: wrong }).checkConnection());
  assert.equal(f.kind, 'hostKeyChanged');
  assert.match(f.error.hint ?? '', /ssh-keygen -f \S+ -R 192\.0\.2\.32/);
});

test('acceptNewHostKey records the key of a server seen for the first time', { timeout: 60_000 }, async () => {
  const fresh = join(stateDir, 'fresh_known_hosts');
  writeFileSync(fresh, '');
  await sshHost({ knownHostsFile: fresh, acceptNewHostKey: true }).checkConnection();
  assert.match(readFileSync(fresh, 'utf8'), /ssh-ed25519 /);
});

test('a key the server does not know: refused login, with the ssh-copy-id hint', { timeout: 60_000 }, async () => {
  const stranger = generateKey(join(stateDir, 'stranger_key'));
  const f = await failureOf(sshHost({ identityFile: stranger }).exec('true', []));
  assert.equal(f.kind, 'loginRefused');
  assert.match(f.error.message, /refused the login \(user root\)/);
  assert.match(f.error.hint ?? '', /ssh-copy-id -p 22 root@192\.0\.2\.32/);
});

test('nobody listening, or nobody there: unreachable, within the connect timeout', { timeout: 60_000 }, async () => {
  const refused = await failureOf(sshHost({}, `root@${NODE_IP}:2222`).checkConnection());
  assert.equal(refused.kind, 'unreachable');
  assert.match(refused.error.message, /cannot reach 192\.0\.2\.32 on port 2222: .*Connection refused/);
  const absent = await failureOf(sshHost({ connectTimeoutSec: 2 }, `root@${ABSENT_IP}`).checkConnection());
  assert.equal(absent.kind, 'unreachable');
});

test('a source build through the ssh host: the tarball is staged onto the node and built there', { timeout: 20 * 60_000 }, async (t) => {
  // The tarball lives in a directory of the admin side that the node cannot see: a tmpfs
  // covers it in sshd's mount namespace (ip netns exec gave sshd one of its own).
  const adminDir = tempDir('ha-setup-admin-');
  try {
    const tarball = join(adminDir, 'keepalived-2.2.7.tar.gz');
    copyFileSync(await keepalivedTarball('2.2.7'), tarball);
    execFileSync('nsenter', ['-t', String(server.pid), '-m', 'mount', '-t', 'tmpfs', 'tmpfs', adminDir]);
    const host = sshHost();
    assert.notEqual((await host.exec('test', ['-e', tarball])).exitCode, 0, 'the node must not see the admin side\'s tarball');
    const prefix = join(filesDir, 'keepalived-prefix');
    const started = Date.now();
    const result = await installKeepalived(host, { family: 'debian', packageManager: 'apt' }, { method: 'source', source: tarball, prefix, skipDependencies: true, jobs: 2 }, silentProgress());
    t.diagnostic(`source build over ssh took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(result.version, '2.2.7');
    assert.equal(result.binary, join(prefix, 'sbin', 'keepalived'));
    assert.equal(await releaseOf(result.binary), '2.2.7');
    // the build directory (with the staged tarball) is gone from the node
    assert.deepEqual(readdirSync('/var/tmp').filter((n) => n.startsWith('ha-setup-build.') && statSync(join('/var/tmp', n)).mtimeMs >= started), []);
  } finally {
    rmSync(adminDir, { recursive: true, force: true });
  }
});
