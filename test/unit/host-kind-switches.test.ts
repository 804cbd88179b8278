import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const ROOTS = ['src', 'checks'];
/** Asking which kind of host this is, or casting it to one: only src/host may. */
const SWITCH = /\bhost\.kind\s*[!=]==|\bas LocalHost\b|\bhost as unknown as\b/;

/**
 * Files outside src/host that still switch on the host's kind, each with why. This list may
 * only shrink: a file that no longer needs its entry makes the test fail until it is removed.
 */
const ALLOWED: Record<string, string> = {
  'src/keepalived/install/paths.ts': 'not yet: commandPath of a dry-run host differs from what the installer gives commands',
  'src/keepalived/runtime/process.ts': 'not yet: namespace identity and the remote process scan',
  'src/system/interfaces.ts': 'not yet: only this machine has its interfaces read directly',
  'src/system/node-shell.ts': 'not yet: the shell into a lab node or over ssh',
  'src/system/services.ts': 'not yet: where a program can be run to ask its version',
};

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

test('no file outside src/host asks which kind of host it holds, beyond the shrinking list', () => {
  assert.deepEqual(kindSwitchers(), Object.keys(ALLOWED).sort());
});

test('the pattern catches a comparison and a cast', () => {
  assert.ok(SWITCH.test("if (host.kind === 'ssh') {"));
  assert.ok(SWITCH.test("host.kind !== 'local'"));
  assert.ok(SWITCH.test('(host as LocalHost).resolvePath(p)'));
  assert.ok(!SWITCH.test("if (e.kind === 'state') {"));
});
