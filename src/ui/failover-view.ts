/**
 * The live timeline on a terminal: events as they are seen and the request counters.
 * Loaded with a dynamic import only when stdout is a TTY and --json is off.
 */
import { t } from '../i18n/index.js';
import type { FailoverEvent, ProbeSample } from '../failover/types.js';
import { eventLabel } from './failover-report.js';
import { paint } from './output.js';
import { liveLines } from './live-lines.js';

export interface Counters {
  ok: number;
  failed: number;
  self: number;
  peer: number;
  unknown: number;
}

/** The view's lines: the title, one line per event in time order, the request counters. */
export function timelineLines(title: string, events: readonly FailoverEvent[], counters: Counters): string[] {
  const label = (e: FailoverEvent) => {
    const text = eventLabel(e);
    return e.event === 'restore-failed' || e.event === 'timeout' ? paint('red', text) : e.event === 'restored' ? paint('green', text) : text;
  };
  return [
    paint('bold', title),
    ...events.map((e) => `${paint('gray', `+${String(e.t_ms).padStart(6)} ms  `)}${label(e)}${e.detail ? paint('dim', `  ${e.detail}`) : ''}`),
    paint(counters.failed > 0 ? 'yellow' : 'green', t('failover.live.requests', { ...counters })),
  ];
}

export interface LiveView {
  event(e: FailoverEvent): void;
  sample(s: ProbeSample): void;
  stop(): void;
}

export function startLiveView(title: string, stdout: NodeJS.WriteStream = process.stdout): LiveView {
  const events: FailoverEvent[] = [];
  const counters: Counters = { ok: 0, failed: 0, self: 0, peer: 0, unknown: 0 };
  const screen = liveLines(stdout);
  let pending: NodeJS.Timeout | null = null;
  const draw = () => {
    pending = null;
    screen.draw(timelineLines(title, events, counters));
  };
  const schedule = () => {
    pending ??= setTimeout(draw, 100);
  };
  draw();
  return {
    event(e) {
      events.push(e);
      events.sort((a, b) => a.t_ms - b.t_ms);
      schedule();
    },
    sample(s) {
      if (s.ok) {
        counters.ok++;
        counters[s.responder ?? 'unknown']++;
      } else counters.failed++;
      schedule();
    },
    stop() {
      if (pending) clearTimeout(pending);
      draw();
      screen.done();
    },
  };
}
