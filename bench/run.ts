/**
 * `npm run bench`: run every benchmark in bench/ one after the other (each prints its own
 * figures). A new bench file is picked up without being listed here.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('./', import.meta.url));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== bench/${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${file} exited ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
