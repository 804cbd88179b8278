import type { Facts } from '../../src/system/facts.js';
import { distroFromOsRelease, parseOsRelease } from '../../src/system/distro.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { osReleaseDir, realOsReleaseDir } from './paths.js';

/** Facts of a node as detect would report them, built from a real os-release file (../shared/os-release or real-world/os-release). */
export function factsFor(release: string, overrides: Partial<Facts> = {}): Facts {
  const dir = existsSync(join(osReleaseDir, release)) ? osReleaseDir : realOsReleaseDir;
  const distro = distroFromOsRelease(parseOsRelease(readFileSync(join(dir, release, 'etc/os-release'), 'utf8')));
  return {
    distro,
    interfaces: [
      { name: 'lo', up: true, ipv4: ['127.0.0.1/8'], ipv6: ['::1/128'], mac: null, default: false, loopback: true },
      { name: 'eth0', up: true, ipv4: ['192.0.2.11/24'], ipv6: [], mac: '02:00:00:00:00:11', default: true, loopback: false },
      { name: 'eth1', up: false, ipv4: ['198.51.100.11/24'], ipv6: [], mac: '02:00:00:00:01:11', default: false, loopback: false },
    ],
    interfacesSource: 'ip',
    cloud: { vendor: 'none', multicast: true, evidence: null },
    firewall: { kind: 'none', running: false },
    keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.8', running: false, pid: null, pids: [] },
    nginx: { installed: true, path: '/usr/sbin/nginx', version: '1.22.1', running: true, pid: 100 },
    systemd: true,
    selinux: null,
    root: true,
    unavailable: [],
    scope: { root: '/', host: 'local', fromRoot: [], fromRunningSystem: [] },
    ...overrides,
  };
}
