import type { Host } from '../host/types.js';
import type { Gaps } from './gaps.js';

export type DistroFamily = 'rhel' | 'debian' | 'suse' | 'alpine' | 'other';
export type PackageManager = 'yum' | 'dnf' | 'apt' | 'zypper' | 'apk';

/** Where the distribution's keepalived package puts things. */
export interface KeepalivedLayout {
  configPath: string;
  /** null where the init system is not systemd by default (Alpine: OpenRC). */
  unit: string | null;
  /** The file the unit reads its extra daemon arguments from, and the variable in it. */
  optionsFile: string | null;
  optionsVariable: string | null;
}

/** Where a distribution keeps firewall rules across reboots (null: no convention we know of). */
export interface FirewallPersistHints {
  iptables: string | null;
  nftables: string | null;
}

export interface DistroFacts {
  /** os-release ID, lower-cased (openEuler writes "openEuler"). null when nothing could be read. */
  id: string | null;
  versionId: string | null;
  name: string | null;
  prettyName: string | null;
  idLike: string[];
  family: DistroFamily;
  packageManager: PackageManager | null;
  /** The file the facts came from, as a path on the target system. */
  source: string | null;
  /**
   * Set when the id itself is unknown and family/package manager were inferred from
   * another field: then they are a guess, and the output says so.
   */
  guessedFrom: { field: 'ID_LIKE'; value: string } | null;
  keepalived: KeepalivedLayout;
  /**
   * The keepalived release this distribution's own repositories carry, with where that fact
   * comes from; null when no source says. A fallback only: setup asks the package manager first.
   */
  keepalivedRelease: KnownRelease | null;
  firewallPersistFile: FirewallPersistHints;
}

export interface KnownRelease {
  version: string;
  source: string;
}

/**
 * Parse os-release(5): KEY=value lines, values optionally in single or double quotes with
 * shell-style backslash escapes; comments and blank lines ignored. No shell is involved.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!.trim());
  }
  return out;
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
    const inner = value.slice(1, -1);
    return q === '"' ? inner.replace(/\\([\\$"`])/g, '$1') : inner;
  }
  return value.replace(/\\(.)/g, '$1');
}

const EL_IDS = new Set(['rhel', 'centos', 'ol', 'oracle', 'cloudlinux', 'almalinux', 'rocky', 'scientific', 'eurolinux', 'virtuozzo', 'anolis', 'miraclelinux']);
// openEuler and the Huawei Cloud EulerOS 2.0 built on it (ID "hce", no ID_LIKE) use dnf.
const DNF_IDS = new Set(['fedora', 'openeuler', 'hce']);
const DEBIAN_IDS = new Set(['debian', 'ubuntu', 'uos', 'deepin', 'raspbian', 'kali', 'linuxmint', 'pop', 'elementary', 'devuan']);
const SUSE_IDS = new Set(['sles', 'sled', 'sles_sap', 'opensuse', 'opensuse-leap', 'opensuse-tumbleweed', 'opensuse-microos', 'suse']);

/** The first run of digits in VERSION_ID ("7.9.2009" -> 7, "V10" -> 10), or null. */
function majorOf(versionId: string | null): number | null {
  const m = versionId ? /(\d+)/.exec(versionId) : null;
  return m ? Number(m[1]) : null;
}

/** EL7 and older use yum; EL8 made dnf the package manager (yum became an alias of it). */
function elPackageManager(major: number | null): PackageManager {
  return major !== null && major <= 7 ? 'yum' : 'dnf';
}

/** What a known ID means; null when the id is not one we know. */
function classifyId(id: string, versionId: string | null, idLike: string[]): { family: DistroFamily; packageManager: PackageManager } | null {
  const major = majorOf(versionId);
  const likes = new Set(idLike);
  if (id === 'amzn') {
    // Amazon Linux AMI (2016.03, 2018.03) and Amazon Linux 2 are yum; Amazon Linux 2023 is dnf.
    return { family: 'rhel', packageManager: major !== null && major >= 2022 ? 'dnf' : 'yum' };
  }
  if (id === 'alinux') {
    // Alibaba Cloud Linux 2 follows EL7 (yum), 3 follows EL8 (dnf).
    return { family: 'rhel', packageManager: major !== null && major <= 2 ? 'yum' : 'dnf' };
  }
  if (id === 'tencentos' || id === 'tlinux') {
    // TencentOS Server 2 (and the older Tencent Linux 2, ID "tlinux") follow EL7 (yum); 3
    // follows EL8 (PLATFORM_ID platform:el8) and 4 is its own (platform:tl4), both dnf.
    return { family: 'rhel', packageManager: major !== null && major <= 2 ? 'yum' : 'dnf' };
  }
  if (id === 'euleros') {
    // Huawei's EulerOS 2.0 (the base of Huawei Cloud's older images) follows EL7: yum.
    return { family: 'rhel', packageManager: 'yum' };
  }
  if (id === 'kylin') {
    // Kylin Linux Advanced Server V10 is RPM/dnf and ships no ID_LIKE; Kylin desktop
    // editions are Debian-based: let ID_LIKE decide when it says so.
    if (likes.has('debian') || likes.has('ubuntu')) return { family: 'debian', packageManager: 'apt' };
    return { family: 'rhel', packageManager: 'dnf' };
  }
  if (id === 'uos') {
    // UOS desktop/server "e" editions are Debian-based; an RPM edition would say so in ID_LIKE.
    if (['rhel', 'fedora', 'centos', 'anolis'].some((l) => likes.has(l))) return { family: 'rhel', packageManager: 'dnf' };
    return { family: 'debian', packageManager: 'apt' };
  }
  if (EL_IDS.has(id)) return { family: 'rhel', packageManager: elPackageManager(major) };
  if (DNF_IDS.has(id)) return { family: 'rhel', packageManager: 'dnf' };
  if (DEBIAN_IDS.has(id)) return { family: 'debian', packageManager: 'apt' };
  if (SUSE_IDS.has(id) || id.startsWith('opensuse') || id.startsWith('sle')) return { family: 'suse', packageManager: 'zypper' };
  if (id === 'alpine') return { family: 'alpine', packageManager: 'apk' };
  return null;
}

/** "9.6" -> [9, 6]; "7" -> [7, null]; "V10" -> [10, null]. */
function versionParts(versionId: string | null): [number | null, number | null] {
  const m = versionId ? /(\d+)(?:\.(\d+))?/.exec(versionId) : null;
  return m ? [Number(m[1]), m[2] === undefined ? null : Number(m[2])] : [null, null];
}

const FROM_RELEASES_MD = 'keepalived-releases.md (reference)';
const FROM_PACKAGES = 'distribution package lists (reference keepalived.md §8)';

/**
 * The keepalived release a distribution's repositories carry, where a source says so. Rows
 * for the Chinese clouds' EL rebuilds follow the release they rebuild and say so; their own
 * repositories were not read. Kylin V10, UOS 20, Deepin, Huawei Cloud EulerOS 2.0 and
 * TencentOS Server 4: no source found, null.
 */
export function keepalivedReleaseOf(id: string | null, versionId: string | null, name: string | null = null): KnownRelease | null {
  const [major, minor] = versionParts(versionId);
  if (!id || major === null) return null;
  // No minor: the newest (CentOS Stream, Rocky's "9"), except CentOS Linux 8, whose "8" is 8.0 to 8.5 alike.
  const minorAtLeast = (m: number) => (minor === null ? !(id === 'centos' && major >= 8 && !/stream/i.test(name ?? '')) : minor >= m);
  const el = ['rhel', 'centos', 'ol', 'oracle', 'scientific', 'cloudlinux', 'rocky', 'almalinux', 'eurolinux'].includes(id);
  const known = (version: string, source: string): KnownRelease => ({ version, source });
  if (el && major === 7) return known('1.3.5', `${FROM_RELEASES_MD}: CentOS 7 / RHEL 7 ship 1.3.5`);
  // 8.0-8.2 shipped 2.0.10 (reference §8, not verified): no claim for them.
  if (el && major === 8 && minorAtLeast(3)) return known('2.1.5', `${FROM_RELEASES_MD}: Rocky / Alma / RHEL 8 (8.3 on) ship 2.1.5`);
  // 9.0-9.2 shipped 2.2.4 (reference §8, not verified): no claim for them.
  if (el && major === 9 && minorAtLeast(3)) return known('2.2.8', `${FROM_RELEASES_MD}: Rocky / RHEL 9 (9.3 on) ship 2.2.8`);
  if ((id === 'alinux' || id === 'tencentos' || id === 'tlinux') && major === 2) return known('1.3.5', 'follows CentOS 7, which ships 1.3.5 (the vendor repository itself was not read)');
  if ((id === 'anolis' && major === 8) || (id === 'alinux' && major === 3) || (id === 'tencentos' && major === 3)) {
    return known('2.1.5', 'rebuild of RHEL 8 (PLATFORM_ID an8 / al8 / el8), which ships 2.1.5 (the vendor repository itself was not read)');
  }
  if (id === 'openeuler' && versionId?.startsWith('20.03')) return known('2.0.20', 'openEuler 20.03 LTS SP1-SP3 package sources (github.com/openeuler-mirror/keepalived branches, reference §8)');
  if (id === 'openeuler' && versionId?.startsWith('22.03')) return known('2.2.4', 'openEuler 22.03 LTS package sources (openeuler-mirror branch openEuler-22.03-LTS, reference §8; later SPs not mirrored)');
  if (id === 'debian') {
    const debian: Record<number, string> = { 10: '2.0.10', 11: '2.1.5', 12: '2.2.7', 13: '2.3.3' };
    return debian[major] ? known(debian[major]!, `${FROM_PACKAGES}: packages.debian.org`) : null;
  }
  if (id === 'ubuntu') {
    const ubuntu: Record<string, string> = { '20.04': '2.0.19', '22.04': '2.2.4', '24.04': '2.2.8', '26.04': '2.3.4' };
    return ubuntu[versionId ?? ''] ? known(ubuntu[versionId!]!, `${FROM_PACKAGES}: packages.ubuntu.com`) : null;
  }
  return null;
}

export function keepalivedLayoutFor(family: DistroFamily): KeepalivedLayout {
  const base = { configPath: '/etc/keepalived/keepalived.conf', unit: 'keepalived.service' };
  switch (family) {
    case 'rhel':
    case 'suse':
      return { ...base, optionsFile: '/etc/sysconfig/keepalived', optionsVariable: 'KEEPALIVED_OPTIONS' };
    case 'debian':
      return { ...base, optionsFile: '/etc/default/keepalived', optionsVariable: 'DAEMON_ARGS' };
    case 'alpine':
      return { configPath: base.configPath, unit: null, optionsFile: null, optionsVariable: null };
    default:
      return { ...base, optionsFile: null, optionsVariable: null };
  }
}

export function firewallPersistFor(family: DistroFamily): FirewallPersistHints {
  switch (family) {
    case 'rhel':
      return { iptables: '/etc/sysconfig/iptables', nftables: '/etc/sysconfig/nftables.conf' };
    case 'debian':
      return { iptables: '/etc/iptables/rules.v4', nftables: '/etc/nftables.conf' };
    default:
      return { iptables: null, nftables: null };
  }
}

/** Turn os-release fields into distro facts. Unknown ids fall back on ID_LIKE, and say so. */
export function distroFromOsRelease(fields: Record<string, string>, source: string | null = '/etc/os-release'): DistroFacts {
  const id = fields.ID ? fields.ID.toLowerCase() : null;
  const versionId = fields.VERSION_ID ?? null;
  const idLike = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  let known = id ? classifyId(id, versionId, idLike) : null;
  let guessedFrom: DistroFacts['guessedFrom'] = null;
  if (!known) {
    for (const like of idLike) {
      known = classifyId(like, versionId, []);
      if (known) {
        guessedFrom = { field: 'ID_LIKE', value: fields.ID_LIKE! };
        break;
      }
    }
  }
  const family = known?.family ?? 'other';
  return {
    id,
    versionId,
    name: fields.NAME ?? null,
    prettyName: fields.PRETTY_NAME ?? null,
    idLike,
    family,
    packageManager: known?.packageManager ?? null,
    source,
    guessedFrom,
    keepalived: keepalivedLayoutFor(family),
    keepalivedRelease: keepalivedReleaseOf(id, versionId, fields.NAME ?? null),
    firewallPersistFile: firewallPersistFor(family),
  };
}

/** Products that write "<name> release <version> (<codename>)" into /etc/redhat-release. */
const REDHAT_RELEASE_NAMES: Array<[RegExp, string]> = [
  [/^CentOS Stream\b/i, 'centos'],
  [/^CentOS\b/i, 'centos'],
  [/^Red Hat Enterprise Linux\b/i, 'rhel'],
  [/^Rocky Linux\b/i, 'rocky'],
  [/^AlmaLinux\b/i, 'almalinux'],
  [/^Oracle Linux\b/i, 'ol'],
  [/^CloudLinux\b/i, 'cloudlinux'],
  [/^Scientific Linux\b/i, 'scientific'],
  [/^Fedora\b/i, 'fedora'],
  [/^Anolis OS\b/i, 'anolis'],
];

/** "CentOS Linux release 7.9.2009 (Core)" -> os-release-like fields; null if not recognised. */
export function parseRedhatRelease(text: string): Record<string, string> | null {
  const line = text.split(/\r?\n/).find((l) => l.trim())?.trim();
  if (!line) return null;
  const m = /^(.*?)\s+release\s+([0-9][0-9.]*)/i.exec(line);
  if (!m) return null;
  const hit = REDHAT_RELEASE_NAMES.find(([re]) => re.test(m[1]!));
  if (!hit) return null;
  return { ID: hit[1], VERSION_ID: m[2]!, NAME: m[1]!, PRETTY_NAME: line };
}

const PM_BINARIES: Record<PackageManager, string[]> = {
  yum: ['/usr/bin/yum'],
  dnf: ['/usr/bin/dnf', '/usr/bin/dnf5'],
  apt: ['/usr/bin/apt-get'],
  zypper: ['/usr/bin/zypper'],
  apk: ['/sbin/apk', '/usr/sbin/apk'],
};

async function hasAny(host: Host, paths: string[]): Promise<boolean> {
  for (const p of paths) if (await host.exists(p)) return true;
  return false;
}

/**
 * Read the distribution under the host's root: /etc/os-release, then /usr/lib/os-release
 * (os-release(5)), then /etc/redhat-release and /etc/centos-release for old RHEL-likes.
 */
export async function readDistro(host: Host, gaps?: Gaps): Promise<DistroFacts> {
  let facts: DistroFacts | null = null;
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await safeRead(host, path);
    if (text !== null) {
      facts = distroFromOsRelease(parseOsRelease(text), path);
      break;
    }
  }
  if (!facts) {
    for (const path of ['/etc/redhat-release', '/etc/centos-release']) {
      const text = await safeRead(host, path);
      const fields = text === null ? null : parseRedhatRelease(text);
      if (fields) {
        facts = distroFromOsRelease(fields, path);
        break;
      }
    }
  }
  if (!facts) {
    gaps?.add('distro', 'missing');
    return distroFromOsRelease({}, null);
  }
  // A guess (ID_LIKE) is checked against what is installed: when its package manager is
  // absent but exactly one other is present, that one is the better answer.
  if (facts.guessedFrom && facts.packageManager && !(await hasAny(host, PM_BINARIES[facts.packageManager]))) {
    const present: PackageManager[] = [];
    for (const pm of Object.keys(PM_BINARIES) as PackageManager[]) if (await hasAny(host, PM_BINARIES[pm])) present.push(pm);
    const others = present.filter((pm) => !(pm === 'yum' && present.includes('dnf')));
    if (others.length === 1) facts = { ...facts, packageManager: others[0]! };
  }
  return facts;
}

async function safeRead(host: Host, path: string): Promise<string | null> {
  try {
    return await host.readFile(path);
  } catch {
    return null;
  }
}
