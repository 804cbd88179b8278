/**
 * Installing keepalived: from the distribution's packages or from a source tarball (with
 * the libnl `__u32` header fix). Used by `ha-setup install` and by the setup wizard.
 */
import type { Host } from '../../host/types.js';
import { installFromPackage } from './package.js';
import { installFromSource } from './source.js';
import type { InstallDistro, InstallOptions, InstallResult, Progress } from './types.js';

export * from './types.js';
export { planPackageInstall, planBuildDependencies, buildDependenciesFor, installCommand, aptListsNeedRefresh, BUILD_DEPENDENCIES } from './packages.js';
export { validateInstallFlags, isLiveInstall, isUrl, LIVE_PREFIXES, type RawInstallFlags } from './options.js';
export { probeNetlinkHeaders, isLibnlU32Failure, patchedHeader, patchSystemHeader, LIBNL_FIX_CPPFLAGS } from './libnl.js';
export { sourceLayout, configureCommand, type SourceLayout } from './source.js';

/**
 * Install keepalived on `host`. Every command and file goes through the host, so a
 * PlanHost records the whole plan for --dry-run. Throws OperationError naming the failed
 * phase, its last log lines, the log path and the likely cause.
 */
export function installKeepalived(host: Host, distro: InstallDistro, opts: InstallOptions, progress: Progress): Promise<InstallResult> {
  return opts.method === 'source' ? installFromSource(host, distro, opts, progress) : installFromPackage(host, distro, opts, progress);
}
