/**
 * Which keepalived release the plan is made for. Installed: that one. Not installed yet: the
 * one the install will bring (the package manager's candidate, the tarball's version, else
 * the release the distribution is known to carry), learnt before the plan, because the file
 * setup writes depends on it (releases.ts). Files for another machine (--root): unknown.
 */
import type { Host } from '../host/types.js';
import type { Facts } from '../system/facts.js';
import { candidateRelease, type CandidateSource } from '../keepalived/install/candidate.js';

export interface PlannedRelease {
  version: string | null;
  source: 'installed' | CandidateSource;
}

export async function plannedRelease(host: Host, facts: Facts, install: { method: 'package' | 'source'; source: string | null }, filesOnly: boolean): Promise<PlannedRelease> {
  if (facts.keepalived.installed) return { version: facts.keepalived.version, source: 'installed' };
  if (filesOnly) return { version: null, source: null };
  const c = await candidateRelease(host, { packageManager: facts.distro.packageManager, keepalivedRelease: facts.distro.keepalivedRelease?.version ?? null }, install);
  return { version: c.version, source: c.source };
}
