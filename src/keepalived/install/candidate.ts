/**
 * Which keepalived release an install would bring, before it runs: the configuration is
 * planned for that release (keywords, script user, validation), not for an unknown one.
 *
 * - package: ask the package manager, read-only (apt-cache policy, dnf/yum info, zypper
 *   info, apk policy); when it cannot say, the release the distribution's repositories are
 *   known to carry (distro.ts), said as such;
 * - source: the version in the tarball's name (keepalived-2.1.5.tar.gz, Debian's
 *   keepalived_2.3.3.orig.tar.gz).
 */
import type { Host } from '../../host/types.js';
import type { PackageManager } from '../../system/distro.js';

export type CandidateSource = 'package-manager' | 'distro-table' | 'tarball' | null;

export interface CandidateRelease {
  version: string | null;
  source: CandidateSource;
  /** The query that answered (or was asked), for the plan and the tests. */
  argv: string[] | null;
}

/** The read-only query that names the release a package manager would install. */
export function candidateQuery(pm: PackageManager): string[] {
  switch (pm) {
    case 'apt':
      return ['apt-cache', 'policy', 'keepalived'];
    case 'dnf':
      return ['dnf', '--quiet', 'info', 'keepalived'];
    case 'yum':
      return ['yum', '--quiet', 'info', 'keepalived'];
    case 'zypper':
      return ['zypper', '--non-interactive', '--quiet', 'info', 'keepalived'];
    case 'apk':
      return ['apk', 'policy', 'keepalived'];
  }
}

/** "1:2.2.7-1+b2" -> "2.2.7"; "2.2.8-1.el9" -> "2.2.8"; "1.3.5" -> "1.3.5". */
export function upstreamVersion(packageVersion: string): string | null {
  return /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)/.exec(packageVersion.trim())?.[1] ?? null;
}

/** The release in a package manager's answer; null when it names none (no such package). */
export function parseCandidate(pm: PackageManager, output: string): string | null {
  switch (pm) {
    case 'apt': {
      const m = /^\s*Candidate:\s*(\S+)/m.exec(output);
      return m && m[1] !== '(none)' ? upstreamVersion(m[1]!) : null;
    }
    case 'dnf':
    case 'yum':
    case 'zypper': {
      // dnf/yum list installed and available packages apart: the available one is what an install brings.
      const available = /Available Packages\s*\n([\s\S]*)/i.exec(output)?.[1] ?? output;
      const m = /^Version\s*:\s*(\S+)/m.exec(available);
      return m ? upstreamVersion(m[1]!) : null;
    }
    case 'apk': {
      const m = /^\s+(\d[^\s:]*):\s*$/m.exec(output);
      return m ? upstreamVersion(m[1]!) : null;
    }
  }
}

/** The version in a source tarball's name or URL. */
export function tarballVersion(source: string): string | null {
  const name = source.split(/[/?#]/).filter(Boolean).pop() ?? '';
  return /^keepalived[-_]v?(\d+\.\d+\.\d+)(?:\.orig)?\.tar/.exec(name)?.[1] ?? null;
}

export async function candidateRelease(
  host: Host,
  distro: { packageManager: PackageManager | null; keepalivedRelease: string | null },
  install: { method: 'package' | 'source'; source: string | null },
): Promise<CandidateRelease> {
  if (install.method === 'source') {
    const version = install.source ? tarballVersion(install.source) : null;
    return { version, source: version ? 'tarball' : null, argv: null };
  }
  const pm = distro.packageManager;
  if (pm && !host.dryRun) {
    const argv = candidateQuery(pm);
    const r = await host.exec(argv[0]!, argv.slice(1), { why: 'which keepalived release the package manager would install', timeoutMs: 120_000 });
    const version = r.exitCode === 0 ? parseCandidate(pm, r.stdout) : null;
    if (version) return { version, source: 'package-manager', argv };
  }
  if (distro.keepalivedRelease) return { version: distro.keepalivedRelease, source: 'distro-table', argv: null };
  return { version: null, source: null, argv: null };
}
