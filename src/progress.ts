/**
 * What a long-running step reports to whoever shows progress, and the formats of its
 * figures. A leaf: the installer, setup and the lab report through this interface without
 * knowing any screen; src/ui/progress.ts draws it (a spinner on a terminal, plain lines
 * elsewhere).
 */
/** Handed to the work of a step so it can show sub-progress (a download's percentage). */
export interface StepHandle {
  /** Replace the detail text after the label ("42% 4.1 MB / 9.8 MB"). */
  update(detail: string): void;
}

export interface Progress {
  /** Run `fn` as one visible step; the step shows ok/failed and its elapsed time. */
  step<T>(label: string, fn: (step: StepHandle) => Promise<T>): Promise<T>;
  /** A line of information between steps (what was found, what was done). */
  note(text: string): void;
  /** A warning line between steps. */
  warn(text: string): void;
}

/** "0.4s", "12.3s", "2m05s". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** "812 KB", "9.8 MB": sizes as people read them on a progress line. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Runs each step with no output at all (--quiet, --json, tests). */
export function silentProgress(): Progress {
  return {
    step: (_label, fn) => fn({ update() {} }),
    note() {},
    warn() {},
  };
}
