/**
 * The lab manifest: what `lab up` (and the lab's service control) created, written
 * before or right after each creation so that `lab down` can undo it after a crash.
 * It is lab state under LAB_STATE_DIR, not a system configuration: it is rewritten
 * atomically (temp file + rename) without backups.
 */
import { acquireLock } from '../failover/lock.js';
import type { ServiceName } from '../system/service-control.js';
import { LAB_MANIFEST, LAB_STATE_DIR, type LabMemberName, type LabMode } from './constants.js';
import { labMachine } from './machine.js';
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
  /** How the pair is configured (`lab up --active-active`); absent: active-standby. */
  mode?: LabMode;
  /** Users `lab up` created on the machine (the check's script user); `lab down` removes exactly these. */
  createdUsers?: string[];
}

export function emptyManifest(): LabManifest {
  return { version: 1, stateDir: LAB_STATE_DIR, createdAt: new Date().toISOString(), namespaces: [], processes: [] };
}

export async function readManifest(path = LAB_MANIFEST): Promise<LabManifest | null> {
  const text = await labMachine.readFile(path).catch(() => null);
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as Partial<LabManifest>;
    return { ...emptyManifest(), ...m, namespaces: m.namespaces ?? [], processes: m.processes ?? [] };
  } catch {
    // A torn or hand-edited manifest must not stop `lab down`: it falls back to names.
    return null;
  }
}

async function writeManifest(m: LabManifest, path: string): Promise<void> {
  await labMachine.writeFileAtomic(path, JSON.stringify(m, null, 2) + '\n', { mode: 0o644, backup: false });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Read-modify-write under a lock: in-process calls are queued, other processes (a
 * `lab exec ha1 -- ha-setup ...` restarting keepalived) are kept out by a lock file.
 * Creates the manifest when there is none.
 */
export function updateManifest(change: (m: LabManifest) => void, path = LAB_MANIFEST): Promise<LabManifest> {
  const run = queue.then(async () => {
    const release = await acquire(`${path}.lock`);
    try {
      const m = (await readManifest(path)) ?? emptyManifest();
      change(m);
      await writeManifest(m, path);
      return m;
    } finally {
      await release();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** The manifest's lock (the one lock file of src/failover/lock.ts); a holder that hangs is overridden after a while. */
async function acquire(lock: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const held = await acquireLock(lock, labMachine);
    if ('release' in held) return () => held.release();
    if (Date.now() >= deadline) {
      await labMachine.remove(lock);
      continue;
    }
    await sleep(20);
  }
}
