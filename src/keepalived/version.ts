/**
 * keepalived versions ("2.2.7", "v1.3.5", "Keepalived v2.2.7 (01/16,2022)") read and compared
 * numerically. Only releases.ts compares them; everything else asks that table.
 */
export function parseVersion(text: string): number[] | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a) ?? [0, 0, 0];
  const vb = parseVersion(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) if (va[i] !== vb[i]) return va[i]! - vb[i]!;
  return 0;
}

/** What `keepalived -v` prints (to stderr in every release): "Keepalived v2.2.7 (01/16,2022)" -> "2.2.7". */
export function parseKeepalivedVersion(output: string): string | null {
  return /Keepalived v(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? null;
}
