// Every way out of failover-test puts the node back, on a node and for a pair from the
// client: a closed output pipe, SIGINT, SIGTERM, SIGHUP, an exception anywhere in the
// process, the time limit, the admin losing the ssh connection; and a run killed outright
// (SIGKILL) is found and undone by the next failover-test, by `doctor --fix` and by setup.
// Each is judged from the client namespace by an independent prober (the VIP served by ha1
// again) and on the nodes (services running, ha1 MASTER with the VIP, no maintenance flag,
// no lock, no run record, no watchdog left). Needs root, keepalived, nginx, openssh-server,
// nft; runs the built CLI. Takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath, fixturesDir } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { startClientProber, type RunningProber } from '../helpers/prober.js';
import { assertNodesAsBefore, waitVipOnHa1 } from '../helpers/failover-lab.js';
import { LAB_ADDRESSES, LAB_NODES, LAB_VIP, LAB_VIP_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { labServices } from '../../src/lab/services.js';
import { lastState } from '../../src/setup/verify.js';
import { RUN_RECORD } from '../../src/failover/record.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;
type Where = 'node' | 'pair';

let release: (() => Promise<void>) | undefined;

before(async () => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run node scripts/build.mjs');
  release = await takeLabLock('failover-exits');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
});

after(async () => {
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

/** The namespace, environment and argv of a failover-test on ha1, or of the pair from the client. */
function invocation(where: Where, extra: string[], preload?: string) {
  const ns = where === 'node' ? 'ha1' : 'client';
  const node = [process.execPath, ...(preload ? ['--import', preload] : []), cliPath];
  const hosts = where === 'pair' ? ['--host', A, '--host', B] : [];
  return { ns, env: { ...process.env, NO_COLOR: '1', LANG: 'C.UTF-8', ...labExecEnv(ns) }, argv: [...node, 'failover-test', ...hosts, '--yes', ...extra] };
}

interface Running {
  pid: number;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start a command in a namespace (`ip netns exec` execs in place: the pid is the command's own). */
function start(ns: string, argv: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    pid: child.pid!,
    output: () => out,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (ended) throw new Error(`ended before ${pattern}:\n${out}`);
        if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`);
        await sleep(50);
      }
    },
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Processes whose command line names a lab node's run record: watchdogs. */
function watchdogs(): number[] {
  const records = LAB_NODES.map((n) => `${labNodeRoot(n)}${RUN_RECORD}`);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (records.some((r) => argv.includes(r))) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/**
 * The node is as it was before the run, seen from the client (the VIP served by ha1,
 * steadily) and on the nodes (services, ha1 MASTER with the VIP, nothing of the run left).
 */
async function assertRestored(prober: RunningProber, timeoutMs = 20_000): Promise<void> {
  assert.ok(await waitVipOnHa1(timeoutMs), 'the VIP is not back on ha1');
  const end = Date.now() + 10_000;
  while (lastState(await labServices('ha1').recentLogs('keepalived', 50)) !== 'MASTER' && Date.now() < end) await sleep(100);
  assert.equal(lastState(await labServices('ha1').recentLogs('keepalived', 50)), 'MASTER', 'keepalived on ha1 is MASTER again');
  await sleep(1000);
  const samples = await prober.stop();
  const last = samples[samples.length - 1]!.t;
  const tail = samples.filter((s) => s.t >= last - 800);
  assert.ok(tail.length >= 10 && tail.every((s) => s.ok && s.body === 'ha1'), `the client is served by ha1 again: ${JSON.stringify(tail.slice(-5))}`);
  await assertNodesAsBefore();
  for (const n of LAB_NODES) assert.ok(!existsSync(`${labNodeRoot(n)}${RUN_RECORD}`), `run record left on ${n}`);
  assert.deepEqual(watchdogs(), [], 'no watchdog left running');
}

async function ready(): Promise<RunningProber> {
  assert.ok(await waitVipOnHa1(20_000), 'ha1 does not hold the VIP before the run');
  return startClientProber(`http://${LAB_VIP}/`, 50, 200);
}

for (const where of ['node', 'pair'] as const) {
  test(`${where}: the reader of its output going away (| sed '/fault injected/q') stops the run and restores`, async () => {
    const prober = await ready();
    const run = invocation(where, []);
    const shell = `${run.argv.map((a) => `'${a}'`).join(' ')} 2>&1 | sed -u '/fault injected/q'`;
    const r = start(run.ns, ['sh', '-c', shell], run.env);
    await r.exited;
    assert.match(r.output(), /fault injected/);
    await assertRestored(prober);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${where}: ${signal} in the middle restores and exits 130`, async () => {
      const prober = await ready();
      const run = invocation(where, ['--mode', 'nginx']);
      const r = start(run.ns, run.argv, run.env);
      await r.waitFor(/fault injected/);
      await sleep(300);
      process.kill(r.pid, signal);
      const { code } = await r.exited;
      assert.equal(code, 130, r.output());
      assert.match(r.output(), /everything restored: yes/);
      await assertRestored(prober);
    });
  }

  test(`${where}: an exception anywhere in the process restores and exits 2`, async () => {
    const prober = await ready();
    const run = invocation(where, [], `${fixturesDir}/throw-after-fault.mjs`);
    const r = start(run.ns, run.argv, run.env);
    const { code } = await r.exited;
    assert.equal(code, 2, r.output());
    assert.match(r.output(), /a bug somewhere in the process/);
    assert.match(r.output(), /restored before exiting/);
    await assertRestored(prober);
  });

  test(`${where}: the time limit (the peer never takes over) restores and exits 2`, async () => {
    const prober = await ready();
    // A peer whose keepalived is frozen: the VIP goes nowhere, the run can only wait.
    const peer = (await labServices('ha2').pid('keepalived'))!;
    process.kill(peer, 'SIGSTOP');
    try {
      const run = invocation(where, ['--timeout', '5', '--json']);
      const r = start(run.ns, run.argv, run.env);
      const { code } = await r.exited;
      assert.equal(code, 2, r.output());
      const report = JSON.parse(r.output().slice(r.output().indexOf('{'))) as { outcome: string; restored: boolean };
      assert.equal(report.outcome, 'timeout');
      assert.equal(report.restored, true);
    } finally {
      process.kill(peer, 'SIGCONT');
    }
    await assertRestored(prober);
  });
}

test('pair: the admin loses the ssh connection to the master mid-run; the watchdog on the master puts it back', async () => {
  const prober = await ready();
  const drop = ['nft', '-f', '-'];
  const rules = [
    'table inet ha-setup-test-drop {',
    '  chain out {',
    '    type filter hook output priority 0;',
    `    ip daddr ${LAB_ADDRESSES.ha1} tcp dport 22 drop`,
    '  }',
    '}',
    '',
  ].join('\n');
  const run = invocation('pair', ['--timeout', '10']);
  const r = start(run.ns, run.argv, run.env);
  try {
    await r.waitFor(/fault injected/);
    const cut = await execa('ip', ['netns', 'exec', 'client', ...drop], { input: rules, reject: false });
    assert.equal(cut.exitCode, 0, String(cut.stderr));
    // The run cannot restore ha1 (its ssh hangs); the watchdog started with the fault does, at its deadline.
    assert.ok(await waitVipOnHa1(60_000), 'the watchdog did not bring the VIP back to ha1');
    const { code } = await r.exited;
    assert.equal(code, 2, r.output());
    // It says so, and what undoes it by hand.
    assert.match(r.output(), /the watchdog left on the node undoes it at .*run on the node: rm -f \/run\/ha-setup-lab\/ha1\/etc\/keepalived\/maintenance/);
  } finally {
    await execa('ip', ['netns', 'exec', 'client', 'nft', 'delete', 'table', 'inet', 'ha-setup-test-drop'], { reject: false });
    if ((await Promise.race([r.exited.then(() => true), sleep(90_000).then(() => false)])) === false) process.kill(r.pid, 'SIGKILL');
  }
  await assertRestored(prober);
});

/** A failover-test on ha1 killed outright (SIGKILL) right after its fault: what it leaves. */
async function killedRun(mode: 'drain' | 'nginx' | 'keepalived'): Promise<void> {
  const run = invocation('node', ['--mode', mode]);
  const r = start(run.ns, run.argv, run.env);
  await r.waitFor(/fault injected/);
  process.kill(r.pid, 'SIGKILL');
  await r.exited;
  assert.ok(existsSync(`${labNodeRoot('ha1')}${RUN_RECORD}`), 'the killed run left its record');
}

function onHa1(args: string[], timeoutMs = 120_000) {
  return runCli(args, { netns: 'ha1', env: labExecEnv('ha1'), timeoutMs });
}

test('a SIGKILLed run is found and undone by the next failover-test, which then runs', async () => {
  await ready().then((p) => p.stop());
  await killedRun('drain');
  const refused = await onHa1(['failover-test']);
  assert.equal(refused.code, 64, refused.stderr);
  assert.match(refused.stderr, /did not end/);
  assert.match(refused.stderr, /rm -f \/run\/ha-setup-lab\/ha1\/etc\/keepalived\/maintenance/);
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const r = await onHa1(['failover-test', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /ha1: undone/);
  assert.match(r.stdout, /everything restored: yes/);
  await assertRestored(prober);
});

test('a SIGKILLed run is found and undone by doctor --fix', async () => {
  await ready().then((p) => p.stop());
  await killedRun('nginx');
  const d = await onHa1(['doctor', '--json']);
  const report = JSON.parse(d.stdout) as { checks: Array<{ id: string; status: string; summary: string }> };
  const byId = (id: string) => report.checks.find((c) => c.id === id)!;
  assert.equal(byId('maintenance').status, 'fail');
  assert.match(byId('nginx-running').summary, /stopped by a failover test/);
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const fix = await onHa1(['doctor', '--fix', '--yes', '--json']);
  const fixed = JSON.parse(fix.stdout) as { checks: Array<{ id: string; status: string }> };
  assert.equal(fixed.checks.find((c) => c.id === 'maintenance')!.status, 'ok', fix.stdout);
  await assertRestored(prober);
});

test('a SIGKILLed run is found and undone by setup', async () => {
  await ready().then((p) => p.stop());
  await killedRun('keepalived');
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const answers = ['--role', 'master', '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--vrid', String(LAB_VRRP.vrid), '--auth-pass', LAB_VRRP.authPass, '--router-id', 'ha1'];
  const refused = await onHa1(['setup', ...answers]);
  assert.equal(refused.code, 64, refused.stderr);
  assert.match(refused.stderr, /did not end[\s\S]*--yes to undo it first, or run on ha1: \/run\/ha-setup-lab\/ha1\/etc\/init\.d\/keepalived start/);
  const r = await onHa1(['setup', ...answers, '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // keepalived is running again (the undo) and its files are as setup would write them: nothing else to do.
  assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'unchanged');
  await assertRestored(prober);
});
