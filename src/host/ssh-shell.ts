/**
 * The pure half of the ssh host: how an argv becomes the one string ssh hands to the
 * remote shell, how a target is parsed, how ssh's own failures are told apart from the
 * remote command's, and the small POSIX sh scripts that do file work on the remote side
 * (no node there: sh + coreutils, or busybox, is all a target needs).
 */
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { FileStat } from './types.js';
import { shellCommandLine } from './shell-quote.js';

/**
 * The remote command line for an argv. ssh always joins its command into a single string
 * that the remote login shell parses again, so this is where injection safety lives: every
 * word is quoted (shell-quote.ts), and a NUL, which no argument can carry, is refused.
 */
export function shCommandLine(argv: readonly string[]): string {
  const bad = argv.find((arg) => arg.includes('\0'));
  if (bad !== undefined) {
    throw new UserError({ field: 'argument', value: bad.replace(/\0/g, '\\0'), accepted: t('ssh.arg.accepted') });
  }
  return shellCommandLine(argv);
}

/**
 * Run a fixed script with positional parameters: `sh -c SCRIPT sh ARG...`. Paths and
 * other data only ever travel as "$1", "$2"..., never inside the script text.
 */
export function shScript(script: string, params: readonly string[]): string[] {
  return ['sh', '-c', script, 'sh', ...params];
}

export interface SshTarget {
  user: string | undefined;
  host: string;
  port: number | undefined;
}

/**
 * `host`, `user@host`, `user@host:port`, `user@[2001:db8::1]:port` or a bare IPv6
 * address. The host may also be an alias from the user's ssh_config. A host starting
 * with '-' is refused: ssh would read it as an option (-oProxyCommand=...).
 */
export function parseSshTarget(target: string): SshTarget {
  const bad = () => new UserError({ field: 'target', value: target, accepted: t('ssh.target.accepted') });
  const at = target.lastIndexOf('@');
  const user = at >= 0 ? target.slice(0, at) : undefined;
  let rest = at >= 0 ? target.slice(at + 1) : target;
  let port: number | undefined;
  let host: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad();
    host = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw bad();
      port = parsePort(rest.slice(1), bad);
    }
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const colon = rest.indexOf(':');
    host = rest.slice(0, colon);
    port = parsePort(rest.slice(colon + 1), bad);
  } else {
    host = rest;
  }
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/.test(user)) throw bad();
  if (!/^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]*$/.test(host)) throw bad();
  return { user, host, port };
}

function parsePort(text: string, bad: () => Error): number {
  if (!/^\d{1,5}$/.test(text)) throw bad();
  const n = Number(text);
  if (n < 1 || n > 65535) throw bad();
  return n;
}

export type SshFailureKind = 'hostKeyUnknown' | 'hostKeyChanged' | 'loginRefused' | 'resolve' | 'unreachable' | 'connection';

/**
 * Was this ssh's own failure (and which), or the remote command's exit status?
 * ssh reports its own failures with exit 255 and a message on stderr; a remote command
 * that itself exits 255 is indistinguishable by the code alone, so the message decides.
 * Returns null when the result belongs to the remote command.
 */
export function classifySshFailure(exitCode: number, stderr: string): SshFailureKind | null {
  if (exitCode !== 255) return null;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/.test(stderr)) return 'hostKeyChanged';
  if (/Host key verification failed|No \S+ host key is known for/.test(stderr)) return 'hostKeyUnknown';
  if (/Permission denied \(|Too many authentication failures/.test(stderr)) return 'loginRefused';
  if (/Could not resolve hostname/.test(stderr)) return 'resolve';
  if (/Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out|connect to host \S+ port \d+:/.test(stderr)) {
    return 'unreachable';
  }
  if (/^ssh: |kex_exchange_identification|banner exchange|Connection (closed|reset) by|mux_client|ControlSocket|Control socket|Bad owner or permissions|Bad configuration option|Unable to negotiate/m.test(stderr)) {
    return 'connection';
  }
  return null;
}

/** ssh's stderr, without the noise of carriage returns and blank lines. */
export function sshMessage(stderr: string): string {
  return stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^@+$/.test(l))
    .join(' ');
}

/** Exit status the scripts below use for "no such file" (cat/ls/stat themselves use 1 and 2). */
export const MISSING = 3;

/** readFile: the content, or exit MISSING. */
export const READ_FILE_SCRIPT = `[ -e "$1" ] || exit ${MISSING}
exec cat -- "$1"`;

/**
 * stat: "S <octal mode> <uid> <gid> <size> <type words>" from GNU or busybox stat, or
 * "L <ls -ldn line>" where stat has no -c (minimal busybox builds). Follows symlinks,
 * like fs.stat.
 */
export const STAT_SCRIPT = `[ -e "$1" ] || exit ${MISSING}
if out=$(stat -L -c '%a %u %g %s %F' -- "$1" 2>/dev/null); then printf 'S %s\\n' "$out"
else printf 'L '; exec ls -ldnL -- "$1"; fi`;

/** modifiedAt: the mtime in seconds; `date -r` where stat has no -c (minimal busybox). */
export const MTIME_SCRIPT = `[ -e "$1" ] || exit ${MISSING}
stat -L -c '%Y' -- "$1" 2>/dev/null || exec date -r "$1" +%s`;

/** readDir: every entry (dotfiles too), NUL-terminated so any name survives. */
export const READ_DIR_SCRIPT = `[ -d "$1" ] || exit ${MISSING}
cd -- "$1" || exit 4
for f in * .[!.]* ..?*; do
  if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\\0' "$f"; fi
done`;

/**
 * What writeFileAtomic needs to decide whether anything changes, in one round trip:
 * line 1 the remote uid, line 2 "missing" or the stat/ls line, then the exact content.
 */
export const WRITE_PROBE_SCRIPT = `u=$(id -u) || exit 4
if [ -e "$1" ]; then
  [ -f "$1" ] || { echo "$1: not a regular file" >&2; exit 5; }
  m=$(stat -L -c 'S %a %u %g %s %F' -- "$1" 2>/dev/null) || m="L $(ls -ldnL -- "$1")" || exit 4
  printf '%s\\n%s\\n' "$u" "$m"
  exec cat -- "$1"
fi
printf '%s\\nmissing\\n' "$u"`;

/**
 * The write itself, content on stdin. $1 path, $2 octal mode, $3 backup path or "",
 * $4 backup mode, $5 "1" to chown root:root, $6 temporary file name (same directory, so
 * the rename is atomic). noclobber makes the temporary file's creation exclusive; the
 * EXIT trap removes it on any failure (after mv it no longer exists).
 */
export const WRITE_SCRIPT = `set -e
p=$1 m=$2 b=$3 bm=$4 own=$5 t=$6
d=\${p%/*}; [ -n "$d" ] || d=/
umask 022
mkdir -p -- "$d"
if [ -n "$b" ]; then cp -p -- "$p" "$b"; chmod "$bm" -- "$b"; fi
tmp=$d/$t
trap 'rm -f -- "$tmp"' EXIT
umask 077
set -C
cat > "$tmp"
set +C
if [ -n "$own" ]; then chown 0:0 -- "$tmp"; fi
chmod "$m" -- "$tmp"
sync -- "$tmp" 2>/dev/null || :
mv -f -- "$tmp" "$p"`;

/** Parse one line of STAT_SCRIPT / WRITE_PROBE_SCRIPT output into a FileStat. */
export function parseStatLine(line: string): FileStat | null {
  const text = line.trim();
  if (text.startsWith('S ')) {
    const m = /^S (\d+) (\d+) (\d+) (\d+) (.+)$/.exec(text);
    if (!m) return null;
    const type = m[5]!;
    return {
      mode: parseInt(m[1]!, 8) & 0o7777,
      uid: Number(m[2]),
      gid: Number(m[3]),
      size: Number(m[4]),
      isFile: /^regular/.test(type),
      isDirectory: type === 'directory',
    };
  }
  if (text.startsWith('L ')) {
    // -rwsr-x--- 1 0 0 1234 Jan  1 00:00 /path  (an 11th mode char may mark ACLs/SELinux)
    const parts = text.slice(2).trim().split(/\s+/);
    const perms = parts[0] ?? '';
    if (perms.length < 10 || parts.length < 5) return null;
    return {
      mode: lsPermsToMode(perms),
      uid: Number(parts[2]),
      gid: Number(parts[3]),
      size: Number(parts[4]),
      isFile: perms[0] === '-',
      isDirectory: perms[0] === 'd',
    };
  }
  return null;
}

/** "-rwsr-xr-T" -> 0o4754 + sticky... : the permission string of `ls -l` as a mode. */
export function lsPermsToMode(perms: string): number {
  const c = (i: number) => perms[i] ?? '-';
  let mode = 0;
  const triplet = (start: number, special: number, specialBit: number) => {
    if (c(start) === 'r') mode |= 4 << special;
    if (c(start + 1) === 'w') mode |= 2 << special;
    const x = c(start + 2);
    if (x === 'x' || x === 's' || x === 't') mode |= 1 << special;
    if (x === 's' || x === 'S' || x === 't' || x === 'T') mode |= specialBit;
  };
  triplet(1, 6, 0o4000);
  triplet(4, 3, 0o2000);
  triplet(7, 0, 0o1000);
  return mode;
}
