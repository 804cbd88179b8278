import type { Host } from '../../host/types.js';
import { releaseHas } from '../releases.js';
import type { LibnlReport } from './types.js';

/**
 * Which libnl keepalived's configure will use, and whether that release can build with it.
 *
 * configure takes libnl-3 when `pkg-config --exists libnl-3.0` (its headers live in
 * /usr/include/libnl3), else libnl 1 (`-lnl`, headers in /usr/include/netlink). keepalived
 * 2.1.x do not build against libnl 1 ("netlink-kernel.h: unknown type name '__u32'"), and
 * forcing the kernel types in (`-include linux/types.h`, or editing the header) only moves
 * the failure to the link: libnl 1.1 has no nl_send_auto or nl_socket_modify_err_cb.
 * Upstream's "Fix building with libnl1" (first in 2.2.0) is the only real fix. So the
 * installer decides before building: libnl-3's development files, or a release >= 2.2.0.
 */

/** The two-line program the header probe compiles. */
export const LIBNL_PROBE_SOURCE = '#include <netlink/netlink-kernel.h>\nint main(void) { return 0; }\n';

const U32_ERROR = /unknown type name '?[‘']?__u32/;
/** "/usr/include/netlink/netlink-kernel.h:193:2: error: unknown type name '__u32'" */
const U32_ERROR_LINE = /^(\S+?\.h):\d+:\d+: error: unknown type name\s+\S?__u32/m;

/** Does build output show the libnl 1 `__u32` failure? */
export function isLibnlU32Failure(text: string): boolean {
  return U32_ERROR.test(text);
}

/** The header the compiler blamed, e.g. /usr/include/netlink/netlink-kernel.h. */
export function headerNamedIn(text: string): string | null {
  return U32_ERROR_LINE.exec(text)?.[1] ?? null;
}

export interface LibnlFacts {
  /** configure will find libnl-3 (pkg-config libnl-3.0; without pkg-config: /usr/include/libnl3). */
  libnl3: boolean;
  /** libnl 1 is there: pkg-config libnl-1, or netlink/ headers on the compiler's include path. */
  libnl1: boolean;
  /** netlink/netlink-kernel.h on the include path: compiles, is not there, or does not compile by itself. */
  probe: 'ok' | 'absent' | 'broken';
  /** The header the compiler blamed, for 'broken'. */
  header: string | null;
  /** What the probe commands printed, for the log. */
  output: string;
}

/**
 * Ask the compiler and pkg-config what the build will see: the same environment (CPATH,
 * PKG_CONFIG_PATH, CC...) and the same CPPFLAGS as configure and make get.
 */
export async function detectLibnl(host: Host, env: Record<string, string> = {}, cppflags: string[] = []): Promise<LibnlFacts> {
  const pkgConfig = (pkg: string) =>
    host.exec('pkg-config', ['--exists', pkg], { env, timeoutMs: 30_000, why: `does configure find ${pkg}` });
  const [nl3, nl1] = await Promise.all([pkgConfig('libnl-3.0'), pkgConfig('libnl-1')]);
  const cc = env.CC ?? 'cc';
  const probe = await host.exec(cc, ['-x', 'c', '-fsyntax-only', ...cppflags, '-'], {
    input: LIBNL_PROBE_SOURCE,
    env,
    timeoutMs: 60_000,
    why: 'are libnl 1 headers on the include path (netlink/netlink-kernel.h)',
  });
  const output = `pkg-config --exists libnl-3.0: exit ${nl3.exitCode}\npkg-config --exists libnl-1: exit ${nl1.exitCode}\n${probe.stdout}${probe.stderr}`;
  const missing = probe.notFound || /netlink\/netlink-kernel\.h: No such file or directory|netlink-kernel\.h' file not found/.test(probe.stdout + probe.stderr);
  const outcome = missing ? 'absent' : probe.exitCode === 0 ? 'ok' : 'broken';
  const libnl3 = nl3.notFound ? await host.exists('/usr/include/libnl3') : nl3.exitCode === 0;
  return {
    libnl3,
    libnl1: (!nl1.notFound && nl1.exitCode === 0) || outcome !== 'absent',
    probe: outcome,
    header: outcome === 'broken' ? headerNamedIn(probe.stdout + probe.stderr) : null,
    output,
  };
}

/**
 * What the build does with the libnl it finds:
 * - libnl3: configure uses it (whatever libnl 1 headers are also there);
 * - libnl1: only libnl 1, and this release builds against it;
 * - none: no libnl at all: configure builds without it (no IPVS over netlink; VRRP works);
 * - refuse: only libnl 1, and this release (2.1.x) cannot build against it.
 */
export type LibnlDecision = 'libnl3' | 'libnl1' | 'none' | 'refuse';

export function libnlDecision(version: string | null, facts: Pick<LibnlFacts, 'libnl3' | 'libnl1'>): LibnlDecision {
  if (facts.libnl3) return 'libnl3';
  if (!facts.libnl1) return 'none';
  return releaseHas(version, 'libnl1HeaderBreak') ? 'refuse' : 'libnl1';
}

export function emptyLibnlReport(): LibnlReport {
  return { probe: 'skipped', libnl3: null, libnl1: null, brokenHeader: null, decision: null };
}
