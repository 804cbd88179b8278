/**
 * While the checks run on a terminal: one line per check, a spinner until its result is
 * in. Loaded with a dynamic import only on a TTY without --json. When the run ends the view
 * clears itself and the full report is printed as plain lines below.
 */
import type { ReportStatus } from '../../checks/types.js';
import { t } from '../i18n/index.js';
import { padDisplay, paint, type Colour } from './output.js';
import { liveLines } from './live-lines.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const COLOUR: Record<ReportStatus, Colour> = { ok: 'green', warn: 'yellow', fail: 'red', skip: 'gray', error: 'magenta' };

export interface LiveRow {
  id: string;
  title: string;
  state: 'waiting' | 'running' | ReportStatus;
  summary: string;
}

const finished = (r: LiveRow) => r.state !== 'running' && r.state !== 'waiting';

/** The view's lines for the rows as they are, with spinner frame `frame`. */
export function doctorLiveLines(title: string, rows: readonly LiveRow[], frame = 0): string[] {
  const idWidth = Math.max(0, ...rows.map((r) => r.id.length));
  const errors = rows.filter((r) => r.state === 'error').length;
  return [
    paint('bold', title),
    ...rows.map((r) => {
      const mark = finished(r) ? paint(COLOUR[r.state as ReportStatus], padDisplay(t(`doctor.ui.status.${r.state as ReportStatus}`), 4)) : paint('cyan', `${FRAMES[frame % FRAMES.length]}   `);
      const text = finished(r) ? r.summary : paint('dim', r.state === 'running' ? `${r.title}: ${t('doctor.ui.running')}` : r.title);
      return `${mark}  ${r.id.padEnd(idWidth)}  ${text}`;
    }),
    // Apart from the node's results: checks doctor itself could not finish.
    ...(errors > 0 ? [paint('magenta', t('doctor.ui.live.errors', { count: errors }))] : []),
  ];
}

export interface DoctorLiveView {
  /** `name` is the check's id, or `id [instance]` when it runs once per instance. */
  start(id: string, name?: string): void;
  done(id: string, status: ReportStatus, summary: string, name?: string): void;
  /** Clear the view (the plain report follows). */
  stop(): void;
}

export function startDoctorLive(title: string, checks: Array<{ id: string; title: string }>, stdout: NodeJS.WriteStream = process.stdout): DoctorLiveView {
  const rows: LiveRow[] = checks.map((c) => ({ id: c.id, title: c.title, state: 'waiting', summary: '' }));
  const screen = liveLines(stdout);
  let frame = 0;
  const draw = () => screen.draw(doctorLiveLines(title, rows, frame));
  draw();
  const spinner = setInterval(() => {
    frame++;
    draw();
  }, 80);
  spinner.unref();
  // A check run per instance: its waiting row becomes the first instance's, the others get rows below it.
  const row = (id: string, name = id) => {
    const found = rows.find((r) => r.id === name);
    if (found || name === id) return found;
    const waiting = rows.find((r) => r.id === id && r.state === 'waiting');
    if (waiting) return Object.assign(waiting, { id: name });
    const last = rows.map((r) => r.id === id || r.id.startsWith(`${id} [`)).lastIndexOf(true);
    if (last < 0) return undefined;
    const added: LiveRow = { id: name, title: rows[last]!.title, state: 'waiting', summary: '' };
    rows.splice(last + 1, 0, added);
    return added;
  };
  return {
    start(id, name) {
      const r = row(id, name);
      if (r) r.state = 'running';
    },
    done(id, status, summary, name) {
      const r = row(id, name);
      if (r) Object.assign(r, { state: status, summary });
      if (rows.every(finished)) {
        clearInterval(spinner);
        draw();
      }
    },
    stop() {
      clearInterval(spinner);
      screen.clear();
    },
  };
}
