// keepalived of a remote (ssh) machine: the one-script /proc scan, its parsing into the
// same KeepalivedProcess the local scan gives, and the RuntimeFs over a host's commands.
// The fixtures are real output of the scripts (scripts/record-remote-scan.ts): a
// keepalived in a throw-away namespace, plus a lab node's keepalived in another one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import type { ExecOptions, ExecResult, Host, RuntimeFs } from '../../src/host/types.js';
import {
  findAllKeepalived,
  findKeepalived,
  findKeepalivedZombies,
  keepalivedSourceFor,
  remoteKeepalivedSource,
  selectKeepalived,
} from '../../src/keepalived/runtime/process.js';
import { commandRuntimeFs, parseRemoteStat, realFs } from '../../src/host/runtime-fs.js';
import { SshHost } from '../../src/host/ssh.js';
import {
  decodeField,
  parsePidFileLines,
  parseRemoteKeepalivedScan,
  REMOTE_KEEPALIVED_SCRIPT,
  REMOTE_PID_FILES_SCRIPT,
  scanRemoteKeepalived,
} from '../../src/keepalived/runtime/remote.js';
import { readKeepalivedLog } from '../../src/keepalived/runtime/logs.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';

const fixture = (name: string): string => readFileSync(join(fixturesDir, 'runtime', name), 'utf8');
const SCAN = fixture('remote-scan-base64.txt');
const SCAN_OD = fixture('remote-scan-od.txt');
const PID_FILES = fixture('remote-pid-files.txt');

/** The recorded daemon: the first "k" line is its parent, the second its VRRP child. */
function recorded(): { parent: number; child: number; selfNet: string; dir: string } {
  const scan = parseRemoteKeepalivedScan(SCAN)!;
  const parent = scan.procs.find((p) => p.net === scan.selfNet && !scan.procs.some((q) => q.pid === Number(p.statLine.split(' ')[3])))!;
  const child = scan.procs.find((p) => p.net === scan.selfNet && p.pid !== parent.pid)!;
  const conf = parent.cmdline[parent.cmdline.indexOf('-f') + 1]!;
  return { parent: parent.pid, child: child.pid, selfNet: scan.selfNet, dir: conf.slice(0, conf.indexOf('/conf dir/')) };
}

/** An ssh host that answers the two scripts with the recorded output and records every command. */
class RecordedSshHost implements Host {
  readonly kind = 'ssh' as const;
  readonly label = 'root@192.0.2.11';
  readonly root = '/';
  readonly dryRun = false;
  readonly remote = true;
  readonly treeOnly = false;
  readonly commands: string[][] = [];
  constructor(private readonly scan: string, private readonly pidFiles: string) {}
  runtimePath(path: string): string {
    return path;
  }
  machine(): Host {
    return this;
  }
  runtimeView(): Host {
    return this;
  }
  commandPath(path: string): string {
    return path;
  }
  runtimeFs(): RuntimeFs {
    return commandRuntimeFs(this);
  }
  async netns(): Promise<never> {
    throw new Error('the remote scan learns the namespace from its own script');
  }
  async ownInterfaces(): Promise<null> {
    return null;
  }
  async appendFile(): Promise<never> {
    throw new Error('read-only');
  }
  async createExclusive(): Promise<never> {
    throw new Error('read-only');
  }
  async exec(cmd: string, args: string[], _opts?: ExecOptions): Promise<ExecResult> {
    this.commands.push([cmd, ...args]);
    const script = cmd === 'sh' ? args[1] : undefined;
    const stdout = script === REMOTE_KEEPALIVED_SCRIPT ? this.scan : script === REMOTE_PID_FILES_SCRIPT ? this.pidFiles : '';
    return { command: [cmd, ...args], exitCode: stdout ? 0 : 1, stdout, stderr: '', notFound: false, timedOut: false };
  }
  async readFile(): Promise<string | null> {
    throw new Error('the remote scan reads nothing through Host.readFile');
  }
  async writeFileAtomic(): Promise<never> {
    throw new Error('read-only');
  }
  async exists(): Promise<boolean> {
    throw new Error('the remote scan reads nothing through Host.exists');
  }
  async stat(): Promise<null> {
    throw new Error('the remote scan reads nothing through Host.stat');
  }
  async modifiedAt(): Promise<null> {
    throw new Error('the remote scan reads nothing through Host.modifiedAt');
  }
  async readDir(): Promise<string[]> {
    throw new Error('the remote scan reads nothing through Host.readDir');
  }
  async remove(): Promise<void> {}
  async mkdir(): Promise<void> {}
}

test('recorded scan: the header and every keepalived of the machine, the lab node of another namespace included', () => {
  const scan = parseRemoteKeepalivedScan(SCAN)!;
  assert.match(scan.selfNet, /^net:\[\d+\]$/);
  assert.match(scan.selfMnt!, /^mnt:\[\d+\]$/);
  assert.equal(scan.journal, false);
  const { parent, child, dir } = recorded();
  const ours = scan.procs.filter((p) => p.net === scan.selfNet);
  assert.deepEqual(ours.map((p) => p.pid), [parent, child]);
  const p = ours[0]!;
  // A config path holding a space survives the NUL-separated, encoded command line.
  assert.deepEqual(p.cmdline, ['keepalived', '--dont-fork', '--log-console', '-D', '-f', `${dir}/conf dir/keepalived.conf`, '-p', `${dir}/keepalived.pid`, '-r', `${dir}/vrrp.pid`, '-c', `${dir}/checkers.pid`]);
  assert.equal(p.tmpdir, `${dir}/tmp`);
  assert.equal(p.tmpdirIsDir, true);
  assert.equal(p.stdout, `${dir}/keepalived.out`);
  assert.equal(p.stdoutIsFile, true);
  assert.equal(p.vrrpSocket, false, 'the parent holds no VRRP socket');
  assert.equal(ours[1]!.vrrpSocket, true, 'the VRRP child does');
  assert.match(p.statLine, new RegExp(`^${parent} \\(keepalived\\) S `));
  // The other namespace's daemons (a lab node) are listed, but their sockets not looked at.
  const others = scan.procs.filter((q) => q.net !== scan.selfNet);
  assert.ok(others.length >= 1);
  assert.ok(others.every((q) => q.vrrpSocket === null));
});

test('recorded scan: the od fallback (no base64 on the server) decodes to the same records', () => {
  // Recorded a moment apart: the stat lines' counters moved, nothing else did.
  const withoutStat = (text: string) => {
    const scan = parseRemoteKeepalivedScan(text)!;
    return { ...scan, procs: scan.procs.map((p) => ({ ...p, statLine: p.statLine.split(' ').slice(0, 5).join(' ') })) };
  };
  assert.deepEqual(withoutStat(SCAN_OD), withoutStat(SCAN));
  assert.match(SCAN_OD, /^k \d+ \S+ \S+ [01] [01] \S+ x[0-9a-f]+ /m);
});

test('recorded scan: the same KeepalivedProcess the local scan gives', async () => {
  const { parent, child, selfNet, dir } = recorded();
  const host = new RecordedSshHost(SCAN, PID_FILES);
  const kp = (await findKeepalived(host))!;
  assert.equal(kp.pid, parent);
  assert.deepEqual(kp.childPids, [child]);
  assert.equal(kp.vrrpPid, child, 'named by its pid file');
  assert.equal(kp.checkerPid, null, 'no virtual_server: no checker child, no checkers.pid');
  assert.equal(kp.configFile, `${dir}/conf dir/keepalived.conf`);
  assert.equal(kp.netns, selfNet);
  // The daemon was started by `ip netns exec` (its own mount namespace): its files are read through /proc/PID/root.
  assert.equal(kp.otherMountNamespace, true);
  assert.equal(kp.tmpDir, `${dir}/tmp`);
  assert.equal(kp.tmpDirSource, 'TMPDIR');
  assert.equal(kp.tmpDirOnHost, `/proc/${parent}/root${dir}/tmp`);
  assert.deepEqual(kp.pidFiles, { parent: `${dir}/keepalived.pid`, vrrp: `${dir}/vrrp.pid`, checkers: `${dir}/checkers.pid` });
  assert.deepEqual(kp.logTarget, { console: true, file: null, syslog: true, syslogFacility: null, stdout: `${dir}/keepalived.out`, stdoutFile: `${dir}/keepalived.out`, journal: false });
  // Two round trips in all: the scan, then every pid file in one batch (through /proc/PID/root).
  assert.equal(host.commands.length, 2);
  assert.deepEqual(host.commands[1]!.slice(4), [`/proc/${parent}/root${dir}/vrrp.pid`, `/proc/${parent}/root${dir}/checkers.pid`]);
  assert.equal((await findAllKeepalived(host)).length, 1);
});

test('without pid files the VRRP child is the one holding the protocol 112 socket', async () => {
  const { child } = recorded();
  const kp = (await findKeepalived(new RecordedSshHost(SCAN, '\n\n')))!;
  assert.equal(kp.vrrpPid, child);
});

test('an ssh host is scanned on its machine, never through this machine\'s /proc', async () => {
  const host = new RecordedSshHost(SCAN, PID_FILES);
  const source = keepalivedSourceFor(host);
  assert.equal((await source.snapshot()).wantedNet, recorded().selfNet);
  assert.equal(host.commands[0]![0], 'sh');
  assert.equal(host.commands[0]![2], REMOTE_KEEPALIVED_SCRIPT);
  assert.equal(host.commands[0]![4], 'keepalived', 'the name arrives as a positional parameter');
  // The daemon's files: this machine's for a local host, commands over the connection for ssh.
  assert.equal(new LocalHost().runtimeFs(), realFs);
  const ssh = new SshHost('root@192.0.2.11', { controlDir: '/tmp' });
  assert.notEqual(ssh.runtimeFs(), realFs);
  assert.equal(ssh.runtimeFs().remote, true);
  // A scan that cannot run (no /proc, exit status) finds nothing rather than guessing.
  const broken = new RecordedSshHost('', '');
  assert.equal(await findKeepalived(broken), null);
  assert.deepEqual(await findKeepalivedZombies(broken), []);
});

test('zombies come from the same scan', async () => {
  const { parent } = recorded();
  const zombie = SCAN.replace(new RegExp(`(k ${parent} .* \\(keepalived\\)) S `), '$1 Z ');
  const snap = await remoteKeepalivedSource(new RecordedSshHost(zombie, PID_FILES)).snapshot();
  const found = await selectKeepalived(snap, { procRoot: '/proc', readPidFiles: async (p) => p.map(() => null) });
  // The parent is a zombie: its child, whose parent is no live keepalived, stands alone.
  assert.deepEqual(found.map((k) => k.pid), [recorded().child]);
  assert.deepEqual(await findKeepalivedZombies(new RecordedSshHost(zombie, PID_FILES)), [parent]);
});

test('encoded fields: base64, hex, nothing else', () => {
  assert.deepEqual(decodeField('bYQBi'), new Uint8Array([0x61, 0, 0x62]));
  assert.deepEqual(decodeField('x610062'), new Uint8Array([0x61, 0, 0x62]));
  assert.deepEqual(decodeField('b'), new Uint8Array());
  assert.equal(decodeField('x6'), null);
  assert.equal(decodeField('zzz'), null);
  assert.equal(parseRemoteKeepalivedScan('bash: line 1: something\n'), null);
  assert.deepEqual(parsePidFileLines('28053\n\n12x\n', 4), [28053, null, null, null]);
});

test('remote stat lines: nanosecond mtime from GNU stat, seconds elsewhere', () => {
  assert.deepEqual(parseRemoteStat('612 1795429545.753739977 3 regular file\n'), { ino: 612, mtimeMs: 1795429545753.74, size: 3, isFile: true, isDirectory: false });
  assert.deepEqual(parseRemoteStat('7 1700000000 4096 directory'), { ino: 7, mtimeMs: 1700000000000, size: 4096, isFile: false, isDirectory: true });
  assert.equal(parseRemoteStat('stat: cannot stat'), null);
});

test('the scan script runs under sh against this machine\'s /proc (its own namespace as "ours")', async () => {
  const scan = await scanRemoteKeepalived(new LocalHost());
  assert.ok(scan, 'the script ran and printed its header');
  assert.equal(scan.selfNet, readlinkSync('/proc/self/ns/net'));
});

test('commandRuntimeFs: files, tails, links, stats and listings through the host\'s commands', async () => {
  const dir = tempDir('rs-fs-');
  const file = join(dir, 'keepalived.stats');
  writeFileSync(file, 'line 1\nline 2\n\u00e9\n');
  symlinkSync(file, join(dir, 'link'));
  mkdirSync(join(dir, 'sub dir'));
  const rfs = commandRuntimeFs(new LocalHost());
  assert.equal(rfs.remote, true);
  assert.deepEqual(await rfs.readFile(file), new Uint8Array(readFileSync(file)));
  assert.equal(new TextDecoder().decode((await rfs.readTail(file, 10))!), 'line 2\n\u00e9\n', 'bytes, not characters');
  assert.equal(await rfs.readLink(join(dir, 'link')), file);
  const st = (await rfs.stat(join(dir, 'link')))!;
  const local = (await realFs.stat(file))!;
  assert.equal(st.ino, local.ino);
  assert.equal(st.size, local.size);
  assert.ok(Math.abs(st.mtimeMs - local.mtimeMs) < 1, `${st.mtimeMs} vs ${local.mtimeMs}`);
  assert.equal(st.isFile, true);
  assert.equal((await rfs.stat(join(dir, 'sub dir')))!.isDirectory, true);
  assert.deepEqual((await rfs.readDir(dir)).sort(), ['keepalived.stats', 'link', 'sub dir']);
  assert.equal(await rfs.readFile(join(dir, 'missing')), null);
  assert.equal(await rfs.readTail(join(dir, 'missing'), 10), null);
  assert.equal(await rfs.stat(join(dir, 'missing')), null);
  assert.equal(await rfs.readLink(file), null);
});

test('the log of an ssh host is read on its machine', async () => {
  const dir = tempDir('rs-log-');
  const path = join(dir, 'keepalived.log');
  writeFileSync(path, readFileSync(join(fixturesDir, 'runtime', 'log-2.2.7-master.log')));
  const tails: string[] = [];
  const rfs = { ...commandRuntimeFs(new LocalHost()) };
  const readTail = rfs.readTail;
  rfs.readTail = (p, n) => (tails.push(p), readTail(p, n));
  const kp = { pid: 1, otherMountNamespace: false, logTarget: { console: true, file: path, syslog: false, syslogFacility: null, stdout: null, stdoutFile: null, journal: false } };
  const log = await readKeepalivedLog(new LocalHost(), kp, { lines: 5, fs: rfs });
  assert.equal(log.source, 'log-file');
  assert.equal(log.lines.length, 5);
  assert.deepEqual(tails, [path]);
});
