import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importCycles, importEdges } from '../helpers/import-graph.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

const ROOTS = ['src', 'checks'];
/** Only the entry points may reach into src/commands/: it decides, the features do the work. */
const MAY_IMPORT_COMMANDS = new Set(['src/cli.ts', 'src/main.ts']);

test('src/ and checks/ have no import cycle at run time (static or dynamic import)', () => {
  const cycles = importCycles(importEdges(repoRoot, ROOTS));
  assert.deepEqual(cycles.map((c) => c.join(' -> ')), []);
});

test('no module outside src/commands/ imports from it (not even a type)', () => {
  const crossing = importEdges(repoRoot, ROOTS)
    .filter((e) => e.to.startsWith('src/commands/') && !e.from.startsWith('src/commands/') && !MAY_IMPORT_COMMANDS.has(e.from))
    .map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual([...new Set(crossing)], []);
});

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('the walk sees a cycle through a dynamic import and a re-export, and names it', () => {
  const dir = tree({
    'src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
    'src/b.ts': "export { c as b } from './sub/c.js';\n",
    'src/sub/c.ts': "export async function c() { return (await import('../a.js')).a; }\n",
    'src/d.ts': "import './a.js';\n",
  });
  assert.deepEqual(importCycles(importEdges(dir, ['src'])), [['src/a.ts', 'src/b.ts', 'src/sub/c.ts', 'src/a.ts']]);
});

test('imports TypeScript erases make no cycle; packages and node: modules are not files of the tree', () => {
  const dir = tree({
    'src/a.ts': "import type { B } from './b.js';\nimport { type C } from './c.js';\nimport { x } from 'commander';\nexport type A = B | C; export const y = x;\n",
    'src/b.ts': "import { a } from './a.js';\nexport type B = typeof a;\n",
    'src/c.ts': "export type { A } from './a.js';\nexport interface C { n: number }\nimport('node:fs');\n",
  });
  const edges = importEdges(dir, ['src']);
  assert.deepEqual(importCycles(edges), []);
  assert.deepEqual(edges.filter((e) => !e.typeOnly).map((e) => `${e.from} -> ${e.to}`), ['src/b.ts -> src/a.ts']);
});

/** The layers below the features: they know no screen, no feature, no command (docs/architecture.md). */
const CORE = ['src/keepalived/', 'src/system/', 'src/vrrp/', 'src/host/', 'src/firewall/'];
const ABOVE_CORE = ['src/ui/', 'src/setup/', 'src/doctor/', 'src/failover/', 'src/notify/', 'src/commands/', 'src/nodes/', 'src/lab/', 'checks/'];
/** The lab's names and addresses are plain constants: a node's shell needs them to print `ha-setup lab exec NODE --`. */
const CONSTANT_LEAVES = new Set(['src/lab/constants.ts']);

test('the core layers (keepalived, system facts, vrrp, host, firewall) import nothing above them', () => {
  const up = importEdges(repoRoot, ROOTS)
    .filter((e) => CORE.some((c) => e.from.startsWith(c)) && ABOVE_CORE.some((a) => e.to.startsWith(a)) && !CONSTANT_LEAVES.has(e.to))
    .map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual([...new Set(up)], []);
});
