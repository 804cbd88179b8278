/**
 * A fingerprint of directory trees (path -> type, mode, owner, size and content hash), to
 * prove that a run changed nothing where it must not: the machine's /etc, /var/lib, /run
 * around a lab node, a node's own root around a no-op re-run.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type TreeHash = Map<string, string>;

/** Every entry below `roots`, except paths that start with one of `skip`. */
export function treeHash(roots: readonly string[], skip: readonly string[] = []): TreeHash {
  const out: TreeHash = new Map();
  const skipped = (p: string) => skip.some((s) => p === s || p.startsWith(`${s}/`));
  const walk = (path: string) => {
    if (skipped(path)) return;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // gone while walking
    }
    const head = `${st.mode.toString(8)} ${st.uid}:${st.gid}`;
    if (st.isDirectory()) {
      out.set(path, `dir ${head}`);
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const n of names.sort()) walk(join(path, n));
    } else if (st.isSymbolicLink()) {
      out.set(path, `link ${head} ${readlinkSync(path)}`);
    } else if (st.isFile()) {
      let digest = 'unreadable';
      try {
        digest = createHash('sha256').update(readFileSync(path)).digest('hex');
      } catch {
        // a socket-like or vanished file: its metadata still counts
      }
      out.set(path, `file ${head} ${st.size} ${digest}`);
    } else {
      out.set(path, `other ${head}`);
    }
  };
  for (const r of roots) walk(r);
  return out;
}

/** What differs between two fingerprints: added, removed and changed paths. */
export function treeDiff(before: TreeHash, after: TreeHash): string[] {
  const out: string[] = [];
  for (const [p, v] of after) {
    const was = before.get(p);
    if (was === undefined) out.push(`+ ${p}`);
    else if (was !== v) out.push(`~ ${p}`);
  }
  for (const p of before.keys()) if (!after.has(p)) out.push(`- ${p}`);
  return out.sort();
}

/** A lab node's "/" without its logs (they grow on their own while daemons run). */
export function nodeTreeHash(root: string): TreeHash {
  return treeHash([root], [`${root}/var/log`]);
}
