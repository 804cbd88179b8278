import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('an unknown --lang is a usage error naming the flag and the accepted values', async () => {
  const r = await runCli(['--lang', 'fr', '--help']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--lang: "fr" is not accepted\. Accepted: en, zh\./);
});

test('--help speaks Chinese under a zh_CN locale', async () => {
  const r = await runCli(['--help'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /高可用/);
});
