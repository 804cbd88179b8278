import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timeline, sortEvents } from '../../src/failover/timeline.js';
import { addRequestEvents } from '../../src/failover/run.js';
import { newLogLines } from '../../src/failover/watch.js';
import { identifyResponder } from '../../src/failover/prober.js';
import type { ProbeSample } from '../../src/failover/types.js';

function fakeClock(start = 1000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

test('events are listed by the time they happened, ties in the order recorded', () => {
  const c = fakeClock();
  const tl = new Timeline(c.clock);
  c.advance(500);
  tl.add('fault-injected', 'stop nginx');
  c.advance(300);
  tl.add('vip-released');
  tl.add('first-failed-request', '#11', 520); // known later, happened earlier
  tl.add('check-failed', 'a', 800);
  assert.deepEqual(
    tl.events().map((e) => [e.t_ms, e.event]),
    [[500, 'fault-injected'], [520, 'first-failed-request'], [800, 'vip-released'], [800, 'check-failed']],
  );
  assert.equal(tl.once('vip-released'), null);
  assert.equal(tl.first('vip-released')?.t_ms, 800);
});

test('sortEvents is stable', () => {
  const list = [
    { t_ms: 5, event: 'restored' as const, detail: '1' },
    { t_ms: 1, event: 'fault-injected' as const, detail: '2' },
    { t_ms: 5, event: 'vip-back' as const, detail: '3' },
  ];
  assert.deepEqual(sortEvents(list).map((e) => e.detail), ['2', '1', '3']);
});

test('request events come from the finished series: first/last by send time, answers by arrival', () => {
  const c = fakeClock(0);
  const tl = new Timeline(c.clock);
  const s = (seq: number, sentMs: number, doneMs: number, ok: boolean, responder: ProbeSample['responder']): ProbeSample => ({
    seq, sentMs, doneMs, ok, responder, status: ok ? 200 : null, error: ok ? null : 'TIMEOUT',
  });
  const samples = [s(0, 0, 1, true, 'self'), s(1, 50, 250, false, null), s(2, 100, 101, false, null), s(3, 150, 340, true, 'peer'), s(4, 200, 201, true, 'peer'), s(5, 600, 601, true, 'self')];
  addRequestEvents(tl, samples, 40, 500, '192.0.2.12');
  assert.deepEqual(
    tl.events().map((e) => [e.t_ms, e.event]),
    [[50, 'first-failed-request'], [100, 'last-failed-request'], [201, 'first-peer-answer'], [601, 'first-answer-here']],
  );
});

test('newLogLines finds what a growing log window added', () => {
  assert.deepEqual(newLogLines([], ['a', 'b']), ['a', 'b']);
  assert.deepEqual(newLogLines(['a', 'b'], ['a', 'b', 'c']), ['c']);
  // window of 3 shifted by 2
  assert.deepEqual(newLogLines(['a', 'b', 'c'], ['c', 'd', 'e']), ['d', 'e']);
  // repeated identical lines (same second, same message)
  assert.deepEqual(newLogLines(['x', 'g', 'g'], ['g', 'g', 'g']), ['g']);
  assert.deepEqual(newLogLines(['a', 'b'], ['a', 'b']), []);
  // nothing in common: everything is new
  assert.deepEqual(newLogLines(['a'], ['y', 'z']), ['y', 'z']);
});

test('the responder is named by the page first, then by where the VIP is and its MAC', () => {
  const base = { selfBody: 'ha1\n', peerBody: 'ha2\n', vipLocal: () => false, vipMac: () => null, peerMac: () => null };
  assert.equal(identifyResponder('ha1\n', base), 'self');
  assert.equal(identifyResponder('ha2\n', base), 'peer');
  const same = { ...base, selfBody: 'ok', peerBody: 'ok' };
  assert.equal(identifyResponder('ok', { ...same, vipLocal: () => true }), 'self');
  assert.equal(identifyResponder('ok', { ...same, vipMac: () => 'AA:bb:cc:dd:ee:ff', peerMac: () => 'aa:bb:cc:dd:ee:ff' }), 'peer');
  assert.equal(identifyResponder('ok', { ...same, vipMac: () => '11:22:33:44:55:66', peerMac: () => 'aa:bb:cc:dd:ee:ff' }), 'unknown');
});
