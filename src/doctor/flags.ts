/** doctor's own flags and their checks (the same for one node and for a pair). */
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { DoctorOptions } from './context.js';

export interface DoctorFlags {
  config?: string;
  log?: string;
  check?: string;
  fix?: boolean;
  showSecrets?: boolean;
  listen?: string;
  peer?: string[];
}

const LISTEN_RANGE = { min: 100, max: 60_000 };

function pathOption(root: string, file: string | undefined): string | null {
  if (!file) return null;
  if (isAbsolute(file)) return file;
  return resolve(root === '/' ? process.cwd() : '/', file);
}

export function doctorOptions(flags: DoctorFlags, root: string): DoctorOptions {
  let captureMs: number | null = null;
  if (flags.listen !== undefined) {
    const n = Number(flags.listen);
    if (!Number.isInteger(n) || n < LISTEN_RANGE.min || n > LISTEN_RANGE.max) {
      throw new UserError({ field: '--listen', value: flags.listen, accepted: `${LISTEN_RANGE.min}-${LISTEN_RANGE.max} (milliseconds)` });
    }
    captureMs = n;
  }
  return {
    configPath: pathOption(root, flags.config),
    logPath: pathOption(root, flags.log),
    showSecrets: Boolean(flags.showSecrets),
    captureMs,
    peers: flags.peer ?? [],
  };
}
