/**
 * The lab manifest: what `lab up` (and the lab's service control) created, written
 * before or right after each creation so that `lab down` can undo it after a crash.
 * It is lab state under LAB_STATE_DIR, not a system configuration: it is rewritten
 * atomically (temp file + rename) without backups.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ServiceName } from '../system/service-control.js';
import { LAB_MANIFEST, LAB_STATE_DIR, type LabMemberName } from './constants.js';
import { sleep } from './procs.js';
import type { LabKeepalived } from './keepalived.js';

export interface LabProcess {
  member: LabMemberName;
  service: ServiceName;
  pid: number;
  /** /proc/PID/stat start time: a reused pid is never mistaken for ours. */
  startTime: string;
  argv: string[];
}

export interface LabManifest {
  version: 1;
  stateDir: string;
  createdAt: string;
  /** Namespaces in the order they were created. */
  namespaces: string[];
  processes: LabProcess[];
  /** The keepalived the lab runs (`lab up --keepalived PATH`, else the machine's). */
  keepalived?: LabKeepalived;
  /** Users `lab up` created on the machine (the check's script user); `lab down` removes exactly these. */
  createdUsers?: string[];
}

export function emptyManifest(): LabManifest {
  return { version: 1, stateDir: LAB_STATE_DIR, createdAt: new Date().toISOString(), namespaces: [], processes: [] };
}

export async function readManifest(path = LAB_MANIFEST): Promise<LabManifest | null> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as Partial<LabManifest>;
    return { ...emptyManifest(), ...m, namespaces: m.namespaces ?? [], processes: m.processes ?? [] };
  } catch {
    // A torn or hand-edited manifest must not stop `lab down`: it falls back to names.
    return null;
  }
}

async function writeManifest(m: LabManifest, path: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(m, null, 2) + '\n', { mode: 0o644 });
  await fs.rename(tmp, path);
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Read-modify-write under a lock: in-process calls are queued, other processes (a
 * `lab exec ha1 -- ha-setup ...` restarting keepalived) are kept out by a lock directory.
 * Creates the manifest when there is none.
 */
export function updateManifest(change: (m: LabManifest) => void, path = LAB_MANIFEST): Promise<LabManifest> {
  const run = queue.then(async () => {
    const lock = `${path}.lock`;
    await acquire(lock);
    try {
      const m = (await readManifest(path)) ?? emptyManifest();
      change(m);
      await writeManifest(m, path);
      return m;
    } finally {
      await fs.rm(lock, { recursive: true, force: true });
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

async function acquire(lock: string): Promise<void> {
  await fs.mkdir(dirname(lock), { recursive: true, mode: 0o755 });
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      await fs.mkdir(lock);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A holder that crashed leaves its lock behind: take it over after a while.
      if (Date.now() >= deadline) {
        await fs.rm(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(20);
    }
  }
}
