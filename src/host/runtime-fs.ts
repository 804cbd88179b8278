/**
 * The two ways of reading a machine's real file system (RuntimeFs): this machine's through
 * node:fs, and a remote machine's through commands over its ssh connection.
 */
import { promises as fs } from 'node:fs';
import type { Host, RuntimeFs, RuntimeStat } from './types.js';

export const realFs: RuntimeFs = {
  async readFile(path) {
    try {
      return await fs.readFile(path);
    } catch {
      return null;
    }
  },
  async readLink(path) {
    try {
      return await fs.readlink(path);
    } catch {
      return null;
    }
  },
  async readDir(path) {
    try {
      return await fs.readdir(path);
    } catch {
      return [];
    }
  },
  async stat(path) {
    try {
      const s = await fs.stat(path);
      return { ino: s.ino, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory(), isFile: s.isFile(), size: s.size };
    } catch {
      return null;
    }
  },
  async readTail(path, maxBytes) {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(path, 'r');
      const size = (await handle.stat()).size;
      const start = Math.max(0, size - maxBytes);
      const buf = new Uint8Array(size - start);
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      return buf.subarray(0, bytesRead);
    } catch {
      return null;
    } finally {
      await handle?.close();
    }
  },
};

/** A file of the machine's real file system as text, or null when it cannot be read. */
export async function readRuntimeText(rfs: RuntimeFs, path: string): Promise<string | null> {
  const b = await rfs.readFile(path);
  return b ? new TextDecoder().decode(b) : null;
}

/**
 * stat for change detection: inode, mtime (nanoseconds where GNU stat knows %.9Y, else
 * seconds), size, type. Follows symlinks (/proc/PID/fd/1, like fs.stat).
 */
export const REMOTE_STAT_SCRIPT = `[ -e "$1" ] || exit 3
o=$(stat -L -c '%i %.9Y %s %F' -- "$1" 2>/dev/null) || o=$(stat -L -c '%i %Y %s %F' -- "$1") || exit 4
printf '%s\\n' "$o"`;

/** Parse "INODE MTIME SIZE TYPE WORDS" of REMOTE_STAT_SCRIPT. */
export function parseRemoteStat(text: string): RuntimeStat | null {
  const m = /^(\d+) (\d+(?:\.\d+)?) (\d+) (.+)$/.exec(text.trim());
  if (!m) return null;
  const type = m[4]!;
  return {
    ino: Number(m[1]),
    mtimeMs: Math.round(Number(m[2]) * 1e6) / 1e3,
    size: Number(m[3]),
    isFile: /^regular/.test(type),
    isDirectory: type === 'directory',
  };
}

/**
 * A remote machine's real file system as a RuntimeFs, through `machine` (a host whose "/"
 * is that machine's). Each operation is one command over the shared connection.
 */
export function commandRuntimeFs(machine: Host): RuntimeFs {
  const bytes = async (cmd: string, args: string[], why: string): Promise<Uint8Array | null> => {
    const r = await machine.exec(cmd, args, { why, encoding: 'buffer', timeoutMs: 20_000 });
    if (r.exitCode !== 0) return null;
    return r.stdoutBuffer ?? new TextEncoder().encode(r.stdout);
  };
  return {
    remote: true,
    readFile: (path) => bytes('cat', ['--', path], 'read a file keepalived wrote'),
    readTail: (path, maxBytes) => bytes('tail', ['-c', String(maxBytes), '--', path], "the end of keepalived's log"),
    async readLink(path) {
      const r = await machine.exec('readlink', ['--', path], { why: 'where a link of keepalived points', timeoutMs: 20_000 });
      return r.exitCode === 0 ? r.stdout.replace(/\n$/, '') : null;
    },
    readDir: (path) => machine.readDir(path).catch(() => []),
    async stat(path) {
      const r = await machine.exec('sh', ['-c', REMOTE_STAT_SCRIPT, 'sh', path], { why: 'has keepalived rewritten its dump', timeoutMs: 20_000 });
      return r.exitCode === 0 ? parseRemoteStat(r.stdout) : null;
    },
  };
}
