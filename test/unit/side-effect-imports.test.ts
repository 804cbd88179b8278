import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importSites } from '../helpers/import-graph.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

const ROOTS = ['src', 'checks'];
/** The modules that reach the file system or start processes. Only the Host may use them. */
const SIDE_EFFECT_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'execa']);

/** Files under `roots` (outside src/host) that import a side-effect module at run time, sorted. */
function sideEffectImporters(base: string): string[] {
  const files = importSites(base, ROOTS)
    .filter((s) => !s.typeOnly && SIDE_EFFECT_MODULES.has(s.spec) && !s.from.startsWith('src/host/'))
    .map((s) => s.from);
  return [...new Set(files)].sort();
}

test('nothing outside src/host imports fs, child_process or execa', () => {
  assert.deepEqual(sideEffectImporters(repoRoot), [], 'go through the Host (src/host/types.ts) instead');
});

test('the walk sees static, dynamic and re-exported side-effect imports, and no type-only one', () => {
  const dir = tempDir();
  const files: Record<string, string> = {
    'src/a.ts': "import { promises } from 'node:fs';\nexport const a = promises;\n",
    'src/b.ts': "export async function b() { return (await import('execa')).execa; }\n",
    'src/c.ts': "export { spawn } from 'child_process';\n",
    'src/d.ts': "import type { ExecaChildProcess } from 'execa';\nimport { type Stats } from 'node:fs';\nexport type D = ExecaChildProcess | Stats;\n",
    'src/host/e.ts': "import { readFileSync } from 'fs';\nexport const e = readFileSync;\n",
    'checks/f.ts': "import * as fsp from 'fs/promises';\nexport const f = fsp;\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  assert.deepEqual(sideEffectImporters(dir), ['checks/f.ts', 'src/a.ts', 'src/b.ts', 'src/c.ts']);
});
