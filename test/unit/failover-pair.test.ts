// failover-test --host A --host B: which node is the master, how the outside prober names
// the node that answered, and the node lock's script (run here with the local sh: it is
// the same POSIX sh text a remote node runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { spawn, spawnSync } from 'node:child_process';
import { chooseMaster, identifyPairResponder, parseLockReply, REMOTE_LOCK_SCRIPT, REMOTE_UNLOCK_SCRIPT, type PairIdentity, type PairNodeView } from '../../src/failover/pair.js';

const view = (label: string, holdsVip: boolean, over: Partial<PairNodeView> = {}): PairNodeView => ({
  label,
  vip: '192.0.2.50',
  iface: 'eth0',
  holdsVip,
  address: label === 'A' ? '192.0.2.11' : '192.0.2.12',
  error: null,
  ...over,
});

test('the master is the one node holding the VIP, in either order', () => {
  assert.deepEqual(chooseMaster([view('A', true), view('B', false)]), { master: 0, peer: 1 });
  assert.deepEqual(chooseMaster([view('A', false), view('B', true)]), { master: 1, peer: 0 });
});

test('no holder, two holders, different VIPs or an unreadable node: no master, and the problem names the nodes', () => {
  const none = chooseMaster([view('A', false), view('B', false)]);
  assert.ok('problem' in none && /neither A nor B holds the VIP 192\.0\.2\.50/.test(none.problem));
  const both = chooseMaster([view('A', true), view('B', true)]);
  assert.ok('problem' in both && /split brain/.test(both.problem));
  const mismatch = chooseMaster([view('A', true), view('B', false, { vip: '192.0.2.60' })]);
  assert.ok('problem' in mismatch && /A: 192\.0\.2\.50, B: 192\.0\.2\.60/.test(mismatch.problem));
  const broken = chooseMaster([view('A', true), view('B', false, { vip: null, error: 'no such file' })]);
  assert.ok('problem' in broken && /^B: no such file$/.test(broken.problem));
});

const MAC_A = '02:00:00:00:00:11';
const MAC_B = '02:00:00:00:00:12';

test('different pages name the node, whatever the MAC or the VIP watcher say', () => {
  const id: PairIdentity = { masterBody: 'ha1\n', peerBody: 'ha2\n', masterMac: MAC_A, peerMac: MAC_B };
  assert.equal(identifyPairResponder('ha1\n', id, { vipMac: MAC_B, masterHoldsVip: false }), 'self');
  assert.equal(identifyPairResponder('ha2\n', id, { vipMac: MAC_A, masterHoldsVip: true }), 'peer');
});

test('same page on both: the client\'s neighbour entry for the VIP names the node (MACs compared without case)', () => {
  const id: PairIdentity = { masterBody: 'welcome', peerBody: 'welcome', masterMac: MAC_A, peerMac: MAC_B };
  assert.equal(identifyPairResponder('welcome', id, { vipMac: MAC_B.toUpperCase(), masterHoldsVip: true }), 'peer');
  assert.equal(identifyPairResponder('welcome', id, { vipMac: MAC_A, masterHoldsVip: false }), 'self');
});

test('same page, client on another segment (no neighbour entry, or a router\'s MAC): the master\'s VIP as seen over ssh decides', () => {
  const id: PairIdentity = { masterBody: 'welcome', peerBody: 'welcome', masterMac: MAC_A, peerMac: MAC_B };
  assert.equal(identifyPairResponder('welcome', id, { vipMac: null, masterHoldsVip: true }), 'self');
  assert.equal(identifyPairResponder('welcome', id, { vipMac: '02:aa:bb:cc:dd:ee', masterHoldsVip: false }), 'peer');
  assert.equal(identifyPairResponder('welcome', id, { vipMac: null, masterHoldsVip: null }), 'unknown');
});

test('a page neither node served before falls through to the MAC; equal MACs (macvlan, a proxy) are not trusted', () => {
  const distinct: PairIdentity = { masterBody: 'ha1', peerBody: 'ha2', masterMac: MAC_A, peerMac: MAC_B };
  assert.equal(identifyPairResponder('maintenance page', distinct, { vipMac: MAC_A, masterHoldsVip: false }), 'self');
  const same: PairIdentity = { masterBody: 'ha1', peerBody: 'ha2', masterMac: MAC_A, peerMac: MAC_A };
  assert.equal(identifyPairResponder('maintenance page', same, { vipMac: MAC_A, masterHoldsVip: false }), 'peer');
});

test('lock replies are read from the first matching line only', () => {
  assert.deepEqual(parseLockReply('locked 4242\n'), { locked: 4242 });
  assert.deepEqual(parseLockReply('held 17\n'), { heldBy: 17 });
  assert.equal(parseLockReply('mkdir: cannot create directory\n'), null);
  assert.equal(parseLockReply('locked\n'), null);
});

/** The node lock's script, run with the local sh: starts holding, answers on its first line. */
function startLock(path: string, seconds: number): Promise<{ reply: string; child: ReturnType<typeof spawn> }> {
  const child = spawn('sh', ['-c', REMOTE_LOCK_SCRIPT, 'sh', path, String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve({ reply: out, child });
    });
    child.on('exit', () => resolve({ reply: out, child }));
  });
}

test('the node lock: taken (its PID is a live sleep), refused while held, released, and taken over when stale', async () => {
  const dir = tempDir('failover-lock-');
  const path = join(dir, 'run', 'ha-setup', 'failover-test.lock');
  try {
    const first = await startLock(path, 30);
    const got = parseLockReply(first.reply);
    assert.ok(got && 'locked' in got, first.reply);
    assert.equal(readFileSync(path, 'utf8'), `${got.locked}\n`, 'the file holds the PID a run on the node checks');
    assert.equal(first.child.pid, got.locked, 'the shell became the sleep: the PID lives as long as the lock');

    const second = await startLock(path, 30);
    assert.deepEqual(parseLockReply(second.reply), { heldBy: got.locked });

    const exited = new Promise((r) => first.child.on('exit', r));
    const un = spawnSync('sh', ['-c', REMOTE_UNLOCK_SCRIPT, 'sh', path, String(got.locked)]);
    assert.equal(un.status, 0);
    await exited;
    assert.ok(!existsSync(path), 'released');

    // A lock whose process is gone (a run killed outright, its sleep ended) is taken over.
    writeFileSync(path, '999999999\n');
    const third = await startLock(path, 30);
    const again = parseLockReply(third.reply);
    assert.ok(again && 'locked' in again, third.reply);
    third.child.kill('SIGTERM');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unlocking with another PID leaves someone else\'s lock in place', () => {
  const dir = tempDir('failover-lock-');
  const path = join(dir, 'lock');
  try {
    writeFileSync(path, '12345\n');
    spawnSync('sh', ['-c', REMOTE_UNLOCK_SCRIPT, 'sh', path, '999999998']);
    assert.equal(readFileSync(path, 'utf8'), '12345\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
