/**
 * Remove everything the lab made, also after a crash. Only processes that are provably
 * ours are signalled: all namespaces share one PID space with the rest of the machine
 * (and with other people's labs), so a name like "nginx" proves nothing.
 */
import { LocalHost } from '../host/local.js';
import type { ServiceName } from '../system/service-control.js';
import { LAB_NAMESPACES, LAB_STATE_DIR, isLabMember, type LabMemberName } from './constants.js';
import { readManifest } from './manifest.js';
import { deleteLabNamespaces } from './network.js';
import { cmdlineOf, listPids, netnsInode, netnsOfPid, readProcStat, terminate } from './procs.js';
import { referencesStateDir } from './services.js';
import { isGone } from '../host/proc-stat.js';

export interface StoppedProcess {
  pid: number;
  member: LabMemberName | null;
  service: ServiceName | null;
  stopped: boolean;
  /** Started by one of the lab's daemons (an sshd login session, a keepalived child). */
  descendant?: boolean;
}

export interface LabDownReport {
  hadManifest: boolean;
  processes: StoppedProcess[];
  namespaces: string[];
  /** Users `lab up` had created and `down` removed (with the error when it could not). */
  users: Array<{ user: string; removed: boolean; error: string | null }>;
  stateDirRemoved: boolean;
}

interface Target {
  pid: number;
  startTime: string;
  member: LabMemberName | null;
  service: ServiceName | null;
  descendant?: boolean;
}

/**
 * The processes `down` stops:
 * - those the manifest recorded, still the same process (start time), and either in a
 *   lab namespace or started with a command line that points into the lab directory;
 * - without a manifest (deleted, or a crash before it was written): processes inside a
 *   lab namespace whose command line points into the lab directory — our keepalived and
 *   nginx masters, nothing a user started with `lab exec`.
 */
export async function findLabProcesses(): Promise<{ hadManifest: boolean; targets: Target[] }> {
  const manifest = await readManifest();
  const labInodes = new Set<string>();
  for (const ns of LAB_NAMESPACES) {
    const ino = await netnsInode(ns);
    if (ino !== null) labInodes.add(ino);
  }
  const targets = new Map<number, Target>();
  for (const p of manifest?.processes ?? []) {
    const st = await readProcStat(p.pid);
    if (!st || isGone(st) || st.startTime !== p.startTime) continue;
    const ns = await netnsOfPid(p.pid);
    if ((ns !== null && labInodes.has(ns)) || referencesStateDir(await cmdlineOf(p.pid))) {
      targets.set(p.pid, { pid: p.pid, startTime: st.startTime, member: isLabMember(p.member) ? p.member : null, service: p.service });
    }
  }
  if (labInodes.size > 0) {
    const self = new Set([process.pid, process.ppid]);
    for (const pid of await listPids()) {
      if (targets.has(pid) || self.has(pid)) continue;
      const ns = await netnsOfPid(pid);
      if (ns === null || !labInodes.has(ns)) continue;
      const st = await readProcStat(pid);
      if (!st || isGone(st)) continue;
      const cmdline = await cmdlineOf(pid);
      if (!referencesStateDir(cmdline)) continue;
      // A keepalived's VRRP child has its parent's command line: stopping the parent stops it.
      if (targets.has(st.ppid)) continue;
      const member = cmdline.slice(cmdline.indexOf(LAB_STATE_DIR + '/') + LAB_STATE_DIR.length + 1).split('/')[0] ?? '';
      const service: ServiceName | null = /keepalived/.test(cmdline) ? 'keepalived' : /nginx/.test(cmdline) ? 'nginx' : null;
      targets.set(pid, { pid, startTime: st.startTime, member: isLabMember(member) ? member : null, service });
    }
  }
  // What our daemons started in a lab namespace is ours too (an sshd's login sessions run
  // in sessions of their own, so stopping the sshd's process group does not reach them).
  if (labInodes.size > 0 && targets.size > 0) {
    const children = new Map<number, number[]>();
    for (const pid of await listPids()) {
      const st = await readProcStat(pid);
      if (!st || isGone(st)) continue;
      const ns = await netnsOfPid(pid);
      if (ns === null || !labInodes.has(ns)) continue;
      children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid]);
    }
    const queue = [...targets.keys()];
    while (queue.length) {
      for (const pid of children.get(queue.shift()!) ?? []) {
        if (targets.has(pid)) continue;
        const st = await readProcStat(pid);
        if (!st) continue;
        targets.set(pid, { pid, startTime: st.startTime, member: null, service: null, descendant: true });
        queue.push(pid);
      }
    }
  }
  return { hadManifest: manifest !== null, targets: [...targets.values()] };
}

export async function labDown(host = new LocalHost('/')): Promise<LabDownReport> {
  const { hadManifest, targets } = await findLabProcesses();
  const stop = (list: Target[]) =>
    Promise.all(
      list.map(async (tg): Promise<StoppedProcess> => ({
        pid: tg.pid,
        member: tg.member,
        service: tg.service,
        stopped: await terminate(tg.pid, tg.startTime),
        ...(tg.descendant ? { descendant: true } : {}),
      })),
    );
  // The daemons first (a keepalived stops its own children); then what is left of theirs.
  const processes = await stop(targets.filter((tg) => !tg.descendant));
  processes.push(...(await stop(targets.filter((tg) => tg.descendant))));
  const namespaces = await deleteLabNamespaces(host);
  // Only the users this lab created (recorded when it did): never one the machine had.
  const users: LabDownReport['users'] = [];
  for (const user of (await readManifest())?.createdUsers ?? []) {
    const r = await host.exec('userdel', [user], { why: 'the health-check user lab up created' });
    users.push({ user, removed: r.exitCode === 0, error: r.exitCode === 0 ? null : (r.stderr || r.stdout).trim() });
  }
  const stateDirRemoved = await host.exists(LAB_STATE_DIR);
  if (stateDirRemoved) await host.remove(LAB_STATE_DIR);
  return { hadManifest, processes, namespaces, users, stateDirRemoved };
}
