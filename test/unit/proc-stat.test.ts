import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isGone, parseProcStat } from '../../src/host/proc-stat.js';

test('parseProcStat: a command name holding spaces and parentheses', () => {
  const rest = Array.from({ length: 40 }, (_, i) => String(i + 100)).join(' ');
  assert.deepEqual(parseProcStat(`42 (a) b) c) Z 7 ${rest}\n`), { pid: 42, comm: 'a) b) c', state: 'Z', ppid: 7, pgrp: 100, startTime: '117' });
  assert.deepEqual(parseProcStat('77 (a (weird) name) S 4242 77 77 0'), { pid: 77, comm: 'a (weird) name', state: 'S', ppid: 4242, pgrp: 77, startTime: '' });
  assert.equal(parseProcStat('garbage'), null);
  assert.equal(parseProcStat('12 (x)'), null);
});

test('parseProcStat: this process, read from the real /proc', () => {
  const s = parseProcStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8'))!;
  assert.equal(s.pid, process.pid);
  assert.equal(s.ppid, process.ppid);
  assert.equal(isGone(s), false);
  assert.match(s.startTime, /^\d+$/);
});

test('isGone: zombies and dead entries', () => {
  assert.equal(isGone({ state: 'Z' }), true);
  assert.equal(isGone({ state: 'X' }), true);
  assert.equal(isGone({ state: 'S' }), false);
});
