/**
 * While the checks run on a terminal: one line per check, a spinner until its result is
 * in. Loaded with a dynamic import only on a TTY without --json, so --help and --json
 * never load ink or react. When the run ends the view clears itself and the full report
 * is printed as plain lines below.
 */
import { useEffect, useState } from 'react';
import { Box, Text, render } from 'ink';
import type { ReportStatus } from '../../checks/types.js';
import { t } from '../i18n/index.js';
import { padDisplay } from './output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const COLOUR: Record<ReportStatus, string> = { ok: 'green', warn: 'yellow', fail: 'red', skip: 'gray', error: 'magenta' };

export interface LiveRow {
  id: string;
  title: string;
  state: 'waiting' | 'running' | ReportStatus;
  summary: string;
}

export function DoctorLive({ title, rows }: { title: string; rows: LiveRow[] }) {
  const [frame, setFrame] = useState(0);
  const busy = rows.some((r) => r.state === 'running' || r.state === 'waiting');
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 80);
    return () => clearInterval(timer);
  }, [busy]);
  const idWidth = Math.max(0, ...rows.map((r) => r.id.length));
  // Apart from the node's results: checks doctor itself could not finish.
  const errors = rows.filter((r) => r.state === 'error').length;
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {rows.map((r) => {
        const done = r.state !== 'running' && r.state !== 'waiting';
        return (
          <Text key={r.id}>
            {done ? <Text color={COLOUR[r.state as ReportStatus]}>{padDisplay(t(`doctor.ui.status.${r.state as ReportStatus}`), 4)}</Text> : <Text color="cyan">{`${FRAMES[frame]}   `}</Text>}
            <Text>{`  ${r.id.padEnd(idWidth)}  `}</Text>
            <Text dimColor={!done}>{done ? r.summary : r.state === 'running' ? `${r.title}: ${t('doctor.ui.running')}` : r.title}</Text>
          </Text>
        );
      })}
      {errors > 0 ? <Text color="magenta">{t('doctor.ui.live.errors', { count: errors })}</Text> : null}
    </Box>
  );
}

export interface DoctorLiveView {
  start(id: string): void;
  done(id: string, status: ReportStatus, summary: string): void;
  /** Clear the view (the plain report follows). */
  stop(): void;
}

export function startDoctorLive(title: string, checks: Array<{ id: string; title: string }>, stdout: NodeJS.WriteStream = process.stdout): DoctorLiveView {
  const rows: LiveRow[] = checks.map((c) => ({ id: c.id, title: c.title, state: 'waiting', summary: '' }));
  const app = render(<DoctorLive title={title} rows={rows.map((r) => ({ ...r }))} />, { stdout, exitOnCtrlC: false, patchConsole: false });
  let pending: NodeJS.Timeout | null = null;
  const draw = () => {
    pending = null;
    app.rerender(<DoctorLive title={title} rows={rows.map((r) => ({ ...r }))} />);
  };
  const schedule = () => {
    pending ??= setTimeout(draw, 50);
  };
  const row = (id: string) => rows.find((r) => r.id === id);
  return {
    start(id) {
      const r = row(id);
      if (r) r.state = 'running';
      schedule();
    },
    done(id, status, summary) {
      const r = row(id);
      if (r) Object.assign(r, { state: status, summary });
      schedule();
    },
    stop() {
      if (pending) clearTimeout(pending);
      draw();
      app.clear();
      app.unmount();
    },
  };
}
