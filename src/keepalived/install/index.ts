/**
 * Installing keepalived: from the distribution's packages or from a source tarball (with
 * the known build problems of each release handled: quirks.ts, libnl.ts). Used by
 * `ha-setup install` and by the setup wizard.
 */
import type { Host } from '../../host/types.js';
import { installFromPackage } from './package.js';
import { installFromSource } from './source.js';
import type { InstallDistro, InstallOptions, InstallResult, Progress } from './types.js';

export * from './types.js';
export { planPackageInstall, planBuildDependencies, buildDependenciesFor, installCommand, aptListsNeedRefresh, BUILD_DEPENDENCIES, LIBNL3_PACKAGES } from './packages.js';
export { validateInstallFlags, isLiveInstall, isUrl, LIVE_PREFIXES, type RawInstallFlags } from './options.js';
export { detectLibnl, libnlDecision, isLibnlU32Failure, type LibnlFacts, type LibnlDecision } from './libnl.js';
export { quirksFor, quirkConfigureArgs, releaseFromConfigure, releaseFromTarballName, IFF_UP_CPPFLAGS, type BuildQuirk } from './quirks.js';
export { sourceLayout, configureCommand, type SourceLayout } from './source.js';

/**
 * Install keepalived on `host`. Every command and file goes through the host, so a
 * PlanHost records the whole plan for --dry-run. Throws OperationError naming the failed
 * phase, its last log lines, the log path and the likely cause.
 */
export function installKeepalived(host: Host, distro: InstallDistro, opts: InstallOptions, progress: Progress): Promise<InstallResult> {
  return opts.method === 'source' ? installFromSource(host, distro, opts, progress) : installFromPackage(host, distro, opts, progress);
}
