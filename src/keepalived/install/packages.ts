import type { Host } from '../../host/types.js';
import { APT_ENV, packageInstallArgv } from '../../system/package-install.js';
import type { InstallDistro, InstallFamily, InstallPackageManager, PlannedCommand } from './types.js';

/**
 * Build dependencies per family, from keepalived's own INSTALL: a compiler and make,
 * OpenSSL headers, libnl-3 with its genl/route parts (never the old libnl 1 `libnl-devel`,
 * whose headers break 2.1.x), pkg-config. The optional ones add ipset/iptables support;
 * keepalived builds without them, so a missing optional package is only a warning.
 */
/** libnl-3's development files (with genl and route, which configure also asks for), per family. */
export const LIBNL3_PACKAGES: Record<Exclude<InstallFamily, 'other'>, string[]> = {
  rhel: ['libnl3-devel'],
  debian: ['libnl-3-dev', 'libnl-genl-3-dev', 'libnl-route-3-dev'],
  suse: ['libnl3-devel'],
  alpine: ['libnl3-dev'],
};

export const BUILD_DEPENDENCIES: Record<Exclude<InstallFamily, 'other'>, { required: string[]; optional: string[] }> = {
  rhel: {
    required: ['gcc', 'make', 'openssl-devel', ...LIBNL3_PACKAGES.rhel, 'pkgconfig'],
    optional: ['ipset-devel', 'iptables-devel', 'libnfnetlink-devel'],
  },
  debian: {
    required: ['build-essential', 'pkg-config', 'libssl-dev', ...LIBNL3_PACKAGES.debian],
    optional: ['libipset-dev', 'libxtables-dev', 'libip4tc-dev', 'libip6tc-dev', 'libnfnetlink-dev'],
  },
  suse: {
    required: ['gcc', 'make', 'libopenssl-devel', ...LIBNL3_PACKAGES.suse, 'pkg-config'],
    optional: [],
  },
  alpine: {
    required: ['build-base', 'linux-headers', 'openssl-dev', ...LIBNL3_PACKAGES.alpine, 'pkgconf'],
    optional: [],
  },
};

/** The family whose package names a package manager speaks, when the family is unknown. */
const FAMILY_OF_MANAGER: Record<InstallPackageManager, Exclude<InstallFamily, 'other'>> = {
  yum: 'rhel',
  dnf: 'rhel',
  apt: 'debian',
  zypper: 'suse',
  apk: 'alpine',
};

/** The argv that installs `packages` non-interactively with this package manager. */
export function installCommand(manager: InstallPackageManager, packages: string[], why: string): PlannedCommand {
  return { ...packageInstallArgv(manager, packages), why };
}

export interface PlanOptions {
  /** apt only: refresh the package lists first (they are empty or old). Default true. */
  refreshLists?: boolean;
}

function aptUpdate(): PlannedCommand {
  return { cmd: 'apt-get', args: ['update'], env: { ...APT_ENV }, why: 'the package lists are empty or old' };
}

/** The commands that install keepalived from the distribution's packages; [] when there is no known manager. */
export function planPackageInstall(distro: InstallDistro, opts: PlanOptions = {}): PlannedCommand[] {
  const manager = distro.packageManager;
  if (!manager) return [];
  const steps: PlannedCommand[] = [];
  if (manager === 'apt' && opts.refreshLists !== false) steps.push(aptUpdate());
  steps.push(installCommand(manager, ['keepalived'], 'install keepalived from the distribution'));
  return steps;
}

function packageFamily(distro: InstallDistro): Exclude<InstallFamily, 'other'> | null {
  return distro.family !== 'other' ? distro.family : distro.packageManager ? FAMILY_OF_MANAGER[distro.packageManager] : null;
}

/** The packages a source build needs on this distribution; null when the family is unknown. */
export function buildDependenciesFor(distro: InstallDistro): { required: string[]; optional: string[] } | null {
  const family = packageFamily(distro);
  return family ? BUILD_DEPENDENCIES[family] : null;
}

/** The command that installs libnl-3's development files here; null when the package manager is unknown. */
export function libnl3InstallCommand(distro: InstallDistro): PlannedCommand | null {
  const family = packageFamily(distro);
  if (!family || !distro.packageManager) return null;
  return installCommand(distro.packageManager, LIBNL3_PACKAGES[family], "libnl-3's development files");
}

/**
 * The commands that install the build dependencies: the required ones in one command
 * (must succeed), then the optional ones in another (a failure is a warning).
 */
export function planBuildDependencies(distro: InstallDistro, opts: PlanOptions = {}): PlannedCommand[] {
  const manager = distro.packageManager;
  const deps = buildDependenciesFor(distro);
  if (!manager || !deps) return [];
  const steps: PlannedCommand[] = [];
  if (manager === 'apt' && opts.refreshLists !== false) steps.push(aptUpdate());
  steps.push(installCommand(manager, deps.required, 'compiler, OpenSSL and libnl-3 headers keepalived needs to build'));
  if (deps.optional.length > 0) {
    steps.push({ ...installCommand(manager, deps.optional, 'optional: ipset/iptables support'), optional: true });
  }
  return steps;
}

/** Package lists older than this are refreshed before installing. */
export const APT_LISTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * apt-get install fails with "Unable to locate package" on a fresh image whose lists were
 * never downloaded (containers, cloud images). Refresh when /var/lib/apt/lists holds no
 * Packages index, or when the newest is older than a day.
 */
export async function aptListsNeedRefresh(host: Host, now = Date.now()): Promise<boolean> {
  const dir = '/var/lib/apt/lists';
  const names = (await host.readDir(dir)).filter((n) => n.endsWith('_Packages') || /_Packages\.(lz4|gz|xz)$/.test(n));
  if (names.length === 0) return true;
  // A dry run must not run commands, even read-only ones: it cannot see the age.
  if (host.dryRun) return false;
  let newest = 0;
  for (const name of names) {
    const mtime = await mtimeOf(host, `${dir}/${name}`);
    if (mtime !== null && mtime > newest) newest = mtime;
  }
  return newest === 0 || now - newest > APT_LISTS_MAX_AGE_MS;
}

/** The Host interface has no mtime; `stat -c %Y` works on GNU and busybox alike. */
async function mtimeOf(host: Host, path: string): Promise<number | null> {
  const r = await host.exec('stat', ['-c', '%Y', host.commandPath(path)]);
  const seconds = Number(r.stdout.trim());
  return r.exitCode === 0 && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}
