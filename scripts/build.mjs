// Bundle the CLI into dist/ so the published package has no runtime dependencies: every
// npm package (commander, execa, inquirer's prompts, ora) is a devDependency compiled in
// here. Interactive screens (the prompts, ora, the live views) are split into chunks loaded
// on demand, so `--help`, `--version` and `--json` never parse them.
//
// The esbuild metafile is written to dist/metafile.json: test/unit/ship-bundle.test.ts
// reads it to prove the entry chunk's static imports stay free of the interactive
// libraries. The package ships only dist/*.js (see "files" in package.json), not the metafile.
import { build } from 'esbuild';
import { rmSync, chmodSync, writeFileSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/**
 * src/cli.ts imports package.json for its version. Bundled as-is, the whole manifest
 * (scripts, devDependencies) would be compiled into the entry chunk; only these fields are
 * read at run time.
 */
const packageJsonFields = {
  name: 'package-json-fields',
  setup(b) {
    b.onLoad({ filter: /[\\/]package\.json$/ }, () => ({
      contents: JSON.stringify({ name: pkg.name, version: pkg.version }),
      loader: 'json',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'src/cli.ts', main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  loader: { '.tmpl': 'text', '.sh': 'text' },
  // Some bundled CommonJS code (commander, signal-exit) calls require() for node: built-ins.
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  plugins: [packageJsonFields],
  metafile: true,
  logLevel: 'warning',
});
writeFileSync('dist/metafile.json', JSON.stringify(result.metafile));
chmodSync('dist/cli.js', 0o755);
