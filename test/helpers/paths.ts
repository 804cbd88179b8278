import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** ../shared beside the repository: reference material and test data, read in place. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const samplesDir = join(sharedDir, 'samples');
export const osReleaseDir = join(sharedDir, 'os-release');
/** What real keepalived releases printed and did (one folder per release). */
export const recordingsDir = join(sharedDir, 'reference', 'keepalived-recordings');
/** Real /etc/os-release files of the distributions our users run, among them the Chinese clouds' own. */
export const realOsReleaseDir = join(sharedDir, 'real-world', 'os-release');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const cliPath = join(repoRoot, 'dist', 'cli.js');

const made: string[] = [];
// Every temporary directory a test file made goes when its process ends (node --test runs
// each file in a process of its own), whatever the tests did: a test run leaves no folder
// in /tmp. scripts/test.mjs checks that.
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'ha-setup-test-', base = tmpdir()): string {
  const dir = mkdtempSync(join(base, prefix));
  made.push(dir);
  return dir;
}
