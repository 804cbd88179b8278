import { OperationError } from '../../errors.js';
import { t } from '../../i18n/index.js';
import type { Host } from '../../host/types.js';
import { InstallLog } from './log.js';
import { aptListsNeedRefresh, planPackageInstall } from './packages.js';
import { phaseFailure, runLogged } from './runner.js';
import { parseKeepalivedVersion } from '../version.js';
import type { InstallDistro, InstallOptions, InstallResult, PlannedCommand, Progress } from './types.js';

/** Where the distributions put the packaged binary. */
const PACKAGED_BINARIES = ['/usr/sbin/keepalived', '/sbin/keepalived', '/usr/bin/keepalived'];

/** keepalived from the distribution's repositories, through its package manager. */
export async function installFromPackage(host: Host, distro: InstallDistro, opts: Pick<InstallOptions, 'now'>, progress: Progress): Promise<InstallResult> {
  if (!distro.packageManager) {
    throw new OperationError(t('install.fail.noPackageManager'), { hint: t('install.hint.useSource') });
  }
  const refreshLists = distro.packageManager === 'apt' ? await aptListsNeedRefresh(host) : false;
  const steps = planPackageInstall(distro, { refreshLists });
  const log = new InstallLog(host, opts.now);
  try {
    return await installPackages(host, distro, steps, progress, log);
  } finally {
    await log.flush().catch(() => undefined);
  }
}

async function installPackages(host: Host, distro: InstallDistro, steps: PlannedCommand[], progress: Progress, log: InstallLog): Promise<InstallResult> {
  const manager = distro.packageManager!;
  if (log.path) progress.note(t('install.note.log', { path: log.path }));
  const phase = t('install.phase.package', { manager });
  await progress.step(phase, async () => {
    log.beginPhase(phase);
    for (const step of steps) {
      const r = await runLogged(host, log, step);
      if (r.exitCode !== 0) {
        const err = phaseFailure({ phase, step, result: r, log, distro });
        if (step.cmd === 'apt-get' && step.args[0] === 'update') err.details.unshift(t('install.fail.aptUpdate'));
        throw err;
      }
    }
  });
  let binary = PACKAGED_BINARIES[0]!;
  for (const candidate of PACKAGED_BINARIES) {
    if (await host.exists(candidate)) {
      binary = candidate;
      break;
    }
  }
  const r = await host.exec(binary, ['--version'], { why: 'check the installed keepalived runs' });
  return {
    method: 'package',
    binary,
    version: parseKeepalivedVersion(r.stdout + r.stderr),
    logPath: log.path,
    prefix: null,
    live: true,
    unitPath: null,
    pathLink: null,
    libnl: null,
  };
}
