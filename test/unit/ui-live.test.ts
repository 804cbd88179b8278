/**
 * The live views of doctor and failover-test: what they write to a terminal. The stream is
 * a plain sink of the bytes written; the escape codes are the terminal's own (cursor up,
 * clear to the end of the screen, hide and show the cursor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitWidth, liveLines } from '../../src/ui/live-lines.js';
import { doctorLiveLines, startDoctorLive } from '../../src/ui/doctor-live.js';
import { timelineLines } from '../../src/ui/failover-view.js';
import { displayWidth, output } from '../../src/ui/output.js';

function terminal(columns = 40, rows = 10) {
  const written: string[] = [];
  return { written, columns, rows, destroyed: false, write: (s: string) => (written.push(s), true) };
}
const ESC = '\u001b[';

test('a block is redrawn over itself: up as many lines as it has, clear, write again', () => {
  const term = terminal();
  const screen = liveLines(term as unknown as NodeJS.WriteStream);
  screen.draw(['title', 'a']);
  screen.draw(['title', 'a', 'b']);
  screen.draw(['title']);
  screen.clear();
  assert.deepEqual(term.written, [
    `${ESC}?25ltitle\na\n`,
    `${ESC}2A\r${ESC}J${ESC}?25ltitle\na\nb\n`,
    `${ESC}3A\r${ESC}J${ESC}?25ltitle\n`,
    `${ESC}1A\r${ESC}J${ESC}?25h`,
  ]);
});

test('done leaves the last block and gives the cursor back', () => {
  const term = terminal();
  const screen = liveLines(term as unknown as NodeJS.WriteStream);
  screen.draw(['x']);
  screen.done();
  assert.deepEqual(term.written, [`${ESC}?25lx\n`, `${ESC}?25h`]);
});

test('nothing wraps or scrolls: lines cut to the width, the block to the height', () => {
  const term = terminal(8, 4);
  const screen = liveLines(term as unknown as NodeJS.WriteStream);
  screen.draw(['1', '2', '3', 'a line longer than eight']);
  assert.equal(term.written[0], `${ESC}?25l2\n3\na line …\n`);
  screen.draw(['y']);
  assert.ok(term.written[1]!.startsWith(`${ESC}3A`), 'moves back over the three lines shown');
});

test('fitWidth: colour codes take no room and are closed; wide characters take two', () => {
  assert.equal(fitWidth('short', 10), 'short');
  assert.equal(fitWidth(`${ESC}31mred text here${ESC}0m`, 6), `${ESC}31mred t…${ESC}0m`);
  assert.equal(displayWidth(fitWidth('检查检查检查', 7)), 7);
  assert.equal(fitWidth('检查检查检查', 7), '检查检…');
});

test('doctor view: a spinner while a check runs, its status and summary once done', () => {
  const color = output.color;
  output.color = false;
  try {
    const lines = doctorLiveLines('doctor @ ha1', [
      { id: 'election', title: 'Election', state: 'ok', summary: 'weight 0 moves the VIP' },
      { id: 'priority', title: 'Priorities', state: 'running', summary: '' },
      { id: 'vip', title: 'VIP', state: 'waiting', summary: '' },
    ], 1);
    assert.deepEqual(lines, ['doctor @ ha1', 'ok    election  weight 0 moves the VIP', '⠙     priority  Priorities: checking', '⠙     vip       VIP']);
  } finally {
    output.color = color;
  }
});

test('failover view: events in order with their time, the request counters last', () => {
  const color = output.color;
  output.color = false;
  try {
    const lines = timelineLines('failover-test stop @ ha1', [{ t_ms: 0, event: 'fault-injected', detail: 'stop keepalived' }], { ok: 3, failed: 1, self: 2, peer: 1, unknown: 0 });
    assert.equal(lines[0], 'failover-test stop @ ha1');
    assert.match(lines[1]!, /^\+ {5}0 ms {2}\S.* {2}stop keepalived$/);
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /3/);
  } finally {
    output.color = color;
  }
});

test('doctor view, several instances: a per-instance check\'s row becomes its first instance\'s, the others get rows below it', () => {
  const color = output.color;
  output.color = false;
  const term = terminal(80, 20);
  try {
    const view = startDoctorLive('doctor @ ha1', [{ id: 'peer-auth', title: 'Password' }, { id: 'firewall-vrrp', title: 'Firewall' }], term as unknown as NodeJS.WriteStream);
    view.start('peer-auth', 'peer-auth [VI_1]');
    view.start('peer-auth', 'peer-auth [VI_2]');
    view.done('peer-auth', 'fail', 'wrong password', 'peer-auth [VI_2]');
    view.done('firewall-vrrp', 'ok', 'VRRP allowed', 'firewall-vrrp');
    view.done('peer-auth', 'ok', 'same password', 'peer-auth [VI_1]');
    const last = term.written.at(-1)!.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    assert.deepEqual(last.split('\n').filter(Boolean), ['doctor @ ha1', 'ok    peer-auth [VI_1]  same password', 'FAIL  peer-auth [VI_2]  wrong password', 'ok    firewall-vrrp     VRRP allowed']);
    view.stop();
  } finally {
    output.color = color;
  }
});
