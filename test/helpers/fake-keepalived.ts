/**
 * Source tarballs that stand in for keepalived releases that cannot be had here (1.3.5,
 * 2.1.5...): test/fixtures/install/fake-keepalived/ (a configure that takes the release
 * from configure.ac, a Makefile, a main program printing `Keepalived vX.Y.Z`) plus the
 * parts that reproduce a release's real build problem with this machine's real compiler
 * and headers (parts/: the IFF_UP include order of 2.1.x, 1.3.5's common globals, the
 * libnl includes of 2.1.x and 2.2.0).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixturesDir, tempDir } from './paths.js';

export type FakePart = 'iff_up' | 'garp_a' | 'garp_b' | 'netlink_21' | 'netlink_22';

const FAKE = join(fixturesDir, 'install', 'fake-keepalived');

export interface FakeTarball {
  file: string;
  /** The temporary directory holding it: remove it when done. */
  dir: string;
}

/**
 * `version`: what configure.ac's AC_INIT says (null: a configure.ac without AC_INIT).
 * `name`: the tarball's file name (default keepalived-VERSION.tar.gz).
 */
export function fakeKeepalivedTarball(opts: { version: string | null; parts?: FakePart[]; name?: string }): FakeTarball {
  const dir = tempDir('ha-setup-fake-ka-');
  const top = `keepalived-${opts.version ?? 'x'}`;
  const src = join(dir, top);
  mkdirSync(src);
  for (const f of ['configure', 'Makefile.in', 'main.c']) cpSync(join(FAKE, f), join(src, f));
  for (const p of opts.parts ?? []) cpSync(join(FAKE, 'parts', `${p}.c`), join(src, `${p}.c`));
  writeFileSync(join(src, 'configure.ac'), opts.version ? `AC_INIT([Keepalived], [${opts.version}], [keepalived-users@groups.io], [], [http://www.keepalived.org/])\n` : 'dnl no AC_INIT here\n');
  const file = join(dir, opts.name ?? `keepalived-${opts.version}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, top]);
  return { file, dir };
}
