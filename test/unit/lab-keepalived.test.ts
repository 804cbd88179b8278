// The lab's keepalived: argv from what each release's --help lists (the recordings' help
// texts for releases that cannot run here), the probe of real binaries, and the user
// database a lab node shares with the machine.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parseHelpOptions } from '../../src/keepalived/binary.js';
import { keepalivedDaemonArgv, optionsNotAccepted, probeLabKeepalived, type LabKeepalived } from '../../src/lab/keepalived.js';
import { LAB_DAEMON_TIMING, labDaemonArgv, labDaemonFiles, labDaemonMarker } from '../../src/lab/daemon-argv.js';
import { renderInitScript } from '../../src/lab/init-scripts.js';
import { labServices } from '../../src/lab/services.js';
import { NetnsHost } from '../../src/host/netns.js';
import { LocalHost } from '../../src/host/local.js';
import { userExists } from '../../src/setup/plan.js';
import { findBinary } from '../../src/system/services.js';
import { UserError } from '../../src/errors.js';
import { sharedDir, tempDir } from '../helpers/paths.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A release's --help as recorded (stderr part of help.txt). */
function recorded(release: string): LabKeepalived {
  const help = readFileSync(join(sharedDir, 'reference', 'keepalived-recordings', release, 'help.txt'), 'utf8');
  const o = parseHelpOptions(help);
  return { path: `/opt/ka-${release}/sbin/keepalived`, version: release, longOptions: [...o.long], shortOptions: [...o.short] };
}

const files = { tmpDir: '/n/tmp', config: '/n/k.conf', pid: '/n/k.pid', vrrpPid: '/n/v.pid', checkersPid: '/n/c.pid', bfdPid: '/n/b.pid' };

test('argv per release: no --no-syslog on 1.3.5, no -b without BFD, the config always named', () => {
  const expectTail = (extra: { noSyslog: boolean; bfd: boolean }) => [
    '--dont-fork', '--vrrp', '--log-console', '--log-detail', ...(extra.noSyslog ? ['--no-syslog'] : []),
    '-f', '/n/k.conf', '-p', '/n/k.pid', '-r', '/n/v.pid', '-c', '/n/c.pid', ...(extra.bfd ? ['-b', '/n/b.pid'] : []),
  ];
  const cases: Array<[string, { noSyslog: boolean; bfd: boolean }]> = [
    ['1.3.5', { noSyslog: false, bfd: false }],
    ['2.0.20', { noSyslog: true, bfd: false }],
    ['2.1.5', { noSyslog: true, bfd: false }],
    ['2.2.7', { noSyslog: true, bfd: true }], // Debian's build has BFD
    ['2.2.8', { noSyslog: true, bfd: false }],
    ['2.3.4', { noSyslog: true, bfd: false }],
    ['2.4.3', { noSyslog: true, bfd: false }],
  ];
  for (const [release, extra] of cases) {
    const k = recorded(release);
    assert.deepEqual(keepalivedDaemonArgv(k, files), ['env', 'TMPDIR=/n/tmp', k.path, ...expectTail(extra)], release);
  }
  assert.deepEqual(optionsNotAccepted(recorded('1.3.5')), ['--no-syslog', '-b']);
  assert.deepEqual(optionsNotAccepted(recorded('2.3.4')), ['-b']);
  assert.deepEqual(optionsNotAccepted(recorded('2.2.7')), []);
});

test('the lab services and the init scripts start the same argv, through the lab link named keepalived', () => {
  const k = recorded('1.3.5');
  const argv = labDaemonArgv('ha2', 'keepalived', k);
  assert.deepEqual(labServices('ha2').argv('keepalived', k), ['ip', 'netns', 'exec', 'ha2', ...argv]);
  assert.equal(argv[2], '/run/ha-setup-lab/bin/keepalived');
  const script = renderInitScript('ha2', 'keepalived', k);
  assert.ok(script.includes(argv.map((a) => `'${a}'`).join(' ')), 'the init script runs exactly that argv');
  assert.doesNotMatch(script, /no-syslog|'-b'/);
});

test('the init scripts wait for, recognise and stop a daemon by the same table as the lab services', () => {
  const k = recorded('2.2.7');
  for (const name of ['keepalived', 'nginx'] as const) {
    const script = renderInitScript('ha1', name, k);
    const files = labDaemonFiles(name);
    assert.ok(script.includes(`PIDFILE='/run/ha-setup-lab/ha1${files.pidFile}'`), name);
    assert.ok(script.includes(`LOG='/run/ha-setup-lab/ha1${files.log}'`), name);
    assert.ok(script.includes(`MARKER='${labDaemonMarker('ha1')}'`) && script.includes('grep -qF "$MARKER"'), name);
    // Each wait in its own function: start() for the pid file, stop() for the exit (50 ms polls).
    const polls = (fn: string) => Number(new RegExp(`\\n${fn}\\(\\) \\{[\\s\\S]*?while \\[ \\$i -lt (\\d+) \\]`).exec(script)?.[1]);
    assert.equal(polls('start') * 50, LAB_DAEMON_TIMING.startTimeoutMs, name);
    assert.equal(polls('stop') * 50, LAB_DAEMON_TIMING.stopGraceMs, name);
  }
});

test('the probe reads a real binary; anything else is a usage error naming --keepalived', async () => {
  const debian = await probeLabKeepalived('/usr/sbin/keepalived');
  assert.equal(debian.version, '2.2.7');
  assert.ok(debian.shortOptions.includes('b') && debian.longOptions.includes('no-syslog'));
  const dir = tempDir('ha-setup-probe-');
  made.push(dir);
  const script = join(dir, 'keepalived');
  writeFileSync(script, '#!/bin/sh\necho "not keepalived"\n');
  chmodSync(script, 0o755);
  const plain = join(dir, 'plain');
  writeFileSync(plain, 'x');
  for (const [path, reason] of [[script, /names no keepalived release/], [plain, /not an executable file/], [join(dir, 'missing'), /not an executable file/]] as const) {
    await assert.rejects(probeLabKeepalived(path), (e: unknown) => e instanceof UserError && e.field === '--keepalived' && reason.test(e.message) && e.exitCode === 64);
  }
});

test("a lab node's users are the machine's, and its programs come from its own directories first", async () => {
  const root = tempDir('ha-setup-node-');
  made.push(root);
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'onlyinthenode:x:999:999::/:/sbin/nologin\n');
  const node = new NetnsHost('wp2-none', root);
  assert.equal(await userExists(node, 'root'), true, 'the machine has root');
  assert.equal(await userExists(node, 'onlyinthenode'), false, "the node directory's passwd is not the node's user database");
  // A --root image has its own users.
  assert.equal(await userExists(new LocalHost(root), 'onlyinthenode'), true);
  const bin = tempDir('ha-setup-bin-');
  made.push(bin);
  writeFileSync(join(bin, 'keepalived'), '#!/bin/sh\n');
  chmodSync(join(bin, 'keepalived'), 0o755);
  assert.equal(await findBinary(new NetnsHost('wp2-none', root, undefined, [bin]), 'keepalived'), join(bin, 'keepalived'));
  assert.equal(await findBinary(new NetnsHost('wp2-none', root), 'keepalived'), '/usr/sbin/keepalived');
});
