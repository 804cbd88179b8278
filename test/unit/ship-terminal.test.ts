import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot, samplesDir } from '../helpers/paths.js';
import { EXIT } from '../../src/exit-codes.js';
import { en } from '../../src/i18n/catalog/common.js';

const ESC = '\u001b';
const SGR = /\u001b\[[0-9;]*m/;

/** The environment of a plain shell: no colour preference of any kind. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...extra };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CLICOLOR_FORCE', 'LC_ALL', 'LC_MESSAGES']) if (!(k in extra)) delete env[k];
  return env;
}

/** Run the built CLI with stdout and stderr as pipes (no TTY), as in `ha-setup ... | less`. */
function piped(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: plainEnv(extra), maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** Run it on a real terminal (script(1) allocates a pty) and return everything it drew. */
function onTty(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const line = ['node', cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', line, '/dev/null'], { env: plainEnv(extra) }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

const sample = join(samplesDir, 'tutorial-001-1.conf');
const pipedCases: Array<{ name: string; args: string[] }> = [
  { name: '--help', args: ['--help'] },
  { name: 'setup --help', args: ['setup', '--help'] },
  { name: 'detect', args: ['detect'] },
  { name: 'detect --verbose', args: ['detect', '--verbose'] },
  { name: 'inspect --config <sample>', args: ['inspect', '--config', sample] },
  { name: 'an unknown flag', args: ['--no-such-flag'] },
  { name: 'a bad --lang', args: ['--lang', 'fr', 'detect'] },
];

for (const c of pipedCases) {
  test(`piped, no TTY: ${c.name} writes no escape codes`, async () => {
    const r = await piped(c.args);
    assert.ok(r.stdout.length + r.stderr.length > 0, 'printed something');
    assert.ok(!r.stdout.includes(ESC), `ESC in stdout:\n${r.stdout}`);
    assert.ok(!r.stderr.includes(ESC), `ESC in stderr:\n${r.stderr}`);
  });
}

test('FORCE_COLOR=1 colours help and errors even through a pipe', async () => {
  const help = await piped(['--help'], { FORCE_COLOR: '1' });
  assert.match(help.stdout, SGR);
  assert.match(help.stdout, /\u001b\[1mUsage:\u001b\[0m/);
  const bad = await piped(['--lang', 'fr', 'detect'], { FORCE_COLOR: '1' });
  assert.equal(bad.code, EXIT.usage);
  assert.match(bad.stderr, SGR);
});

test('FORCE_COLOR=0 and NO_COLOR switch colour off; NO_COLOR wins over FORCE_COLOR', async () => {
  for (const env of [{ FORCE_COLOR: '0' }, { NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }] as Array<Record<string, string>>) {
    const r = await piped(['--help'], env);
    assert.ok(!r.stdout.includes(ESC), JSON.stringify(env));
  }
});

test('on a real terminal help is coloured, and NO_COLOR wins over the TTY', async () => {
  const coloured = await onTty(['--help']);
  assert.match(coloured, /Usage:/);
  assert.match(coloured, SGR);
  const plain = await onTty(['--help'], { NO_COLOR: '1' });
  assert.match(plain, /Usage:/);
  assert.doesNotMatch(plain, SGR);
  const dumb = await onTty(['--help'], { TERM: 'dumb' });
  assert.doesNotMatch(dumb, SGR);
});

test('--verbose prints each command as it runs, on stderr; --quiet and --json print no chatter', async () => {
  const verbose = await piped(['detect', '--verbose']);
  assert.match(verbose.stderr, /^\$ \S+/m);
  const json = await piped(['detect', '--json', '--verbose']);
  JSON.parse(json.stdout);
  assert.doesNotMatch(json.stdout, /^\$ /m);
});

test('--version answers before anything else is loaded, in every form', async () => {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
  for (const args of [['--version'], ['-V'], ['--lang', 'zh', '--version']]) {
    const r = await piped(args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test('the exit-code table in the README is src/exit-codes.ts, and help names every code', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^#+ Exit codes$/m)[1]?.split(/^#/m)[0];
  assert.ok(section, 'README has an "Exit codes" section');
  const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
  assert.deepEqual(documented, Object.values(EXIT).sort((a, b) => a - b));
  for (const code of Object.values(EXIT)) assert.match(en['cli.help.exitCodes'], new RegExp(`\\b${code}\\b`));
});
