import type { Host } from '../../host/types.js';
import type { LibnlReport } from './types.js';

/**
 * keepalived 2.1.0-2.1.5 include <netlink/socket.h> without <linux/types.h>; with the old
 * libnl 1 headers in /usr/include/netlink the build stops at
 * "netlink-kernel.h: error: unknown type name '__u32'". Forcing the kernel's type header
 * in front of every compilation unit has the same effect as upstream's fix in 2.2.0,
 * without editing anything under /usr/include.
 */
export const LIBNL_FIX_CPPFLAGS = '-include linux/types.h';

/** The two-line program the probe compiles. */
export const LIBNL_PROBE_SOURCE = '#include <netlink/netlink-kernel.h>\nint main(void) { return 0; }\n';

/** The line --patch-system-headers inserts into the broken header. */
export const PATCH_LINE = '#include <linux/types.h> /* added by ha-setup: libnl 1 uses __u32 without it */';

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

export interface ProbeResult {
  outcome: 'ok' | 'absent' | 'broken';
  /** Only for 'broken': the probe compiles once the kernel types come first. */
  fixWorks: boolean;
  header: string | null;
  output: string;
}

/**
 * Compile the probe from stdin with the compiler's default include path (plus whatever
 * CPATH/CPPFLAGS the build will see). "No such file" means no netlink/ headers on the
 * default path - libnl-3 keeps its own in /usr/include/libnl3 and configure finds them
 * through pkg-config - so there is nothing to fix.
 */
export async function probeNetlinkHeaders(host: Host, env: Record<string, string> = {}, cppflags: string[] = []): Promise<ProbeResult> {
  const cc = env.CC ?? 'cc';
  const run = (extra: string[]) =>
    host.exec(cc, ['-x', 'c', '-fsyntax-only', ...cppflags, ...extra, '-'], {
      input: LIBNL_PROBE_SOURCE,
      env,
      timeoutMs: 60_000,
      why: 'check that the netlink headers compile on their own (the libnl 1 __u32 problem)',
    });
  const plain = await run([]);
  const output = plain.stdout + plain.stderr;
  if (plain.notFound) return { outcome: 'absent', fixWorks: false, header: null, output };
  if (plain.exitCode === 0) return { outcome: 'ok', fixWorks: false, header: null, output };
  if (/netlink\/netlink-kernel\.h: No such file or directory|netlink-kernel\.h' file not found/.test(output)) {
    return { outcome: 'absent', fixWorks: false, header: null, output };
  }
  const fixed = await run(LIBNL_FIX_CPPFLAGS.split(' '));
  return { outcome: 'broken', fixWorks: fixed.exitCode === 0, header: headerNamedIn(output), output };
}

/** libnl 1 development headers without libnl-3's: the combination that breaks 2.1.x. */
export async function hasLibnl1HeadersOnly(host: Host): Promise<boolean> {
  return (await host.exists('/usr/include/netlink/netlink-kernel.h')) && !(await host.exists('/usr/include/libnl3'));
}

/** The header with the kernel types included first; null when it already has the line. */
export function patchedHeader(text: string): string | null {
  if (text.includes('#include <linux/types.h>')) return null;
  // After the include guard when there is one, so the guard still wraps everything.
  const guard = /^#ifndef\s+(\w+)\s*\n#define\s+\1[^\n]*\n/m.exec(text);
  if (guard) {
    const at = guard.index + guard[0].length;
    return `${text.slice(0, at)}${PATCH_LINE}\n${text.slice(at)}`;
  }
  return `${PATCH_LINE}\n${text}`;
}

/**
 * Only with --patch-system-headers: add the include to the system header itself. Written
 * through the host, which keeps the previous content as a timestamped backup.
 */
export async function patchSystemHeader(host: Host, header: string): Promise<{ changed: boolean; backup: string | null }> {
  const text = await host.readFile(header);
  if (text === null) return { changed: false, backup: null };
  const next = patchedHeader(text);
  if (next === null) return { changed: false, backup: null };
  const mode = (await host.stat(header))?.mode ?? 0o644;
  const r = await host.writeFileAtomic(header, next, { mode, why: 'libnl 1 header uses __u32 without <linux/types.h> (--patch-system-headers)' });
  return { changed: r.changed, backup: r.backup };
}

export function emptyLibnlReport(): LibnlReport {
  return { probe: 'skipped', libnl1Headers: false, brokenHeader: null, fix: 'none', retried: false };
}
