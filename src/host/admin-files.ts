/**
 * Files of the machine ha-setup runs on that the user names on the command line (a source
 * tarball), as opposed to the files of the node a Host stands for: with `--host` they are
 * on the admin machine, and what a node needs of them is staged onto it through its Host.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** 'file', 'missing', or 'other' (a directory, a device...). Synchronous: flags are checked before anything runs. */
export function adminFileKind(path: string): 'file' | 'missing' | 'other' {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? 'missing' : st.isFile() ? 'file' : 'other';
}

export function readAdminFile(path: string): Promise<Buffer> {
  return readFile(path);
}
