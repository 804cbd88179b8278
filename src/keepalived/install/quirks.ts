/**
 * What a keepalived release needs to build on a current distribution (gcc >= 10, glibc
 * 2.3x, current kernel headers), and which release a tarball holds. Which release has
 * which problem is a row of the release table (releases.ts); this file only says what
 * the build does about each one.
 */
import { releaseHas, type ReleaseFeature } from '../releases.js';

/** The rows of releases.ts that are build problems. */
export type BuildQuirkFeature = Extract<ReleaseFeature, 'needsFcommon' | 'ipset7Break' | 'iffUpHeaderClash' | 'makeInstallWritesSystemUnit'>;

/** What one known build problem changes in the build. */
export interface BuildQuirk {
  /** The row of releases.ts that says which releases have it. */
  feature: BuildQuirkFeature;
  configureArgs?: string[];
  /** Added to CFLAGS (configure argument). */
  cflags?: string;
  /** Added to CPPFLAGS (configure argument); the libnl probe compiles with it too. */
  cppflags?: string;
}

/**
 * The include order of upstream's fix for `net/if.h: redeclaration of enumerator IFF_UP`
 * (commit 3fd0c21e, first in 2.2.3): glibc's net/if.h before the kernel's linux/if.h.
 */
export const IFF_UP_CPPFLAGS = '-D_GNU_SOURCE -include netinet/in.h -include net/if.h';

export const BUILD_QUIRKS: readonly BuildQuirk[] = [
  // gcc >= 10 defaults to -fno-common: 1.3.5 defines globals such as garp_delay in headers.
  { feature: 'needsFcommon', cflags: '-fcommon' },
  // 1.3.5's ipset code predates the ipset 7 API; keepalived works without it (no ipset matching).
  { feature: 'ipset7Break', configureArgs: ['--disable-libipset'] },
  { feature: 'iffUpHeaderClash', cppflags: IFF_UP_CPPFLAGS },
  // --with-systemdsystemunitdir is passed to every build (sourceLayout's unitDir); listed
  // here so that the releases whose make install would escape the prefix say so.
  { feature: 'makeInstallWritesSystemUnit' },
];

export function quirksFor(version: string | null): BuildQuirk[] {
  return BUILD_QUIRKS.filter((q) => releaseHas(version, q.feature));
}

/** The configure arguments the quirks add, merged with the CFLAGS/CPPFLAGS the build inherits. */
export function quirkConfigureArgs(quirks: readonly BuildQuirk[], inherited: { CFLAGS?: string; CPPFLAGS?: string }): string[] {
  const args = quirks.flatMap((q) => q.configureArgs ?? []);
  const cflags = quirks.map((q) => q.cflags).filter(Boolean);
  // CFLAGS given to configure replaces autoconf's default "-g -O2": keep it.
  if (cflags.length > 0) args.push(`CFLAGS=${[inherited.CFLAGS ?? '-g -O2', ...cflags].join(' ')}`);
  const cppflags = quirkCppflags(quirks, inherited);
  if (cppflags !== null) args.push(`CPPFLAGS=${cppflags}`);
  return args;
}

/** The CPPFLAGS the build will use, or null when the quirks add none (the inherited ones then apply as they are). */
export function quirkCppflags(quirks: readonly BuildQuirk[], inherited: { CPPFLAGS?: string }): string | null {
  const own = quirks.map((q) => q.cppflags).filter(Boolean);
  return own.length > 0 ? [inherited.CPPFLAGS, ...own].filter(Boolean).join(' ') : null;
}

/** "keepalived-2.1.5.tar.gz", "keepalived_2.3.3.orig.tar.gz" -> the release; null for other names. */
export function releaseFromTarballName(name: string): string | null {
  return /(?:^|\/)keepalived[-_](\d+\.\d+\.\d+)(?:\.orig)?\.(?:tar(?:\.\w+)?|tgz|txz|tbz2)$/i.exec(name)?.[1] ?? null;
}

/** `AC_INIT([Keepalived], [2.1.5], ...)` of configure.ac, or `PACKAGE_VERSION='2.1.5'` of configure. */
export function releaseFromConfigure(text: string): string | null {
  return (
    /^AC_INIT\(\s*\[?Keepalived\]?\s*,\s*\[?(\d+\.\d+\.\d+)/im.exec(text)?.[1] ??
    /^PACKAGE_VERSION='(\d+\.\d+\.\d+)'/m.exec(text)?.[1] ??
    null
  );
}
