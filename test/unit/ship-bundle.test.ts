import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

// Reads what `npm run build` produced (dist/ and esbuild's metafile): the package that
// users install, not the sources.
const dist = join(repoRoot, 'dist');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

interface Metafile {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, unknown>; entryPoint?: string }>;
}
const meta = JSON.parse(readFileSync(join(dist, 'metafile.json'), 'utf8')) as Metafile;

/** Every output file the entry chunk loads before any of its code runs. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const out = todo.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const i of meta.outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen];
}

const packageOf = (input: string) => {
  const rest = input.split('node_modules/').pop()!;
  return rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0]!;
};

test('the entry chunk statically loads no interactive library (ink, react, inquirer, ora)', () => {
  // What every command but --version loads: the entry file and the program (src/main.ts).
  const entries = ['src/cli.ts', 'src/main.ts'].map((e) => Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === e));
  assert.ok(entries[0] && entries[1], 'the metafile names src/cli.ts and src/main.ts as entry points');
  const closure = [...new Set(entries.flatMap((e) => staticClosure(e!)))];
  const packages = new Set(closure.flatMap((o) => Object.keys(meta.outputs[o]!.inputs)).filter((i) => i.includes('node_modules/')).map(packageOf));
  for (const heavy of ['ink', 'react', 'react-reconciler', '@inquirer/select', '@inquirer/core', 'ora', 'execa', 'systeminformation']) {
    assert.ok(!packages.has(heavy), `${heavy} is loaded at start-up through ${closure.join(', ')}`);
  }
  // They are in the bundle all the same, as chunks loaded on demand.
  const all = new Set(Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)).filter((i) => i.includes('node_modules/')).map(packageOf));
  for (const lazy of ['@inquirer/select', '@inquirer/confirm', 'ora', 'execa']) assert.ok(all.has(lazy), `${lazy} is bundled`);
});

test('only what a screen uses is bundled: no editor prompt with its encoding libraries, no react for the live views', () => {
  const all = new Set(Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)).filter((i) => i.includes('node_modules/')).map(packageOf));
  for (const unused of ['@inquirer/prompts', '@inquirer/editor', '@inquirer/external-editor', 'iconv-lite', 'chardet', 'ink', 'react', 'react-reconciler', 'yoga-layout']) assert.ok(!all.has(unused), `${unused} is bundled`);
});

test('no bundled file imports a package: installing ha-setup fetches nothing else', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  // Optional imports that their packages guard and that never run on a Linux node:
  // systeminformation requires the temperature sensors on macOS only, inside try/catch.
  const allowed = new Set(['osx-temperature-sensor', 'macos-temperature-sensor']);
  // esbuild lists every import it left to run time as external: only built-ins may be.
  for (const [file, out] of Object.entries(meta.outputs)) {
    for (const i of out.imports.filter((i) => i.external)) {
      assert.ok(builtins.has(i.path) || allowed.has(i.path), `${file} imports "${i.path}", which would have to be installed`);
    }
  }
  assert.ok(readdirSync(dist).filter((f) => f.endsWith('.js')).every((f) => Object.keys(meta.outputs).includes(`dist/${f}`)), 'every dist/*.js is in the metafile');
});

test('package.json: no runtime dependencies, a files whitelist, engines and the bin', () => {
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.optionalDependencies, undefined);
  assert.equal(pkg.peerDependencies, undefined);
  assert.deepEqual(pkg.files, ['dist/*.js', 'templates', 'README.md']);
  assert.deepEqual(pkg.engines, { node: '>=20' });
  assert.deepEqual(pkg.bin, { 'ha-setup': 'dist/cli.js' });
  assert.match(readFileSync(join(dist, 'cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('the entry file and what it loads carry the version, not the whole package.json', () => {
  const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === 'src/cli.ts')!;
  const cli = staticClosure(entry).map((o) => readFileSync(o, 'utf8')).join('\n');
  assert.ok(cli.includes(JSON.stringify(pkg.version)));
  assert.ok(!cli.includes('devDependencies'), 'devDependencies compiled into dist/cli.js');
});
