/**
 * The run's events on one millisecond clock (started when the test starts). Events are
 * added as they are observed, which is not always the order they happened in: a request
 * that failed is known only when it times out, a log line only when the log is read. The
 * timeline therefore keeps every event at the time it happened and lists them sorted,
 * ties in the order they were added.
 */
import type { FailoverEvent, FailoverEventName } from './types.js';

export type Clock = () => number;

export class Timeline {
  private readonly list: FailoverEvent[] = [];
  private readonly listeners = new Set<(e: FailoverEvent) => void>();
  private readonly startedAt: number;

  constructor(private readonly clock: Clock = () => performance.now()) {
    this.startedAt = clock();
  }

  /** Milliseconds since the timeline started. */
  now(): number {
    return this.clock() - this.startedAt;
  }

  /** Record an event; `atMs` defaults to now (use the time it happened when known). */
  add(event: FailoverEventName, detail = '', atMs: number = this.now()): FailoverEvent {
    const e = { t_ms: Math.max(0, Math.round(atMs)), event, detail };
    this.list.push(e);
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Record `event` only the first time it happens. */
  once(event: FailoverEventName, detail = '', atMs?: number): FailoverEvent | null {
    if (this.has(event)) return null;
    return this.add(event, detail, atMs);
  }

  has(event: FailoverEventName): boolean {
    return this.list.some((e) => e.event === event);
  }

  first(event: FailoverEventName): FailoverEvent | null {
    return this.events().find((e) => e.event === event) ?? null;
  }

  onEvent(listener: (e: FailoverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): FailoverEvent[] {
    return sortEvents(this.list).map((e) => ({ ...e }));
  }
}

/** Sorted by time; ties keep the order they were recorded in. */
export function sortEvents<T extends FailoverEvent>(events: readonly T[]): T[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.t_ms - b.e.t_ms || a.i - b.i)
    .map(({ e }) => e);
}
