/**
 * What the lab needs on the machine, and installing what is missing. On Debian/Ubuntu
 * (dpkg present) packages are checked with `dpkg -s` and installed with apt-get; a
 * binary found on PATH also counts (a keepalived built from source is fine).
 */
import { delimiter, join } from 'node:path';
import type { Host } from '../host/types.js';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { packageInstallArgv } from '../system/package-install.js';

export interface LabRequirement {
  /** What the lab runs. */
  binary: string;
  /** Debian packages any one of which provides it; the first is the one installed. */
  packages: string[];
}

export const LAB_REQUIREMENTS: readonly LabRequirement[] = [
  { binary: 'keepalived', packages: ['keepalived'] },
  { binary: 'nginx', packages: ['nginx-light', 'nginx', 'nginx-core', 'nginx-full', 'nginx-extras'] },
  { binary: 'tcpdump', packages: ['tcpdump'] },
  { binary: 'curl', packages: ['curl'] },
  { binary: 'ip', packages: ['iproute2'] },
];

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

async function onPath(host: Host, binary: string): Promise<boolean> {
  const dirs = new Set([...(process.env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/')), ...SYSTEM_PATH]);
  for (const dir of dirs) if (await host.exists(join(dir, binary))) return true;
  return false;
}

async function dpkgInstalled(host: Host, pkg: string): Promise<boolean | null> {
  const r = await host.exec('dpkg', ['-s', pkg]);
  if (r.notFound) return null;
  return r.exitCode === 0 && /^Status: install ok installed$/m.test(r.stdout);
}

export interface PackageCheck {
  missing: LabRequirement[];
  /** dpkg is there: apt-get can install what is missing. */
  debian: boolean;
}

/** `provided`: binaries the caller brings itself (`lab up --keepalived PATH`). */
export async function checkLabPackages(host: Host, provided: readonly string[] = []): Promise<PackageCheck> {
  const missing: LabRequirement[] = [];
  let debian = true;
  for (const req of LAB_REQUIREMENTS.filter((r) => !provided.includes(r.binary))) {
    let found = false;
    for (const pkg of req.packages) {
      const installed = await dpkgInstalled(host, pkg);
      if (installed === null) debian = false;
      if (installed) {
        found = true;
        break;
      }
      if (installed === null) break;
    }
    if (!found) found = await onPath(host, req.binary);
    if (!found) missing.push(req);
  }
  return { missing, debian };
}

/**
 * Install what is missing (Debian/Ubuntu), or say exactly what to install elsewhere.
 * Returns the packages installed.
 */
export async function ensureLabPackages(host: Host, opts: { install: boolean; progress: (msg: string) => void; provided?: readonly string[] }): Promise<string[]> {
  const check = await checkLabPackages(host, opts.provided);
  if (check.missing.length === 0) return [];
  const names = check.missing.map((r) => r.packages[0]!);
  if (!check.debian || !opts.install) {
    throw new OperationError(t('lab.error.missingPackages', { packages: names.join(' ') }), {
      hint: check.debian ? `apt-get install -y ${names.join(' ')}` : t('lab.hint.installElsewhere', { packages: names.join(' ') }),
    });
  }
  opts.progress(t('lab.progress.installing', { packages: names.join(' ') }));
  const { cmd, args, env } = packageInstallArgv('apt', ['-q', '--no-install-recommends', ...names]);
  let r = await host.exec(cmd, args, { env, why: 'packages the lab needs' });
  if (r.exitCode !== 0) {
    // A fresh container often has no package lists yet.
    await host.exec('apt-get', ['update', '-q'], { env, why: 'refresh package lists' });
    r = await host.exec(cmd, args, { env, why: 'packages the lab needs' });
  }
  if (r.exitCode !== 0) {
    throw new OperationError(t('lab.error.installFailed', { packages: names.join(' '), code: r.exitCode }), {
      details: r.stderr.split('\n').filter(Boolean).slice(-5),
      hint: `apt-get install -y ${names.join(' ')}`,
    });
  }
  return names;
}
