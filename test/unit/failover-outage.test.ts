import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseOutage, responderAt } from '../../src/failover/outage.js';
import { steadyRun } from '../../src/failover/run.js';
import type { ProbeSample } from '../../src/failover/types.js';

/** A recorded series: one char per request every 50 ms: s = answered here, p = by the peer, x = failed. */
function series(pattern: string, opts: { intervalMs?: number; rttMs?: number; timeoutMs?: number; late?: Record<number, number> } = {}): ProbeSample[] {
  const interval = opts.intervalMs ?? 50;
  return [...pattern].map((c, seq) => {
    const sentMs = seq * interval;
    const ok = c !== 'x';
    const doneMs = sentMs + (opts.late?.[seq] ?? (ok ? (opts.rttMs ?? 2) : (opts.timeoutMs ?? 200)));
    return { seq, sentMs, doneMs, ok, responder: c === 's' ? 'self' : c === 'p' ? 'peer' : null, status: ok ? 200 : null, error: ok ? null : 'TIMEOUT' };
  });
}

test('no failure: no outage', () => {
  assert.deepEqual(phaseOutage(series('sssspppp'), 0), { outage_ms: 0, failed_requests: 0 });
});

test('outage runs from the first failed request to the first answer after the last one', () => {
  // failures at seq 4..11 (200..550 ms); the peer answers seq 12, sent 600, answered 602
  const s = series('ssssxxxxxxxxpppp');
  assert.deepEqual(phaseOutage(s, 0), { outage_ms: 402, failed_requests: 8 });
});

test('a blip after the first recovery is part of the outage', () => {
  const s = series('ssxxpxxppp');
  // first failure 100, last failure seq 6 (300), next answer seq 7 at 350 + 2
  assert.deepEqual(phaseOutage(s, 0), { outage_ms: 252, failed_requests: 4 });
});

test('a request that waited for ARP ends the outage when its answer arrived, not when it was sent', () => {
  // seq 8-11 were sent from 400 while the VIP was nowhere; all waited for ARP until the
  // peer's gratuitous ARP at 590
  const s = series('ssssxxxxpppppp', { late: { 8: 190, 9: 140, 10: 90, 11: 41 } });
  assert.deepEqual(phaseOutage(s, 0), { outage_ms: 590 - 200, failed_requests: 4 });
});

test('phases split the series: failover before the fault is removed, failback after', () => {
  const s = series('sssxxxpppppppxxsss');
  const removedAt = 10 * 50;
  assert.deepEqual(phaseOutage(s, 0, removedAt), { outage_ms: 152, failed_requests: 3 });
  assert.deepEqual(phaseOutage(s, removedAt), { outage_ms: 752 - 650, failed_requests: 2 });
});

test('still failing at the end: the outage lasts until the last request', () => {
  assert.deepEqual(phaseOutage(series('ssxxxx'), 0), { outage_ms: 150, failed_requests: 4 });
});

test('responderAt names who answered last before a time', () => {
  const s = series('sssxxppp');
  assert.equal(responderAt(s, 100), 'self');
  assert.equal(responderAt(s, 400), 'peer');
  assert.equal(responderAt(s, 0), null);
});

test('steadyRun needs the given number of consecutive answers by one responder', () => {
  assert.equal(steadyRun(series('ssxxpp'), 0, 'peer', 3), null);
  assert.equal(steadyRun(series('ssxxppp'), 0, 'peer', 3)?.seq, 4);
  assert.equal(steadyRun(series('ssxxpxppp'), 0, 'peer', 3)?.seq, 6);
});
