/**
 * `lab up` / `lab down` and the lab lock, through the built CLI: while another lab run holds
 * the lock they wait and say so; a lock held by the run that started them is theirs. This
 * suite holds the lab lock all along: "another run" is a process of its own whose pid it
 * writes into the lock for a moment, so the lock never leaves this suite's hands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { cliPath } from '../helpers/paths.js';
import { LAB_LOCK, takeLabLock } from '../helpers/lab-lock.js';
import { LAB_LOCK_ENV } from '../../src/lab/lock.js';

let release: () => Promise<void>;
before(async () => {
  release = await takeLabLock('lab-lock');
});
after(async () => {
  await release();
});

test('lab down waits while another lab run holds the lock, and goes on when the lock is its own run\'s', { timeout: 120_000 }, async () => {
  assert.equal(readFileSync(LAB_LOCK, 'utf8'), `${process.pid}\n`);
  const other = spawn('sleep', ['600'], { stdio: 'ignore' });
  await once(other, 'spawn');
  try {
    writeFileSync(LAB_LOCK, `${other.pid}\n`);
    // Nothing handed down through the environment: only the lock file decides.
    const cli = execa('node', [cliPath, 'lab', 'down'], { reject: false, env: { NO_COLOR: '1', LANG: 'C.UTF-8', [LAB_LOCK_ENV]: '' } });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      cli.stderr!.on('data', (d: Buffer) => {
        stderr += String(d);
        if (/holds the lab; waiting/.test(stderr)) resolve();
      });
      cli.once('exit', () => reject(new Error(`lab down ended without waiting: ${stderr}`)));
    });
    assert.match(stderr, new RegExp(`^another lab run \\(pid ${other.pid}\\) holds the lab; waiting$`, 'm'));
    // The lock back in this suite's hands: an ancestor of the waiting lab down.
    writeFileSync(LAB_LOCK, `${process.pid}\n`);
    const r = await cli;
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.equal(readFileSync(LAB_LOCK, 'utf8'), `${process.pid}\n`, 'an inherited lock stays with its holder');
  } finally {
    writeFileSync(LAB_LOCK, `${process.pid}\n`);
    other.kill('SIGKILL');
  }
});
