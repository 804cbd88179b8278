// The lab end to end, through the built CLI (run `node scripts/build.mjs` first; `npm test` does),
// on every keepalived release of the lab matrix (test/helpers/lab-releases.ts).
// Needs root, keepalived, nginx, curl and iproute2: .ci/run installs them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { join } from 'node:path';
import { LAB_MANIFEST, LAB_NAMESPACES, LAB_STATE_DIR, LAB_VIP, labNodeRoot } from '../../src/lab/constants.js';
import { labServices } from '../../src/lab/services.js';
import { readProcStat } from '../../src/lab/procs.js';
import type { LabManifest } from '../../src/lab/manifest.js';
import type { LabStatus } from '../../src/lab/status.js';
import { labDaemonArgv } from '../../src/lab/daemon-argv.js';
import { chooseScriptUser } from '../../src/setup/keepalived-config.js';
import { baselineTest, labMatrix, labSuiteHooks } from '../helpers/lab-releases.js';

const URL = `http://${LAB_VIP}/`;

async function clientGet(): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', 'client', 'curl', '-s', '--max-time', '1', URL], { reject: false });
  return String(r.stdout).trim();
}

/** Poll the VIP from the client every 50 ms until `node` answers; returns the milliseconds it took. */
async function untilServedBy(node: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if ((await clientGet()) === node) return Date.now() - start;
    if (Date.now() - start > timeoutMs) assert.fail(`${node} did not answer on ${URL} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function labNamespacesPresent(): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  const names = String(r.stdout).split('\n').map((l) => l.split(' ')[0]!);
  return LAB_NAMESPACES.filter((ns) => names.includes(ns));
}

function manifest(): LabManifest {
  return JSON.parse(readFileSync(LAB_MANIFEST, 'utf8')) as LabManifest;
}

/** Gone, or a zombie nobody reaps (daemons end up children of this sandbox's PID 1). */
async function assertNotRunning(pids: number[]): Promise<void> {
  for (const pid of pids) {
    const st = await readProcStat(pid);
    assert.ok(st === null || st.state === 'Z' || st.state === 'X', `pid ${pid} still running (${st?.state})`);
  }
}

async function status(): Promise<{ code: number; status: LabStatus }> {
  const r = await runCli(['lab', 'status', '--json']);
  return { code: r.code, status: JSON.parse(r.stdout) as LabStatus };
}

function machineHasUser(name: string): boolean {
  return readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.split(':')[0] === name);
}

/** The argv a process runs, from /proc. */
function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

before(() => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run node scripts/build.mjs');
});

test('lab refuses to run without root, with exit code 77', async () => {
  const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', cliPath, 'lab', 'status'], {
    reject: false,
    env: { NO_COLOR: '1', LANG: 'C.UTF-8' },
  });
  assert.equal(r.exitCode, 77, String(r.stderr));
  assert.match(String(r.stderr), /the lab needs root/);
});

for (const lab of labMatrix()) {
  describe(`keepalived ${lab.release} (${lab.how})`, () => {
    const suite = labSuiteHooks(lab, 'lab-up', { up: false });
    let binary = '';
    let userBefore = false;
    before(() => {
      binary = suite.binary();
      userBefore = machineHasUser(chooseScriptUser(lab.release));
    });

    test("lab up --keepalived PATH: the client reaches ha1 through the VIP", async (t) => {
      const r = await runCli(['lab', 'up', '--keepalived', binary]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ip netns exec client curl -s http:\/\/192\.0\.2\.50\//);
      assert.match(r.stderr, new RegExp(`^keepalived ${lab.release.replace(/\./g, '\\.')} \\(${binary}\\)`, 'm'));
      const seconds = /on ha1 ([\d.]+) s after keepalived started/.exec(r.stdout)?.[1];
      assert.ok(seconds, r.stdout);
      t.diagnostic(`VIP on ha1 ${seconds} s after keepalived started`);
      assert.deepEqual(await labNamespacesPresent(), [...LAB_NAMESPACES]);
      assert.equal(await clientGet(), 'ha1');
    });

    test('lab up on an existing lab changes nothing and says so', async () => {
      const pids = manifest().processes.map((p) => p.pid).sort();
      const r = await runCli(['lab', 'up', '--keepalived', binary]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already there/);
      assert.deepEqual(manifest().processes.map((p) => p.pid).sort(), pids);
    });

    test('lab status --json: ha1 MASTER with the VIP, ha2 BACKUP', async () => {
      const { code, status: s } = await status();
      assert.equal(code, 0);
      assert.equal(s.vipHolder, 'ha1');
      assert.equal(s.healthy, true);
      assert.deepEqual(s.keepalived, { path: binary, version: lab.release });
      const byName = Object.fromEntries(s.members.map((m) => [m.name, m]));
      assert.equal(byName.ha1!.vrrpState, 'MASTER');
      assert.equal(byName.ha2!.vrrpState, 'BACKUP');
      assert.equal(byName.ha2!.holdsVip, false);
      for (const node of ['ha1', 'ha2']) {
        assert.equal(byName[node]!.keepalived!.running, true);
        assert.equal(byName[node]!.nginx!.running, true);
      }
    });

    test('each daemon runs in its own namespace with its own pid files and dump directory', async () => {
      for (const p of manifest().processes) {
        const ns = statSync(`/run/netns/${p.member}`, { bigint: true }).ino;
        const link = await execa('readlink', [`/proc/${p.pid}/ns/net`]);
        assert.equal(String(link.stdout), `net:[${ns}]`, `${p.service} on ${p.member}`);
        const pidFile = `${labNodeRoot(p.member)}/run/${p.service === 'keepalived' ? 'keepalived' : 'nginx'}.pid`;
        assert.equal(readFileSync(pidFile, 'utf8').trim(), String(p.pid));
      }
      // SIGUSR1 (DATA): the dump lands in the node's own TMPDIR, not in the machine's /tmp.
      for (const node of ['ha1', 'ha2'] as const) {
        const pid = await labServices(node).pid('keepalived');
        assert.ok(pid);
        const dump = `${labNodeRoot(node)}/tmp/keepalived.data`;
        rmSync(dump, { force: true });
        process.kill(pid, 'SIGUSR1');
        const deadline = Date.now() + 3000;
        while (!existsSync(dump) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        assert.ok(existsSync(dump), dump);
      }
      // The config the lab wrote passes keepalived's own check where eth0 exists, by the
      // keepalived a command in the node finds: the lab's.
      const version = await runCli(['lab', 'exec', 'ha1', '--', 'keepalived', '-v']);
      assert.match(version.stderr, new RegExp(`^Keepalived v${lab.release.replace(/\./g, '\\.')} `, 'm'));
      const check = await runCli(['lab', 'exec', 'ha1', '--', 'keepalived', '-t', '-f', `${labNodeRoot('ha1')}/etc/keepalived/keepalived.conf`]);
      assert.equal(check.code, 0, check.stderr);
    });

    test('each keepalived runs the given binary with the argv the lab derived from its --help; a restart runs the same', async () => {
      const recorded = manifest().keepalived!;
      assert.equal(recorded.path, binary);
      for (const node of ['ha1', 'ha2'] as const) {
        const pid = (await labServices(node).pid('keepalived'))!;
        assert.equal(realpathSync(`/proc/${pid}/exe`), realpathSync(binary), node);
        assert.deepEqual(cmdline(pid), labDaemonArgv(node, 'keepalived', recorded).slice(2), node);
        assert.equal(cmdline(pid).includes('-b'), recorded.shortOptions.includes('b'), 'no -b without BFD');
      }
      assert.equal(readlinkSync(`${LAB_STATE_DIR}/bin/keepalived`), binary);
      const restarted = await labServices('ha2').restart('keepalived');
      assert.equal(restarted.exitCode, 0, restarted.stderr);
      assert.equal(realpathSync(`/proc/${(await labServices('ha2').pid('keepalived'))!}/exe`), realpathSync(binary));
    });

    if (lab.baseline) {
      test('lab exec NODE -- ha-setup runs the ha-setup that launched it, and the answers path setup printed is the node\'s', async () => {
        const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
        // No ha-setup on PATH at all: the one running `lab exec` answers.
        const v = await runCli(['lab', 'exec', 'ha1', '--', 'ha-setup', '--version'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
        assert.equal(v.code, 0, v.stderr);
        assert.equal(v.stdout.trim(), pkg.version);
        // /etc/keepalived/ha-setup.answers.json inside the node is the node's file.
        const again = await runCli(['lab', 'exec', 'ha2', '--', 'ha-setup', 'setup', '--answers', '/etc/keepalived/ha-setup.answers.json', '--dry-run', '--json'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
        assert.equal(again.code, 0, again.stderr);
        const out = JSON.parse(again.stdout) as { answers: { role: string; routerId: string } };
        assert.equal(out.answers.role, 'BACKUP');
        assert.equal(out.answers.routerId, 'ha2');
      });

      test('lab restart NODE SERVICE restarts one daemon, starts a stopped one, waits for the VIP; lab logs shows a node\'s logs', async () => {
        const before = await labServices('ha2').pid('keepalived');
        const r = await runCli(['lab', 'restart', 'ha2', 'keepalived'], { timeoutMs: 60_000 });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const after = await labServices('ha2').pid('keepalived');
        assert.ok(after !== null && after !== before, `pid ${before} -> ${after}`);
        assert.match(r.stdout, new RegExp(`keepalived on ha2: running \\(pid ${after}\\)\\nVIP ${LAB_VIP.replace(/\./g, '\\.')} on ha1`));
        // A stopped daemon is started.
        await labServices('ha2').stop('nginx');
        const started = await runCli(['lab', 'restart', 'ha2', 'nginx', '--json']);
        assert.equal(started.code, 0, started.stderr);
        const report = JSON.parse(started.stdout) as { restarted: Array<{ node: string; service: string; ok: boolean; pid: number }> };
        assert.deepEqual(report.restarted.map((x) => [x.node, x.service, x.ok]), [['ha2', 'nginx', true]]);
        assert.equal(await labServices('ha2').pid('nginx'), report.restarted[0]!.pid);
        const bad = await runCli(['lab', 'restart', 'ha3']);
        assert.equal(bad.code, 64);
        assert.match(bad.stderr, /NODE: "ha3" is not accepted\. Accepted: ha1, ha2/);
        const logs = await runCli(['lab', 'logs', 'ha2', 'keepalived', '--lines', '3']);
        assert.equal(logs.code, 0, logs.stderr);
        const lines = logs.stdout.trimEnd().split('\n');
        assert.equal(lines.length, 3);
        const text = readFileSync(`${labNodeRoot('ha2')}/var/log/keepalived.log`, 'utf8').trimEnd().split('\n').filter(Boolean);
        assert.deepEqual(lines, text.slice(-3));
        const both = await runCli(['lab', 'logs', 'ha1', '--json']);
        assert.deepEqual((JSON.parse(both.stdout) as Array<{ service: string }>).map((l) => l.service), ['nginx', 'keepalived']);
        await untilServedBy('ha1', 10_000);
      });

      test('lab up --ssh on a running lab starts sshd in each node and says so', async () => {
        const r = await runCli(['lab', 'up', '--ssh'], { timeoutMs: 60_000 });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /only sshd was added \(--ssh\)/);
        assert.match(r.stdout, /sshd started in ha1, ha2/);
        for (const n of ['ha1', 'ha2']) assert.ok(existsSync(`${labNodeRoot(n as 'ha1')}/run/sshd.pid`));
        const again = await runCli(['lab', 'up', '--ssh']);
        assert.match(again.stdout, /sshd runs in ha1 and ha2/);
      });
    }

    test('the check user: created once on the machine where this release needs it, recorded for lab down', () => {
      const user = chooseScriptUser(lab.release);
      if (user === 'root') {
        assert.equal(manifest().createdUsers, undefined);
        return;
      }
      assert.ok(machineHasUser(user), `${user} exists`);
      assert.deepEqual(manifest().createdUsers ?? [], userBefore ? [] : [user]);
      const conf = readFileSync(`${labNodeRoot('ha2')}/etc/keepalived/keepalived.conf`, 'utf8');
      assert.match(conf, new RegExp(`script_user ${user}`));
    });

    baselineTest(lab)('lab exec runs a command in the node, with the node root in its environment, and returns its exit code', async () => {
      const r = await runCli(['lab', 'exec', 'ha2', '--', 'sh', '-c', 'echo "$HA_SETUP_LAB_NODE $HA_SETUP_ROOT"; ip -o -4 addr show dev eth0; exit 7']);
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stdout, new RegExp(`^ha2 ${labNodeRoot('ha2')}\n`));
      assert.match(r.stdout, /inet 192\.0\.2\.12\/24/);
      const bad = await runCli(['lab', 'exec', 'ha3', '--', 'true']);
      assert.equal(bad.code, 64);
      assert.match(bad.stderr, /NODE: "ha3" is not accepted/);
    });

    test('nginx stopping on ha1 moves the client to ha2', async (t) => {
      const stopped = await labServices('ha1').stop('nginx');
      assert.equal(stopped.exitCode, 0, stopped.stderr);
      const ms = await untilServedBy('ha2', 6000);
      t.diagnostic(`failover after nginx stopped on ha1: ${ms} ms`);
      assert.equal(await labServices('ha1').isActive('nginx'), false);
      const { code, status: s } = await status();
      assert.equal(code, 1, 'degraded: nginx is down on ha1');
      assert.equal(s.vipHolder, 'ha2');
      const ha1 = s.members.find((m) => m.name === 'ha1')!;
      assert.equal(ha1.vrrpState, 'FAULT');
      assert.equal(ha1.holdsVip, false);
    });

    test('nginx back on ha1: ha1 takes the VIP back (preempt)', async (t) => {
      const started = await labServices('ha1').start('nginx');
      assert.equal(started.exitCode, 0, started.stderr);
      const ms = await untilServedBy('ha1', 10_000);
      t.diagnostic(`ha1 serves again after ${ms} ms`);
      const { code, status: s } = await status();
      assert.equal(code, 0);
      assert.equal(s.vipHolder, 'ha1');
    });

    test('lab down leaves no namespace, no daemon and no file behind; a second down is harmless', async () => {
      const pids = manifest().processes.map((p) => p.pid);
      assert.equal(pids.length, 4);
      const r = await runCli(['lab', 'down']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await labNamespacesPresent(), []);
      await assertNotRunning(pids);
      assert.equal(existsSync(LAB_STATE_DIR), false);
      assert.equal(machineHasUser(chooseScriptUser(lab.release)), userBefore, 'the check user is as it was before the lab');
      const again = await runCli(['lab', 'down']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing to remove/);
      const s = await status();
      assert.equal(s.code, 2);
      assert.equal(s.status.present, false);
    });

    baselineTest(lab)('lab down cleans up after a crash that lost the manifest', async () => {
      const up = await runCli(['lab', 'up', '--keepalived', binary]);
      assert.equal(up.code, 0, up.stderr);
      const pids = manifest().processes.map((p) => p.pid);
      rmSync(LAB_MANIFEST);
      const r = await runCli(['lab', 'down', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { hadManifest: boolean; processes: Array<{ pid: number; stopped: boolean; descendant?: boolean }> };
      assert.equal(report.hadManifest, false);
      // The daemons themselves; what they started (workers, children) is stopped after them.
      assert.deepEqual(report.processes.filter((p) => !p.descendant).map((p) => p.pid).sort(), [...pids].sort());
      assert.ok(report.processes.every((p) => p.stopped));
      assert.deepEqual(await labNamespacesPresent(), []);
      await assertNotRunning(pids);
      assert.equal(existsSync(LAB_STATE_DIR), false);
      // Without the manifest lab down cannot know it made the check user, so it leaves it: this test made it.
      const user = chooseScriptUser(lab.release);
      if (!userBefore && machineHasUser(user)) await execa('userdel', [user]);
    });
  });
}
