/**
 * What one keepalived binary is: its release (`-v`), the options it accepts (`--help`),
 * how it was built (`Config options:` of `-v`: BFD, JSON...) and the configuration file
 * it reads by default. Build options are not versions: a hand build of 2.4.3 has no BFD,
 * Debian's 2.2.7 has; so `-b` or `--signum=JSON` are asked of the binary, everything that
 * follows from the release of the table in releases.ts.
 *
 * Every release prints `--help` and `-v` on stderr and exits 0.
 */
import type { Host } from '../host/types.js';
import { parseKeepalivedVersion } from './version.js';

export interface KeepalivedBinary {
  /** The command as run: "keepalived" (PATH) or an absolute path. */
  path: string;
  version: string | null;
  /** Long options `--help` lists, without dashes: "no-syslog", "bfd_pid", "config-test"... */
  longOptions: ReadonlySet<string>;
  /** Short options `--help` lists: "b", "G", "t", "e"... */
  shortOptions: ReadonlySet<string>;
  /** Words of the `Config options:` line of `-v`: "JSON", "BFD", "LVS"... (empty before 2.0). */
  buildOptions: ReadonlySet<string>;
  /** The configuration file `--help` names as the default, when it names one. */
  defaultConfig: string | null;
}

/** `--help` text -> the options it lists. */
export function parseHelpOptions(help: string): { long: Set<string>; short: Set<string>; defaultConfig: string | null } {
  const long = new Set<string>();
  const short = new Set<string>();
  for (const line of help.split('\n')) {
    const m = /^\s{1,8}(?:-([A-Za-z0-9]),\s+)?--([A-Za-z][\w-]*)/.exec(line);
    if (!m) continue;
    if (m[1]) short.add(m[1]);
    long.add(m[2]!);
  }
  const defaultConfig = /default '([^']+keepalived\.conf)'/.exec(help)?.[1] ?? null;
  return { long, short, defaultConfig };
}

/** `-v` text -> the words of its `Config options:` line. */
export function parseBuildOptions(version: string): Set<string> {
  const line = /^Config options:\s*(.*)$/m.exec(version)?.[1] ?? '';
  return new Set(line.split(/\s+/).filter(Boolean).map((w) => w.split('=')[0]!));
}

/** Read `path` (default: the keepalived on the host's PATH). null when there is no such program. */
export async function probeKeepalived(host: Host, path = 'keepalived'): Promise<KeepalivedBinary | null> {
  const [v, h] = await Promise.all([
    host.exec(path, ['-v'], { why: 'which keepalived release this is, and how it was built', timeoutMs: 10_000 }),
    host.exec(path, ['--help'], { why: 'which options this keepalived accepts', timeoutMs: 10_000 }),
  ]);
  if (v.notFound) return null;
  const help = parseHelpOptions(h.stderr + h.stdout);
  return {
    path,
    version: parseKeepalivedVersion(v.stderr + v.stdout),
    longOptions: help.long,
    shortOptions: help.short,
    buildOptions: parseBuildOptions(v.stderr + v.stdout),
    defaultConfig: help.defaultConfig,
  };
}

/** Does the binary accept `--name` (or `-c` for a one-letter name)? */
export function acceptsOption(binary: Pick<KeepalivedBinary, 'longOptions' | 'shortOptions'>, name: string): boolean {
  return name.length === 1 ? binary.shortOptions.has(name) : binary.longOptions.has(name);
}
