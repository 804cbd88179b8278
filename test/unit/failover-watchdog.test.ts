// The watchdog failover-test leaves on a node with its fault, run for real by sh: at its
// deadline it undoes what the run record names and frees the lock, unless the run ended
// and cancelled it first. Files in a temporary directory stand for the node's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { CANCEL_WATCHDOG_SCRIPT, WATCHDOG_SCRIPT } from '../../src/failover/record.js';
import { tempDir } from '../helpers/paths.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const host = new LocalHost('/');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function node() {
  const dir = tempDir('ha-setup-watchdog-');
  dirs.push(dir);
  const p = { dir, record: join(dir, 'failover-test.json'), flag: join(dir, 'maintenance'), lock: join(dir, 'failover-test.lock') };
  writeFileSync(p.record, '{}\n');
  writeFileSync(p.flag, 'set by ha-setup failover-test\n');
  return p;
}

async function watchdog(seconds: number, record: string, lock: string, holder: number | string, end: 'kill' | 'keep', undo: string[]): Promise<number> {
  const r = await host.exec('sh', ['-c', WATCHDOG_SCRIPT, 'sh', String(seconds), record, lock, String(holder), end, ...undo]);
  assert.equal(r.exitCode, 0, r.stderr);
  return Number(r.stdout.trim());
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line names `path` (the watchdog and nothing else does). */
function naming(path: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(path);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('at its deadline the watchdog undoes the fault, removes the record, ends the lock holder and frees the lock', async () => {
  const p = node();
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  writeFileSync(p.lock, `${holder.pid}\n`);
  const exited = new Promise((r) => holder.on('exit', r));
  const pid = await watchdog(1, p.record, p.lock, holder.pid!, 'kill', ['rm', '-f', p.flag]);
  assert.ok(alive(pid));
  assert.ok(existsSync(p.flag), 'nothing is undone before the deadline');
  await sleep(1800);
  assert.ok(!existsSync(p.flag), 'the fault is undone');
  assert.ok(!existsSync(p.record), 'the record is removed');
  assert.ok(!existsSync(p.lock), 'the lock is freed');
  await exited;
  assert.deepEqual(naming(p.record), [], 'the watchdog is gone');
});

test('a lock held by the run itself (keep) is freed only once its process is gone', async () => {
  const p = node();
  writeFileSync(p.lock, `${process.pid}\n`);
  await watchdog(1, p.record, p.lock, process.pid, 'keep', ['rm', '-f', p.flag]);
  await sleep(1800);
  assert.ok(!existsSync(p.flag));
  assert.ok(existsSync(p.lock), 'a live holder keeps its lock');
  assert.ok(alive(process.pid));
});

test('cancelled before its deadline, the watchdog does nothing and leaves no process', async () => {
  const p = node();
  const pid = await watchdog(2, p.record, p.lock, '-', 'keep', ['rm', '-f', p.flag]);
  // A PID that is not a watchdog of this record is left alone.
  const other = spawn('sleep', ['5'], { stdio: 'ignore' });
  await host.exec('sh', ['-c', CANCEL_WATCHDOG_SCRIPT, 'sh', String(other.pid), p.record]);
  assert.ok(alive(other.pid!));
  other.kill();
  await host.exec('sh', ['-c', CANCEL_WATCHDOG_SCRIPT, 'sh', String(pid), p.record]);
  await sleep(300);
  assert.deepEqual(naming(p.record), [], 'no watchdog and no sleep of it left');
  await sleep(2200);
  assert.ok(existsSync(p.flag), 'a cancelled watchdog undoes nothing');
  assert.ok(existsSync(p.record));
});

test('without a record (the run restored everything, or never got to its fault) the watchdog undoes nothing', async () => {
  const p = node();
  rmSync(p.record);
  await watchdog(1, p.record, p.lock, '-', 'keep', ['rm', '-f', p.flag]);
  await sleep(1800);
  assert.ok(existsSync(p.flag));
});
