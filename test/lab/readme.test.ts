// The README's two commands on a fresh clone: the first builds, makes `ha-setup` a command
// and brings the lab up; the second is `npm test`. The first is run here as printed (the
// build part is what `npm test` already did; `npm link` links into a temporary npm prefix
// instead of this machine's), then the lab walkthrough's first commands with that
// `ha-setup`. Needs root; takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const block = /## Two commands on a fresh clone\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const commands = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);

let release: (() => Promise<void>) | null = null;
const prefix = tempDir('readme-npm-');
const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, npm_config_prefix: prefix, NO_COLOR: '1' };
const sh = (line: string) => execa('sh', ['-c', line], { cwd: repoRoot, env, reject: false, all: true, timeout: 180_000 });

before(async () => {
  release = await takeLabLock('readme');
});

after(async () => {
  await sh('ha-setup lab down');
  await release?.();
});

test('the README names exactly two commands: build, link, lab up; and npm test', () => {
  assert.equal(commands.length, 2, block);
  assert.match(commands[0]!, /^npm ci && npm run build && sudo npm link && sudo ha-setup lab up$/);
  assert.equal(commands[1], 'npm test');
});

test('the first command, run as printed after its build, brings the lab up with the linked ha-setup', async () => {
  // As root sudo changes nothing; the build already ran (npm test starts with it).
  const rest = commands[0]!.replace(/^npm ci && npm run build && /, '').replace(/\bsudo /g, '');
  const r = await sh(rest);
  assert.equal(r.exitCode, 0, String(r.all));
  const which = await sh('command -v ha-setup');
  assert.equal(String(which.stdout).trim(), join(prefix, 'bin', 'ha-setup'));
  // The walkthrough goes on with the same command, inside a node too.
  const status = await sh('ha-setup lab status');
  assert.equal(status.exitCode, 0, String(status.all));
  const inNode = await sh('ha-setup lab exec ha1 -- ha-setup --version');
  assert.equal(inNode.exitCode, 0, String(inNode.all));
  assert.equal(String(inNode.stdout).trim(), (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
});
