import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { shellCommandLine, shellQuote, singleQuote } from '../../src/host/shell-quote.js';
import { NASTY_ARGS } from '../helpers/host-contract.js';

const SHELLS = ['sh', 'bash', 'dash'].filter((s) => existsSync(`/bin/${s}`));
const WORDS = [...NASTY_ARGS, 'net.ipv4.ip_nonlocal_bind=1', 'user@host:/x', '100%', 'a,b+c', '=ls', '-', '~', '~root', '{a,b}', '*', 'a?', '[ab]', '#x', 'a b\nc'];

test('shellQuote: every word reaches a real shell unchanged', () => {
  for (const shell of SHELLS) {
    const out = execFileSync(shell, ['-c', shellCommandLine(['printf', '%s\\0', ...WORDS])], { encoding: 'utf8' });
    assert.deepEqual(out.split('\0').slice(0, -1), WORDS, shell);
  }
});

test('shellQuote: plain words stay readable, the rest is single-quoted', () => {
  assert.equal(shellQuote('/etc/keepalived/keepalived.conf'), '/etc/keepalived/keepalived.conf');
  assert.equal(shellQuote('net.ipv4.ip_nonlocal_bind=1'), 'net.ipv4.ip_nonlocal_bind=1');
  assert.equal(shellQuote('-rf'), '-rf');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('=ls'), "'=ls'");
  assert.equal(singleQuote('plain'), "'plain'");
});

test('shellCommandLine: NAME=VALUE as the first word is run as a command, not taken as an assignment', () => {
  assert.equal(shellCommandLine(['A=b', 'A=b']), "'A=b' A=b");
  for (const shell of SHELLS) {
    const r = spawnSync(shell, ['-c', shellCommandLine(['HA_SETUP_NO_SUCH_VAR=1'])], { encoding: 'utf8' });
    assert.equal(r.status, 127, `${shell}: ${r.stderr}`);
  }
});

test('shellCommandLine: environment assignments go in front', () => {
  assert.equal(shellCommandLine(['apt-get', 'install', '-y', 'a b'], { DEBIAN_FRONTEND: 'noninteractive', X: 'two words' }), "DEBIAN_FRONTEND=noninteractive X='two words' apt-get install -y 'a b'");
  const out = execFileSync('sh', ['-c', shellCommandLine(['sh', '-c', 'printf %s "$X"'], { X: "it's $HOME" })], { encoding: 'utf8' });
  assert.equal(out, "it's $HOME");
});
