import { isAbsolute, posix, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { adminFileKind } from '../../host/admin-files.js';
import { t } from '../../i18n/index.js';
import { DEFAULT_PREFIX, INSTALL_METHODS, type InstallMethod, type InstallOptions } from './types.js';

/** The flags as commander hands them over, before validation. */
export interface RawInstallFlags {
  method?: string;
  source?: string;
  sha256?: string;
  prefix?: string;
  skipDeps?: boolean;
  patchSystemHeaders?: boolean;
  jobs?: string;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Tarball names we know how to unpack. */
export const TARBALL_SUFFIXES = ['.tar.gz', '.tgz', '.tar.xz', '.txz', '.tar.bz2', '.tbz2', '.tar'] as const;

/**
 * Check every flag before anything is changed: a bad value is a UserError naming the
 * flag, the value and what is accepted. `cwd` resolves a relative --source path.
 */
export function validateInstallFlags(flags: RawInstallFlags, cwd = process.cwd()): InstallOptions {
  if (flags.patchSystemHeaders) {
    // Kept as a flag so that the old tutorials' command gets the reason, not "unknown option".
    throw new UserError({ field: '--patch-system-headers', value: true, accepted: t('install.accept.noPatchHeaders'), reason: t('install.reason.patchHeadersGone') });
  }
  const method = (flags.method ?? (flags.source ? 'source' : 'package')) as InstallMethod;
  if (!INSTALL_METHODS.includes(method)) {
    throw new UserError({ field: '--method', value: flags.method, accepted: INSTALL_METHODS.join(', ') });
  }
  let source: string | undefined;
  if (method === 'source') {
    if (!flags.source) {
      throw new UserError({ field: '--source', accepted: t('install.accept.source'), reason: t('install.reason.sourceNeeded') });
    }
    if (isUrl(flags.source)) {
      try {
        new URL(flags.source);
      } catch {
        throw new UserError({ field: '--source', value: flags.source, accepted: t('install.accept.source') });
      }
      source = flags.source;
    } else {
      source = resolve(cwd, flags.source);
      const kind = adminFileKind(source);
      if (kind === 'missing') {
        throw new UserError({ field: '--source', value: flags.source, accepted: t('install.accept.source'), reason: t('install.reason.noSuchFile') });
      }
      if (kind !== 'file') {
        throw new UserError({ field: '--source', value: flags.source, accepted: t('install.accept.source'), reason: t('install.reason.notAFile') });
      }
    }
    const name = new URL(source, 'file:///').pathname.toLowerCase();
    if (!TARBALL_SUFFIXES.some((s) => name.endsWith(s))) {
      throw new UserError({ field: '--source', value: flags.source, accepted: TARBALL_SUFFIXES.join(', ') });
    }
  } else if (flags.source) {
    throw new UserError({ field: '--method', value: method, accepted: 'source', reason: t('install.reason.sourceNeedsSourceMethod') });
  }
  if (flags.sha256 !== undefined) {
    if (!SHA256.test(flags.sha256)) {
      throw new UserError({ field: '--sha256', value: flags.sha256, accepted: t('install.accept.sha256') });
    }
    if (method !== 'source') {
      throw new UserError({ field: '--sha256', value: flags.sha256, accepted: t('install.accept.onlyWithSource') });
    }
  }
  let prefix: string | undefined;
  if (flags.prefix !== undefined) {
    if (!isAbsolute(flags.prefix) || posix.normalize(flags.prefix) === '/') {
      throw new UserError({ field: '--prefix', value: flags.prefix, accepted: t('install.accept.prefix') });
    }
    if (method !== 'source') {
      throw new UserError({ field: '--prefix', value: flags.prefix, accepted: t('install.accept.onlyWithSource') });
    }
    prefix = posix.normalize(flags.prefix).replace(/\/+$/, '');
  }
  let jobs: number | undefined;
  if (flags.jobs !== undefined) {
    jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) {
      throw new UserError({ field: '--jobs', value: flags.jobs, accepted: '1-1024' });
    }
  }
  return {
    method,
    source,
    sha256: flags.sha256?.toLowerCase(),
    prefix,
    skipDependencies: Boolean(flags.skipDeps),
    jobs,
  };
}

/** The prefixes that mean "install it for real" (see docs/install.md). */
export const LIVE_PREFIXES: readonly string[] = [DEFAULT_PREFIX, '/usr'];

/**
 * A source install is live (systemd unit, keepalived on PATH) only when the prefix is the
 * default or /usr and the root is "/". Anything else is staged: every file stays inside
 * the prefix (or under --root), so a test build or a packaging run touches nothing else.
 */
export function isLiveInstall(prefix: string | undefined, root: string): boolean {
  return resolve(root) === '/' && (prefix === undefined || LIVE_PREFIXES.includes(prefix));
}
