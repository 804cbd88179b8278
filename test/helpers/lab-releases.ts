/**
 * The keepalived releases the lab tests run on, for real: Debian's package (2.2.7) and our
 * own builds of the releases Debian's archive serves as source (2.3.3, 2.3.4). The lab
 * tests loop over these, one `describe` per release, each under the lab lock.
 *
 * HA_SETUP_LAB_RELEASES=2.3.3 (comma-separated) narrows the matrix for a quick local run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtKeepalived, type SourceRelease } from './keepalived-builds.js';
import { runCli } from './cli.js';
import { takeLabLock } from './lab-lock.js';

export interface LabRelease {
  release: string;
  /** Where the binary comes from, for test names. */
  how: string;
  /** The first release of the matrix also runs the tests that do not depend on the release. */
  baseline: boolean;
  binary(): Promise<string>;
}

const built = (release: SourceRelease): LabRelease => ({
  release,
  how: 'built by ha-setup install',
  baseline: false,
  binary: async () => (await builtKeepalived(release)).binary,
});

export const LAB_MATRIX: readonly LabRelease[] = [
  { release: '2.2.7', how: "Debian's package", baseline: true, binary: async () => '/usr/sbin/keepalived' },
  built('2.3.3'),
  built('2.3.4'),
];

export function labMatrix(): LabRelease[] {
  const only = (process.env.HA_SETUP_LAB_RELEASES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const chosen = only.length > 0 ? LAB_MATRIX.filter((r) => only.includes(r.release)) : [...LAB_MATRIX];
  // Whatever the selection, the tests that do not depend on the release run once.
  return chosen.map((r, i) => ({ ...r, baseline: i === 0 }));
}

type Cli = (args: string[], opts?: { timeoutMs?: number }) => Promise<{ code: number; stdout: string; stderr: string }>;

/**
 * The hooks of one release's suite: the lab lock, a fresh `lab up --keepalived BINARY`
 * (unless `up: false`), and `lab down` plus the lock's release at the end. Call inside a
 * `describe`. `cli`: the runner of the built CLI (a test's private copy).
 */
export function labSuiteHooks(lab: LabRelease, owner: string, opts: { cli?: Cli; up?: boolean; beforeDown?: () => Promise<unknown> } = {}): { binary: () => string } {
  const cli = opts.cli ?? runCli;
  let release: (() => Promise<void>) | null = null;
  let binary = '';
  before(async () => {
    binary = await lab.binary();
    release = await takeLabLock(`${owner} ${lab.release}`);
    await cli(['lab', 'down']);
    if (opts.up === false) return;
    const up = await cli(['lab', 'up', '--keepalived', binary], { timeoutMs: 180_000 });
    assert.equal(up.code, 0, up.stderr);
  });
  after(async () => {
    await opts.beforeDown?.().catch(() => undefined);
    await cli(['lab', 'down']);
    await release?.();
  });
  return { binary: () => binary };
}

type TestFn = NonNullable<Parameters<typeof test>[0]> extends infer F ? (F extends (...a: never[]) => unknown ? F : never) : never;

/**
 * `test` for the release everything else is measured against, nothing for the others:
 * checks that do not depend on the keepalived release run once, on the baseline.
 */
export function baselineTest(lab: { baseline: boolean }): (name: string, fn: TestFn) => void {
  return lab.baseline ? (name, fn) => void test(name, fn) : () => undefined;
}
