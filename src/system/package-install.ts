/**
 * The one argv that installs distribution packages non-interactively, per package manager.
 * The installer, doctor's hints and the firewall's boot-persistence steps all read it.
 */
import type { PackageManager } from './distro.js';

export interface PackageInstallArgv {
  cmd: string;
  args: string[];
  /** Added to the inherited environment (apt asks no questions with it). */
  env?: Record<string, string>;
}

export const APT_ENV: Readonly<Record<string, string>> = { DEBIAN_FRONTEND: 'noninteractive' };

export function packageInstallArgv(pm: PackageManager, packages: string[]): PackageInstallArgv {
  switch (pm) {
    case 'yum':
    case 'dnf':
      return { cmd: pm, args: ['install', '-y', ...packages] };
    case 'apt':
      return { cmd: 'apt-get', args: ['install', '-y', ...packages], env: { ...APT_ENV } };
    case 'zypper':
      return { cmd: 'zypper', args: ['--non-interactive', 'install', ...packages] };
    case 'apk':
      return { cmd: 'apk', args: ['add', ...packages] };
  }
}

/** The same as one argv to run as it is: the environment, when there is one, through env(1). */
export function packageInstallEnvArgv(pm: PackageManager, packages: string[]): string[] {
  const { cmd, args, env } = packageInstallArgv(pm, packages);
  const assignments = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
  return assignments.length ? ['env', ...assignments, cmd, ...args] : [cmd, ...args];
}
