import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const ROOTS = ['src', 'checks'];
/** Asking which kind of host this is, or casting it to one: only src/host may. */
const SWITCH = /\bhost\.kind\s*[!=]==|\.kind\s*[!=]==\s*'(?:ssh|netns|local|plan)'|\binstanceof (?:Local|Netns|Ssh|Plan)Host\b|\bas (?:Local|Netns|Ssh|Plan)Host\b|\bhost as unknown as\b/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Files under `roots` (outside src/host) that ask which kind of host they hold, sorted. */
function kindSwitchers(): string[] {
  return ROOTS.flatMap((r) => tsFiles(join(repoRoot, r)))
    .map((f) => relative(repoRoot, f).split('\\').join('/'))
    .filter((f) => !f.startsWith('src/host/') && SWITCH.test(readFileSync(join(repoRoot, f), 'utf8')))
    .sort();
}

test('no file outside src/host asks which kind of host it holds', () => {
  assert.deepEqual(kindSwitchers(), [], 'ask the Host for what you need (src/host/types.ts) instead');
});

test('the pattern catches a comparison and a cast', () => {
  assert.ok(SWITCH.test("if (host.kind === 'ssh') {"));
  assert.ok(SWITCH.test("host.kind !== 'local'"));
  assert.ok(SWITCH.test('(host as LocalHost).resolvePath(p)'));
  assert.ok(SWITCH.test("if (node.kind === 'netns') {"));
  assert.ok(SWITCH.test('if (h instanceof SshHost) {'));
  assert.ok(!SWITCH.test("if (e.kind === 'state') {"));
});
