import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { LocalHost } from '../../src/host/local.js';
import { inNetns, parseProcStat } from '../../src/host/proc-stat.js';
import { netnsOfPid } from '../../src/lab/procs.js';
import { localKeepalivedSource, ourProcesses, remoteKeepalivedSource, type KeepalivedProcRecord } from '../../src/keepalived/runtime/process.js';

const comm = readFileSync('/proc/self/comm', 'utf8').trim();

test('the one process scan finds this process in its own namespace, through /proc here and through the remote script', async () => {
  for (const source of [localKeepalivedSource(new LocalHost(), { comm }), remoteKeepalivedSource(new LocalHost(), comm)]) {
    const ours = ourProcesses(await source.snapshot());
    const me = ours.find((p) => p.stat.pid === process.pid);
    assert.ok(me, `pid ${process.pid} (${comm}) among ${ours.map((p) => p.stat.pid).join(',')}`);
    assert.equal(me.stat.ppid, process.ppid);
    assert.equal(me.stat.comm, comm);
  }
});

test('ours: live, and in the wanted namespace (a namespace that cannot be read is never ours)', () => {
  const rec = (line: string, net: string | null): KeepalivedProcRecord => ({
    stat: parseProcStat(line)!, net, mnt: null, cmdline: [], tmpdir: null, tmpdirIsDir: false, stdout: null, stdoutIsFile: false, vrrpSocket: null,
  });
  const procs = [
    rec('30 (keepalived) S 1 30 30', 'net:[1]'),
    rec('10 (keepalived) S 1 10 10', 'net:[1]'),
    rec('11 (keepalived) Z 10 10 10', 'net:[1]'),
    rec('12 (keepalived) S 1 12 12', 'net:[2]'),
    rec('13 (keepalived) S 1 13 13', null),
  ];
  assert.deepEqual(ourProcesses({ wantedNet: 'net:[1]', procs }).map((p) => p.stat.pid), [10, 30]);
  assert.deepEqual(ourProcesses({ wantedNet: null, procs: [rec('14 (keepalived) S 1 14 14', null)] }), []);
});

test('the lab and the runtime scan read a namespace in one form, so one test of "ours" serves both', async () => {
  const self = readlinkSync('/proc/self/ns/net');
  const mine = await netnsOfPid(process.pid);
  assert.equal(mine, self);
  assert.equal(inNetns({ net: mine }, self), true);
  assert.equal(inNetns({ net: mine }, 'net:[1]'), false);
  assert.equal(inNetns({ net: null }, null), false);
});
