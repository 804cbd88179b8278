import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importSites } from '../helpers/import-graph.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

const ROOTS = ['src', 'checks'];
/** The modules that reach the file system or start processes. Only the Host may use them. */
const SIDE_EFFECT_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'execa']);

/**
 * Files outside src/host that still import one of them, each with why. This list may only
 * shrink: a file that no longer needs its entry makes the test fail until it is removed.
 */
const ALLOWED: Record<string, string> = {
  'src/keepalived/runtime/process.ts': 'not yet: its RuntimeFs is being moved by another change',
  'src/lab/down.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/exec.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/keepalived.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/manifest.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/procs.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/sshd.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/status.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
  'src/lab/up.ts': 'the lab is the machine-level tool: it builds the namespaces Hosts run in',
};

/** Files under `roots` (outside src/host) that import a side-effect module at run time, sorted. */
function sideEffectImporters(base: string): string[] {
  const files = importSites(base, ROOTS)
    .filter((s) => !s.typeOnly && SIDE_EFFECT_MODULES.has(s.spec) && !s.from.startsWith('src/host/'))
    .map((s) => s.from);
  return [...new Set(files)].sort();
}

test('nothing outside src/host imports fs, child_process or execa, except the listed files', () => {
  const unlisted = sideEffectImporters(repoRoot).filter((f) => !(f in ALLOWED));
  assert.deepEqual(unlisted, [], 'go through the Host (src/host/types.ts) instead');
});

test('every allow-listed file still needs its entry (the list only shrinks)', () => {
  const importers = new Set(sideEffectImporters(repoRoot));
  assert.deepEqual(Object.keys(ALLOWED).filter((f) => !importers.has(f)), [], 'remove these entries');
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
