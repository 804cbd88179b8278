import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** ../shared beside the repository: reference material and test data, read in place. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const samplesDir = join(sharedDir, 'samples');
export const osReleaseDir = join(sharedDir, 'os-release');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const cliPath = join(repoRoot, 'dist', 'cli.js');

export function tempDir(prefix = 'ha-setup-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
