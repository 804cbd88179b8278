import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { makeNodeNamespace } from '../helpers/netns.js';

// What a user gets: `npm pack` of the built tree, installed globally and run through npx
// with an empty npm cache and --offline, so any dependency it tried to fetch would fail.
// npm test builds dist/ first; --ignore-scripts keeps this test from rebuilding it.

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', ...opts.env }, maxBuffer: 16 << 20, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let work: string;
let tarball: string;
let ns: ReturnType<typeof makeNodeNamespace>;

before(async () => {
  work = tempDir('sp-pack-');
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repoRoot });
  assert.equal(r.code, 0, r.stderr);
  tarball = join(work, (JSON.parse(r.stdout) as Array<{ filename: string }>)[0]!.filename);
  ns = makeNodeNamespace('sp-pack', '192.0.2.11/24');
});
after(() => ns?.remove());

test('the tarball holds dist, templates and README, and no sources, tests or metafile', async () => {
  const r = await run('tar', ['-tzf', tarball]);
  const files = r.stdout.trim().split('\n');
  assert.ok(files.includes('package/dist/cli.js'));
  assert.ok(files.includes('package/templates/keepalived.conf.tmpl'));
  assert.ok(files.includes('package/templates/check_nginx.sh'));
  assert.ok(files.includes('package/README.md'));
  const stray = files.filter((f) => /^package\/(src|test|checks|bench|scripts|node_modules)\//.test(f) || f.endsWith('metafile.json') || f.endsWith('.ts'));
  assert.deepEqual(stray, []);
});

test('npm install -g --offline with an empty cache installs it and it runs', async () => {
  const prefix = join(work, 'prefix');
  const cache = join(work, 'empty-cache-install');
  mkdirSync(cache);
  const r = await run('npm', ['install', '-g', '--prefix', prefix, '--cache', cache, '--offline', '--no-audit', '--no-fund', tarball], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const bin = join(prefix, 'bin', 'ha-setup');
  const v = await run(bin, ['--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout.trim(), version);
  // Only ha-setup itself was installed: nothing under its own node_modules.
  assert.ok(!existsSync(join(prefix, 'lib', 'node_modules', 'ha-setup', 'node_modules')));
  const help = await run(bin, ['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: ha-setup/);

  // The installed CLI finds its templates (beside dist/) and writes a whole setup under --root.
  const root = tempDir('sp-pack-root-');
  const setup = await run('ip', ['netns', 'exec', ns.name, bin, '--root', root, 'setup', '--role', 'master', '--interface', 'eth0', '--vip', '192.0.2.50/24', '--yes']);
  assert.equal(setup.code, 0, setup.stderr);
  assert.match(readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8'), /vrrp_instance/);
  assert.ok(existsSync(join(root, 'etc/keepalived/check_nginx.sh')));
});

test('npx --offline with an empty cache runs the tarball', async () => {
  const cache = join(work, 'empty-cache-npx');
  mkdirSync(cache);
  const r = await run('npx', ['--yes', '--cache', cache, '--offline', `./${tarball.split('/').pop()}`, '--version'], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
  assert.ok(readdirSync(cache).length > 0, 'npx unpacked the tarball into its own cache');
});
