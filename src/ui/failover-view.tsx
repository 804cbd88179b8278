/**
 * The live timeline on a terminal: events as they are seen and the request counters.
 * Loaded with a dynamic import only when stdout is a TTY and --json is off.
 */
import { Box, Text, render } from 'ink';
import { t } from '../i18n/index.js';
import type { FailoverEvent, ProbeSample } from '../failover/types.js';
import { eventLabel } from './failover-report.js';

interface Counters {
  ok: number;
  failed: number;
  self: number;
  peer: number;
  unknown: number;
}

function Timeline({ title, events, counters }: { title: string; events: FailoverEvent[]; counters: Counters }) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {events.map((e, i) => (
        <Text key={i}>
          <Text color="gray">{`+${String(e.t_ms).padStart(6)} ms  `}</Text>
          <Text color={e.event === 'restore-failed' || e.event === 'timeout' ? 'red' : e.event === 'restored' ? 'green' : undefined}>{eventLabel(e)}</Text>
          {e.detail ? <Text dimColor>{`  ${e.detail}`}</Text> : null}
        </Text>
      ))}
      <Text color={counters.failed > 0 ? 'yellow' : 'green'}>{t('failover.live.requests', { ...counters })}</Text>
    </Box>
  );
}

export interface LiveView {
  event(e: FailoverEvent): void;
  sample(s: ProbeSample): void;
  stop(): void;
}

export function startLiveView(title: string): LiveView {
  const events: FailoverEvent[] = [];
  const counters: Counters = { ok: 0, failed: 0, self: 0, peer: 0, unknown: 0 };
  const app = render(<Timeline title={title} events={[]} counters={{ ...counters }} />, { exitOnCtrlC: false, patchConsole: false });
  let pending: NodeJS.Timeout | null = null;
  const draw = () => {
    pending = null;
    app.rerender(<Timeline title={title} events={[...events]} counters={{ ...counters }} />);
  };
  const schedule = () => {
    pending ??= setTimeout(draw, 100);
  };
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
      app.unmount();
    },
  };
}
