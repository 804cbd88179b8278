/**
 * A fingerprint of a directory tree (a lab node's "/"): every file's path, mode and
 * content, every directory's path and mode. What a run must leave as it found it is
 * compared by this; logs, which grow on their own, are left out.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Paths (relative to the root) whose content changes by itself while daemons run. */
const GROWING = [/^var\/log\//];

export function treeHash(root: string): { hash: string; files: Map<string, string> } {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(root, full);
      if (GROWING.some((p) => p.test(rel))) continue;
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        files.set(`${rel}/`, mode);
        walk(full);
      } else if (st.isSymbolicLink()) {
        files.set(rel, `link ${readlinkSync(full)}`);
      } else if (st.isFile()) {
        files.set(rel, `${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk(root);
  const hash = createHash('sha256').update([...files].map(([k, v]) => `${k} ${v}`).join('\n')).digest('hex');
  return { hash, files };
}

/** The entries that differ between two fingerprints, for an assertion message. */
export function treeDiff(a: ReturnType<typeof treeHash>, b: ReturnType<typeof treeHash>): string[] {
  const keys = new Set([...a.files.keys(), ...b.files.keys()]);
  return [...keys].filter((k) => a.files.get(k) !== b.files.get(k)).map((k) => `${k}: ${a.files.get(k) ?? '(none)'} -> ${b.files.get(k) ?? '(none)'}`);
}
