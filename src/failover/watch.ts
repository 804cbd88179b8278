/**
 * Watching this node while the test runs: keepalived's log (new lines become events) and
 * whether the VIP is on this node. Both poll: a log line and an address carry no
 * millisecond time of their own we could trust across log sources, so an event is stamped
 * when it is seen, and the poll interval is the precision.
 */
import type { Host } from '../host/types.js';
import type { ServiceControl } from '../system/service-control.js';
import { parseLogLine, type LogEvent } from '../keepalived/runtime/logs.js';
import { holdsAddress } from '../setup/verify.js';

/**
 * The lines of `current` that were not in `previous`, both being the last N lines of the
 * same growing log: `current` is `previous` shifted by some number of new lines. When no
 * overlap is found (more new lines than the window, or the log was replaced), all of
 * `current` is new.
 */
export function newLogLines(previous: readonly string[], current: readonly string[]): string[] {
  if (previous.length === 0) return [...current];
  for (let drop = 0; drop < previous.length; drop++) {
    const kept = previous.length - drop;
    if (kept > current.length) continue;
    let same = true;
    for (let i = 0; i < kept; i++) {
      if (previous[drop + i] !== current[i]) {
        same = false;
        break;
      }
    }
    if (same) return current.slice(kept);
  }
  return [...current];
}

export interface Poller {
  stop(): Promise<void>;
}

/** Run `tick` again `intervalMs` after each run ends, until stopped; errors are ignored (the next tick retries). */
export function poll(intervalMs: number, tick: () => Promise<void>): Poller {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch(() => undefined)
      .then(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

const LOG_WINDOW = 200;

/** New keepalived log lines, parsed, as they appear. */
export async function watchKeepalivedLog(
  services: Pick<ServiceControl, 'recentLogs'>,
  intervalMs: number,
  onEvent: (e: LogEvent, line: string) => void,
): Promise<Poller> {
  let previous = await services.recentLogs('keepalived', LOG_WINDOW).catch(() => [] as string[]);
  return poll(intervalMs, async () => {
    const current = await services.recentLogs('keepalived', LOG_WINDOW);
    const fresh = newLogLines(previous, current);
    previous = current;
    for (const line of fresh) {
      const e = parseLogLine(line);
      if (e) onEvent(e, line);
    }
  });
}

/** Calls onChange(holds) whenever the VIP appears on or leaves `iface`. */
export function watchVip(host: Host, iface: string, vip: string, intervalMs: number, initial: boolean, onChange: (holds: boolean) => void): Poller {
  let last = initial;
  return poll(intervalMs, async () => {
    const holds = await holdsAddress(host, iface, vip);
    if (holds !== last) {
      last = holds;
      onChange(holds);
    }
  });
}
