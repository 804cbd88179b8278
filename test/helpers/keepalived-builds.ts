/**
 * Real keepalived releases for the lab tests, built by our own installer (the feature
 * under test): the upstream tarball from Debian's source packages, then
 * `ha-setup install --method source --source TARBALL --prefix DIR --yes`.
 *
 * Tarballs come from Debian's archive through apt with a sources list and package lists of
 * our own (the machine's apt configuration, lists and caches are not touched). Builds are
 * cached outside the clone, one prefix per tarball hash, and reused while the binary there
 * answers `-v` with the right release: a second run takes seconds.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from './cli.js';
import { takeLabLock } from './lab-lock.js';
import { tempDir } from './paths.js';
import { parseKeepalivedVersion } from '../../src/keepalived/version.js';

export const BUILD_CACHE = '/var/cache/ha-setup-test/keepalived';
const APT_DIR = '/var/cache/ha-setup-test/apt';
const TARBALLS = join(BUILD_CACHE, 'tarballs');
const APT_SOURCES = ['/etc/apt/sources.list', '/etc/apt/sources.list.d'];
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** The releases Debian's archive serves as source packages, with the hash of their upstream tarball. */
export const SOURCE_RELEASES = {
  '2.2.7': { suite: 'bookworm', debianVersion: '1:2.2.7-1', sha256: 'c61940d874154a560a54627ecf7ef47adebdf832164368d10bf242a4d9b7d49d' },
  '2.3.3': { suite: 'trixie', debianVersion: '1:2.3.3-1', sha256: '2288c5c7609fa452782b7acefa19acce742d0204dc17f54d36da46b10f8b590c' },
  '2.3.4': { suite: 'sid', debianVersion: '1:2.3.4-1', sha256: '6afd95ddb7d3e0d3b8b8e5b3a489144131b61a01b06d29e883d0c44acc8a36bf' },
} as const;
export type SourceRelease = keyof typeof SOURCE_RELEASES;

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function aptOptions(): string[] {
  return [
    '-o', `Dir::Etc::SourceList=${join(APT_DIR, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(APT_DIR, 'lists')}`,
    '-o', `Dir::Cache=${join(APT_DIR, 'cache')}`,
    // Our lists directory is root's: apt's _apt user could not write into it.
    '-o', 'APT::Sandbox::User=root',
  ];
}

/**
 * The Debian archive this machine's apt already uses (its main archive, not -security or
 * -updates): one-line `deb URI SUITE ...` entries and deb822 `URIs:` stanzas are both read.
 */
export function machineDebianArchive(texts: string[] = aptSourceTexts()): string {
  const uris: string[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(/^\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)) uris.push(m[1]!);
    for (const m of text.matchAll(/^URIs:\s*(.+)$/gm)) uris.push(...m[1]!.trim().split(/\s+/));
  }
  const archive = uris.find((u) => /\/debian\/?$/.test(u));
  if (!archive) throw new Error(`no Debian archive in this machine's apt sources (${APT_SOURCES.join(', ')}): the lab matrix fetches keepalived's source packages from it`);
  return archive.replace(/\/$/, '');
}

function aptSourceTexts(): string[] {
  const files = [APT_SOURCES[0]!, ...(existsSync(APT_SOURCES[1]!) ? readdirSync(APT_SOURCES[1]!).filter((n) => /\.(list|sources)$/.test(n)).map((n) => join(APT_SOURCES[1]!, n)) : [])];
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
}

async function aptSourceLists(): Promise<void> {
  const archive = machineDebianArchive();
  mkdirSync(join(APT_DIR, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(APT_DIR, 'cache', 'archives', 'partial'), { recursive: true });
  const suites = [...new Set(Object.values(SOURCE_RELEASES).map((r) => r.suite))];
  writeFileSync(join(APT_DIR, 'sources.list'), suites.map((s) => `deb-src [signed-by=${KEYRING}] ${archive} ${s} main\n`).join(''));
  const r = await execa('apt-get', [...aptOptions(), 'update', '-q'], { reject: false, all: true, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.exitCode !== 0) throw new Error(`apt-get update (own lists) failed:\n${r.all}`);
}

/** The upstream tarball of `release`, checked against its hash; downloaded once. */
export async function keepalivedTarball(release: SourceRelease): Promise<string> {
  const { debianVersion, sha256 } = SOURCE_RELEASES[release];
  const name = `keepalived_${release}.orig.tar.gz`;
  const cached = join(TARBALLS, name);
  if (existsSync(cached) && (await sha256Of(cached)) === sha256) return cached;
  mkdirSync(TARBALLS, { recursive: true });
  const dir = tempDir('ha-setup-ka-src-');
  try {
    let r = await execa('apt-get', [...aptOptions(), 'source', '--download-only', `keepalived=${debianVersion}`], { cwd: dir, reject: false, all: true });
    if (!existsSync(join(dir, name))) {
      // Lists of our own that are missing or old: fetch them, then try again.
      await aptSourceLists();
      r = await execa('apt-get', [...aptOptions(), 'source', '--download-only', `keepalived=${debianVersion}`], { cwd: dir, reject: false, all: true });
    }
    // The Debian part (.dsc, .debian.tar.xz) may be missing from the archive (apt then
    // exits non-zero); the upstream tarball is what is needed, and its hash decides.
    if (!existsSync(join(dir, name))) throw new Error(`apt-get source keepalived=${debianVersion} fetched no ${name} (exit ${r.exitCode}):\n${r.all}`);
    const got = await sha256Of(join(dir, name));
    if (got !== sha256) throw new Error(`${name}: sha256 ${got}, expected ${sha256}`);
    renameSync(join(dir, name), cached);
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "Keepalived v2.3.3 (...)" from `BINARY -v` (every release prints it on stderr). */
export async function releaseOf(binary: string): Promise<string | null> {
  if (!existsSync(binary)) return null;
  const r = await execa(binary, ['-v'], { reject: false, all: true, timeout: 10_000 });
  return parseKeepalivedVersion(String(r.all));
}

/** `ha-setup install --method source` of `tarball` into `prefix`, through the built CLI. */
export function installWithCli(tarball: string, prefix: string) {
  return runCli(['install', '--method', 'source', '--source', tarball, '--prefix', prefix, '--yes'], { timeoutMs: 30 * 60_000 });
}

export interface KeepalivedBuild {
  release: string;
  binary: string;
  prefix: string;
  /** Built now (false: the cached build answered with the right release). */
  built: boolean;
  seconds: number;
}

/** `release` built by our installer, from the cache when it is there and right. */
export async function builtKeepalived(release: SourceRelease): Promise<KeepalivedBuild> {
  const started = Date.now();
  const tarball = await keepalivedTarball(release);
  const prefix = join(BUILD_CACHE, SOURCE_RELEASES[release].sha256);
  const binary = join(prefix, 'sbin', 'keepalived');
  // Other clones on this machine may build the same release at the same moment.
  const unlock = await takeLabLock(`build ${release}`, 40 * 60_000, `${prefix}.lock`);
  try {
    if ((await releaseOf(binary)) === release) return { release, binary, prefix, built: false, seconds: (Date.now() - started) / 1000 };
    rmSync(prefix, { recursive: true, force: true });
    const r = await installWithCli(tarball, prefix);
    if (r.code !== 0) throw new Error(`ha-setup install of keepalived ${release} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    const got = await releaseOf(binary);
    if (got !== release) throw new Error(`${binary} -v says ${got}, expected ${release}`);
    return { release, binary, prefix, built: true, seconds: (Date.now() - started) / 1000 };
  } finally {
    await unlock();
  }
}
