/**
 * Footprint of the published package: packed (.tgz) and unpacked size of what `npm pack`
 * would publish, and its largest files. Printed, never asserted. Target: packed < 3 MB.
 *
 *   npm run build && node --import tsx bench/size.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export interface PackFigures {
  packedBytes: number;
  unpackedBytes: number;
  files: Array<{ path: string; size: number }>;
}

/** What `npm pack` reports, without writing a tarball or running the build again. */
export function measurePack(): PackFigures {
  if (!existsSync(`${repoRoot}dist/cli.js`)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [info] = JSON.parse(out) as Array<{ size: number; unpackedSize: number; files: Array<{ path: string; size: number }> }>;
  return { packedBytes: info!.size, unpackedBytes: info!.unpackedSize, files: info!.files };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

if (process.argv[1]?.endsWith('bench/size.ts')) {
  const f = measurePack();
  console.log('package size (target: packed < 3 MB)');
  console.log(`  packed   ${mb(f.packedBytes).padStart(9)}  ${f.packedBytes < 3 * 1024 * 1024 ? 'ok' : 'OVER TARGET'}`);
  console.log(`  unpacked ${mb(f.unpackedBytes).padStart(9)}  (${f.files.length} files)`);
  console.log('  largest files:');
  for (const file of [...f.files].sort((a, b) => b.size - a.size).slice(0, 5)) console.log(`    ${String(Math.round(file.size / 1024)).padStart(5)} KB  ${file.path}`);
}
