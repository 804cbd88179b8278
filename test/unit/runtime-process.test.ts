import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { findAllKeepalived, findKeepalived, parseKeepalivedArgs } from '../../src/keepalived/runtime/process.js';
import { tempDir } from '../helpers/paths.js';

test('keepalived options in every spelling getopt_long accepts', () => {
  const o = parseKeepalivedArgs(['keepalived', '-nlD', '-f/etc/ka.conf', '--pid', '/run/a.pid', '--vrrp_pid=/run/v.pid', '-S', 'local1', '-G', '-P', '--log-file=/var/log/ka.log']);
  assert.equal(o.dontFork, true);
  assert.equal(o.logConsole, true);
  assert.equal(o.logDetail, true);
  assert.equal(o.configFile, '/etc/ka.conf');
  assert.equal(o.pidFile, '/run/a.pid');
  assert.equal(o.vrrpPidFile, '/run/v.pid');
  assert.equal(o.logFacility, 'local1');
  assert.equal(o.noSyslog, true);
  assert.equal(o.vrrpOnly, true);
  assert.equal(o.logFile, '/var/log/ka.log');
  assert.equal(parseKeepalivedArgs(['keepalived', '--use-file', '/x.conf']).configFile, '/x.conf');
  assert.equal(parseKeepalivedArgs(['keepalived', '-g']).logFile, '/tmp/keepalived.log');
  assert.equal(parseKeepalivedArgs(['/usr/sbin/keepalived', '--dont-fork', '-D']).configFile, null);
});

/** A /proc tree laid out in a directory: just the files findKeepalived reads. */
function fakeProc(): { proc: string; root: string } {
  const root = tempDir('vr-proc-');
  const proc = join(root, 'proc');
  const statLine = (pid: number, comm: string, state: string, ppid: number): string =>
    `${pid} (${comm}) ${state} ${ppid} ${Array.from({ length: 40 }, () => '0').join(' ')}\n`;
  const proc1 = (pid: number | 'self', o: { comm?: string; state?: string; ppid?: number; net: string; mnt?: string; cmdline?: string[]; environ?: string[] }): string => {
    const d = join(proc, String(pid));
    mkdirSync(join(d, 'ns'), { recursive: true });
    mkdirSync(join(d, 'fd'), { recursive: true });
    mkdirSync(join(d, 'net'), { recursive: true });
    symlinkSync(o.net, join(d, 'ns', 'net'));
    symlinkSync(o.mnt ?? 'mnt:[1]', join(d, 'ns', 'mnt'));
    if (pid !== 'self') {
      writeFileSync(join(d, 'comm'), `${o.comm ?? 'keepalived'}\n`);
      writeFileSync(join(d, 'stat'), statLine(pid, o.comm ?? 'keepalived', o.state ?? 'S', o.ppid ?? 1));
      writeFileSync(join(d, 'cmdline'), (o.cmdline ?? ['keepalived']).map((a) => `${a}\0`).join(''));
      writeFileSync(join(d, 'environ'), (o.environ ?? []).map((a) => `${a}\0`).join(''));
    }
    return d;
  };
  proc1('self', { net: 'net:[100]' });
  mkdirSync(join(root, 'tmp'));
  writeFileSync(join(root, 'ka.log'), 'log\n');
  const parent = proc1(10, { net: 'net:[100]', cmdline: ['keepalived', '-l', '-f', '/etc/ha/ka.conf'], environ: ['PATH=/usr/bin', `TMPDIR=${join(root, 'tmp')}`] });
  symlinkSync(join(root, 'ka.log'), join(parent, 'fd', '1'));
  // two children: the checker first, then the VRRP child holding a raw socket for protocol 112
  proc1(11, { net: 'net:[100]', ppid: 10 });
  const vrrp = proc1(12, { net: 'net:[100]', ppid: 10 });
  symlinkSync('socket:[555]', join(vrrp, 'fd', '7'));
  writeFileSync(
    join(vrrp, 'net', 'raw'),
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
      '  23: 00000000:0070 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 555 2 000000007e609029 0\n',
  );
  // another namespace's keepalived, a zombie of ours, something else
  proc1(20, { net: 'net:[200]' });
  proc1(30, { net: 'net:[100]', state: 'Z' });
  proc1(40, { net: 'net:[100]', comm: 'nginx' });
  return { proc, root };
}

test('findKeepalived: our namespace, the parent, the VRRP child, TMPDIR, console log file', async () => {
  const { proc, root } = fakeProc();
  const kp = await findKeepalived(new LocalHost(), { procRoot: proc });
  assert.ok(kp);
  assert.equal(kp.pid, 10);
  assert.deepEqual(kp.childPids, [11, 12]);
  assert.equal(kp.vrrpPid, 12);
  assert.equal(kp.configFile, '/etc/ha/ka.conf');
  assert.equal(kp.tmpDir, join(root, 'tmp'));
  assert.equal(kp.tmpDirSource, 'TMPDIR');
  assert.equal(kp.tmpDirOnHost, join(root, 'tmp'));
  assert.equal(kp.otherMountNamespace, false);
  assert.equal(kp.netns, 'net:[100]');
  assert.equal(kp.logTarget.console, true);
  assert.equal(kp.logTarget.syslog, true);
  assert.equal(kp.logTarget.stdoutFile, join(root, 'ka.log'));
  assert.deepEqual(kp.pidFiles, { parent: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checkers: '/run/checkers.pid' });
  assert.equal((await findAllKeepalived(new LocalHost(), { procRoot: proc })).length, 1);
});

test('findKeepalived: TMPDIR that is not a directory falls back to /tmp; none running is null', async () => {
  const { proc } = fakeProc();
  writeFileSync(join(proc, '10', 'environ'), 'TMPDIR=relative/dir\0');
  const kp = (await findKeepalived(new LocalHost(), { procRoot: proc }))!;
  assert.equal(kp.tmpDir, '/tmp');
  assert.equal(kp.tmpDirSource, 'default');
  const empty = join(tempDir('vr-proc-'), 'proc');
  mkdirSync(join(empty, 'self', 'ns'), { recursive: true });
  symlinkSync('net:[100]', join(empty, 'self', 'ns', 'net'));
  assert.equal(await findKeepalived(new LocalHost(), { procRoot: empty }), null);
});

test('findKeepalived: a daemon in another mount namespace is read through /proc/PID/root', async () => {
  const { proc } = fakeProc();
  rmSync(join(proc, '10', 'ns', 'mnt'));
  symlinkSync('mnt:[2]', join(proc, '10', 'ns', 'mnt'));
  writeFileSync(join(proc, '10', 'environ'), '');
  const kp = (await findKeepalived(new LocalHost(), { procRoot: proc }))!;
  assert.equal(kp.otherMountNamespace, true);
  assert.equal(kp.tmpDir, '/tmp');
  assert.equal(kp.tmpDirOnHost, `${proc}/10/root/tmp`);
});
