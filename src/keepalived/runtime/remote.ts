/**
 * keepalived's runtime state on a machine reached over ssh. /proc and the daemon's files
 * are the remote machine's, not ours: reading them through node:fs would describe the
 * admin machine instead (and in the lab, where all nodes share this machine's /proc, the
 * mistake would go unnoticed).
 *
 * Over ssh every round trip costs ~150-300 ms, so the /proc scan is ONE fixed sh script
 * (only sh and coreutils assumed; values arrive as positional parameters) that prints what
 * findKeepalived needs for every keepalived process; the selection and description logic
 * in process.ts is the same for both sources. The daemon's files (dumps, log) are read
 * through the host's runtimeFs (src/host/runtime-fs.ts), one command per file operation.
 */
import type { Host } from '../../host/types.js';

/**
 * Prints one header line and one line per process whose /proc/PID/comm is $1:
 *
 *   self NET MNT JOURNAL
 *   k PID NET MNT FD1_IS_FILE TMPDIR_IS_DIR VRRP CMDLINE TMPDIR FD1 STAT...
 *
 * NET/MNT: readlink of ns/net and ns/mnt ("-" when unreadable: zombies, no root).
 * JOURNAL: 1 when /run/systemd/system is a directory. FD1_IS_FILE: /proc/PID/fd/1 is a
 * regular file (console output redirected to a file). TMPDIR_IS_DIR: $TMPDIR of the
 * process is absolute and a directory in its own mount namespace (/proc/PID/root).
 * VRRP: 1 when the process holds a raw socket for IP protocol 112 (0x70), 0 when not,
 * "-" when not looked at (processes of other network namespaces).
 * CMDLINE (NUL-separated, as in /proc), TMPDIR and FD1 are encoded: "b" + base64, or
 * "x" + hex from od where base64 is missing. STAT is the /proc/PID/stat line, last
 * because it holds spaces.
 */
export const REMOTE_KEEPALIVED_SCRIPT = `self=$(readlink /proc/self/ns/net) || exit 4
smnt=$(readlink /proc/self/ns/mnt 2>/dev/null) || smnt=-
if command -v base64 >/dev/null 2>&1; then e=b; else e=x; fi
enc() { printf '%s' "$e"; if [ "$e" = b ]; then base64; else od -An -v -tx1; fi | tr -d ' \\n'; }
j=0; [ -d /run/systemd/system ] && j=1
printf 'self %s %s %s\\n' "$self" "$smnt" "$j"
for d in /proc/[0-9]*; do
  { read -r c < "$d/comm"; } 2>/dev/null || continue
  [ "$c" = "$1" ] || continue
  { read -r s < "$d/stat"; } 2>/dev/null || continue
  n=$(readlink "$d/ns/net" 2>/dev/null) || n=-
  m=$(readlink "$d/ns/mnt" 2>/dev/null) || m=-
  o=$(readlink "$d/fd/1" 2>/dev/null) || o=
  of=0; [ -f "$d/fd/1" ] && of=1
  t=$( { tr '\\000' '\\n' < "$d/environ"; } 2>/dev/null | while IFS= read -r l; do
    case $l in TMPDIR=*) printf '%s' "\${l#TMPDIR=}"; break;; esac
  done)
  td=0; case $t in /*) [ -d "$d/root$t" ] && td=1;; esac
  v=-
  if [ "$n" = "$self" ]; then
    v=0; ino=
    for tb in "$d/net/raw" "$d/net/raw6"; do
      [ -r "$tb" ] || continue
      while read -r _ la _ _ _ _ _ _ _ i _; do
        case $la in *:0070) ino="$ino $i";; esac
      done < "$tb"
    done
    if [ -n "$ino" ]; then
      for f in "$d"/fd/*; do
        l=$(readlink "$f" 2>/dev/null) || continue
        case $l in socket:*) ;; *) continue;; esac
        k=\${l#"socket:["}; k=\${k%"]"}
        case " $ino " in *" $k "*) v=1; break;; esac
      done
    fi
  fi
  cm=$( { enc < "$d/cmdline"; } 2>/dev/null ) || cm=$e
  printf 'k %s %s %s %s %s %s %s %s %s %s\\n' "\${d#/proc/}" "$n" "$m" "$of" "$td" "$v" "$cm" "$(printf '%s' "$t" | enc)" "$(printf '%s' "$o" | enc)" "$s"
done`;

/** The digits of each pid file named in $@, one line each (empty: missing or unreadable). */
export const REMOTE_PID_FILES_SCRIPT = `for f do
  v=
  [ -f "$f" ] && v=$( { tr -cd '0-9' < "$f" | head -c 20; } 2>/dev/null )
  printf '%s\\n' "$v"
done`;

/** One process as the remote script saw it (the stat line still raw). */
export interface RemoteKeepalivedRecord {
  pid: number;
  net: string | null;
  mnt: string | null;
  stdoutIsFile: boolean;
  tmpdirIsDir: boolean;
  vrrpSocket: boolean | null;
  cmdline: string[];
  tmpdir: string | null;
  stdout: string | null;
  statLine: string;
}

export interface RemoteKeepalivedScan {
  selfNet: string;
  selfMnt: string | null;
  journal: boolean;
  procs: RemoteKeepalivedRecord[];
}

/** "b<base64>" or "x<hex>" back to bytes; null for anything else. */
export function decodeField(field: string): Uint8Array | null {
  if (field.startsWith('b')) {
    const body = field.slice(1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return null;
    return new Uint8Array(Buffer.from(body, 'base64'));
  }
  if (field.startsWith('x')) {
    const body = field.slice(1);
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(body)) return null;
    return new Uint8Array(Buffer.from(body, 'hex'));
  }
  return null;
}

function nsField(text: string): string | null {
  return text === '-' || text === '' ? null : text;
}

function splitNulBytes(b: Uint8Array): string[] {
  const parts = new TextDecoder().decode(b).split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Parse REMOTE_KEEPALIVED_SCRIPT's output. null when the header is missing (not our script's output). */
export function parseRemoteKeepalivedScan(text: string): RemoteKeepalivedScan | null {
  let scan: RemoteKeepalivedScan | null = null;
  const procs: RemoteKeepalivedRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('self ')) {
      const [, net, mnt, journal] = line.split(' ');
      if (!net) return null;
      scan = { selfNet: net, selfMnt: nsField(mnt ?? '-'), journal: journal === '1', procs };
      continue;
    }
    if (!line.startsWith('k ')) continue;
    const f = line.split(' ');
    // k PID NET MNT OF TD V CMDLINE TMPDIR FD1 STAT...
    if (f.length < 11 || !/^\d+$/.test(f[1]!)) continue;
    const cmdline = decodeField(f[7]!);
    const tmpdir = decodeField(f[8]!);
    const stdout = decodeField(f[9]!);
    if (!cmdline || !tmpdir || !stdout) continue;
    const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
    procs.push({
      pid: Number(f[1]),
      net: nsField(f[2]!),
      mnt: nsField(f[3]!),
      stdoutIsFile: f[4] === '1',
      tmpdirIsDir: f[5] === '1',
      vrrpSocket: f[6] === '1' ? true : f[6] === '0' ? false : null,
      cmdline: splitNulBytes(cmdline),
      tmpdir: tmpdir.length ? dec(tmpdir) : null,
      stdout: stdout.length ? dec(stdout) : null,
      statLine: f.slice(10).join(' '),
    });
  }
  if (scan) procs.sort((a, b) => a.pid - b.pid);
  return scan;
}

/** Parse REMOTE_PID_FILES_SCRIPT's output: one pid (or null) per file asked for. */
export function parsePidFileLines(text: string, count: number): (number | null)[] {
  const lines = text.split('\n');
  return Array.from({ length: count }, (_, i) => {
    const v = lines[i]?.trim() ?? '';
    return /^\d+$/.test(v) ? Number(v) : null;
  });
}

/** Runs the scan on the host (one round trip). null when it could not run (exit status, no /proc). */
export async function scanRemoteKeepalived(host: Host, comm = 'keepalived'): Promise<RemoteKeepalivedScan | null> {
  const r = await host.exec('sh', ['-c', REMOTE_KEEPALIVED_SCRIPT, 'sh', comm], { why: 'which keepalived runs here, and how it was started', timeoutMs: 20_000 });
  if (r.exitCode !== 0) return null;
  return parseRemoteKeepalivedScan(r.stdout);
}

export async function readRemotePidFiles(host: Host, paths: string[]): Promise<(number | null)[]> {
  if (paths.length === 0) return [];
  const r = await host.exec('sh', ['-c', REMOTE_PID_FILES_SCRIPT, 'sh', ...paths], { why: "keepalived's pid files", timeoutMs: 20_000 });
  if (r.exitCode !== 0) return paths.map(() => null);
  return parsePidFileLines(r.stdout, paths.length);
}
