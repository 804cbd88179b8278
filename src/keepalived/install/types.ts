import type { Progress } from '../../progress.js';

/**
 * What the installer needs to know about the distribution. The full distro facts
 * (src/system/distro.ts) carry more; any object with these two fields will do.
 */
export type InstallFamily = 'rhel' | 'debian' | 'suse' | 'alpine' | 'other';
export type InstallPackageManager = 'yum' | 'dnf' | 'apt' | 'zypper' | 'apk';
export interface InstallDistro {
  family: InstallFamily;
  packageManager: InstallPackageManager | null;
}

/** One command the installer will run, exactly as it will run (no shell). */
export interface PlannedCommand {
  cmd: string;
  args: string[];
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  why: string;
  /** Fed to the command's standard input (never logged). */
  input?: string;
  /** A failure is reported as a warning and the install continues (optional packages). */
  optional?: boolean;
}

export type InstallMethod = 'package' | 'source';
export const INSTALL_METHODS: readonly InstallMethod[] = ['package', 'source'];

/** The default prefix of a source install: everything in one directory, easy to remove. */
export const DEFAULT_PREFIX = '/usr/local/keepalived';

export interface InstallOptions {
  method: InstallMethod;
  /** A local tarball path (absolute) or an http(s) URL; required for method 'source'. */
  source?: string;
  /** Lower-case hex SHA-256 the tarball must have. */
  sha256?: string;
  /** Absolute install prefix; undefined = DEFAULT_PREFIX. */
  prefix?: string;
  /** Skip installing build dependencies (offline servers whose headers are already there). */
  skipDependencies?: boolean;
  /** Parallel make jobs; default: the number of online CPUs. */
  jobs?: number;
  /** Extra environment for the compiler probe, configure and make (CPATH, CC, ...). */
  buildEnv?: Record<string, string>;
  /** When the log file's timestamp should be taken from (tests pin it). */
  now?: Date;
}

export type { Progress };

/** What the libnl check found and what the build did about it. */
export interface LibnlReport {
  /** netlink/netlink-kernel.h on the compiler's include path: compiles, absent, or does not compile by itself (__u32). */
  probe: 'ok' | 'absent' | 'broken' | 'skipped';
  /** configure finds libnl-3 (null: not checked). */
  libnl3: boolean | null;
  /** libnl 1 is there (pkg-config libnl-1 or its headers on the include path). */
  libnl1: boolean | null;
  /** The header the compiler complained about, when it named one. */
  brokenHeader: string | null;
  /** Which libnl the build uses; 'refuse' stops the install before configure. */
  decision: 'libnl3' | 'libnl1' | 'none' | 'refuse' | null;
}

/** A known build problem of the release being built, and what was done about it. */
export interface AppliedQuirk {
  feature: string;
  configureArgs: string[];
}

export interface InstallResult {
  method: InstallMethod;
  /** The keepalived binary as the target system sees it. */
  binary: string;
  /** "2.2.7", or null when `keepalived --version` printed nothing recognisable. */
  version: string | null;
  /** The install log, as a path on the target system (null on a dry run). */
  logPath: string | null;
  prefix: string | null;
  /** true: installed for real (unit, PATH link); false: staged inside its prefix. */
  live: boolean;
  /** The systemd unit written for a live source install. */
  unitPath: string | null;
  /** Where keepalived was linked onto PATH for a live source install. */
  pathLink: string | null;
  libnl: LibnlReport | null;
  /** Source installs: the release the tarball holds (configure.ac, else its name); null when unknown. */
  sourceRelease?: string | null;
  /** Source installs: the known build problems of that release the build worked around. */
  quirks?: AppliedQuirk[];
}
