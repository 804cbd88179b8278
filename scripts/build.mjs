// Bundle the CLI into dist/ so the published package has no runtime dependencies.
// Interactive screens (ink, react, inquirer) are split into chunks loaded on demand.
import { build } from 'esbuild';
import { rmSync, chmodSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  loader: { '.tmpl': 'text', '.sh': 'text' },
  // ink optionally imports react-devtools-core for development only.
  external: ['react-devtools-core'],
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
