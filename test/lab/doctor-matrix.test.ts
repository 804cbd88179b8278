// The doctor fault matrix, end to end in the lab through the built CLI, on every keepalived
// release of the lab matrix (test/helpers/lab-releases.ts): healthy -> exit 0 on both
// nodes; each fault really induced -> the named check fails on the right node with a fix,
// within 3 x advert_int + 1 s of doctor's own run time. The lab is put back between
// faults. The faults the issue names run on every release; the others on the first.
// Needs root, keepalived, nginx, tcpdump, nftables, iptables, arping.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { labMatrix, labSuiteHooks, baselineTest } from '../helpers/lab-releases.js';
import { cliPath, repoRoot, tempDir } from '../helpers/paths.js';
import { LAB_VRRP, type LabNodeName } from '../../src/lab/constants.js';
import type { CheckStatus, ReportStatus } from '../../checks/types.js';
import type { DoctorReport } from '../../src/doctor/run.js';
import {
  bridgeDrop,
  foreignVrid,
  iptablesDropOnHa2,
  keepalivedStoppedOnHa1,
  nftDropOnHa2,
  nginxStoppedOnHa1,
  passwordOnHa2,
  intervalOnHa2,
  unicastNoPeersOnHa2,
  unicastWrongPeerOnHa2,
  staleVipOnHa2,
  sleep,
  until,
  vipByHandOnHa2,
  waitHealthy,
  type Fault,
} from '../fixtures/doctor-wire/lab-faults.js';

interface Measured {
  release: string;
  fault: string;
  node: LabNodeName;
  check: string;
  status: ReportStatus;
  doctorMs: number;
  wallMs: number;
  exitCode: number;
}
const measured: Measured[] = [];

// A private copy of the built CLI: other engineers' `node scripts/build.mjs` empties dist/
// while it rebuilds, and a doctor run must not start in that moment.
let snapshot: string | null = null;
let cli = cliPath;

async function runCli(args: string[], opts: { timeoutMs?: number } = {}) {
  const r = await execa('node', [cli, ...args], {
    reject: false,
    cwd: repoRoot,
    env: { NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

async function doctor(node: LabNodeName): Promise<{ report: DoctorReport; code: number; wallMs: number }> {
  const start = Date.now();
  const r = await runCli(['lab', 'exec', node, '--', 'node', cli, 'doctor', '--json'], { timeoutMs: 60_000 });
  const wallMs = Date.now() - start;
  let report: DoctorReport;
  try {
    report = JSON.parse(r.stdout) as DoctorReport;
  } catch {
    assert.fail(`doctor on ${node} printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { report, code: r.code, wallMs };
}

function find(report: DoctorReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id} in the report`);
  return c;
}

interface Expect {
  node: LabNodeName;
  check: string;
  status: CheckStatus;
  /** A command the fix must contain (exact line). */
  command?: string;
  summary?: RegExp;
}

async function runFault(release: string, fault: Fault, expects: Expect[]): Promise<void> {
  await waitHealthy(30_000);
  await fault.induce();
  try {
    await until(`${fault.id} to take effect`, fault.settled, 20_000);
    for (const e of expects) {
      const { report, code, wallMs } = await doctor(e.node);
      const c = find(report, e.check);
      measured.push({ release, fault: fault.id, node: e.node, check: e.check, status: c.status, doctorMs: report.durationMs, wallMs, exitCode: code });
      const why = `${fault.id} on ${e.node}: ${e.check} ${c.status}: ${c.summary}\n${c.details.join('\n')}`;
      assert.equal(c.status, e.status, why);
      if (e.status === 'fail') {
        assert.equal(code, 2, `doctor exit code with a failure: ${why}`);
        assert.ok(c.fix && (c.fix.commands.length > 0 || c.fix.explain.length > 0), `no fix: ${why}`);
      }
      if (e.status !== 'ok') assert.ok(c.fix, `no fix: ${why}`);
      if (e.command) assert.ok(c.fix?.commands.includes(e.command), `${why}\nfix: ${JSON.stringify(c.fix)}`);
      if (e.summary) assert.match(c.summary, e.summary, why);
    }
  } finally {
    await fault.undo();
  }
}

before(() => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run node scripts/build.mjs');
  snapshot = tempDir('dw-cli-');
  // The CLI finds templates/ beside its own directory, as in the published package.
  cpSync(join(repoRoot, 'dist'), join(snapshot, 'dist'), { recursive: true });
  cpSync(join(repoRoot, 'templates'), join(snapshot, 'templates'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(snapshot, 'package.json'));
  cli = join(snapshot, 'dist', 'cli.js');
});

after(() => {
  if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  const lines = measured.map((m) => `| ${m.release} | ${m.fault} | ${m.check} | ${m.node} | ${m.status} | ${m.doctorMs} | ${m.wallMs} | ${m.exitCode} |`);
  console.log(['| keepalived | fault | check | node | status | doctor ms | wall ms | exit |', '|---|---|---|---|---|---|---|---|', ...lines].join('\n'));
});

for (const lab of labMatrix()) {
  describe(`keepalived ${lab.release} (${lab.how})`, () => {
    const onBaseline = baselineTest(lab);
    // A fresh lab per release: keepalived's counters and logs start from zero.
    labSuiteHooks(lab, 'doctor-matrix', { cli: runCli, beforeDown: () => waitHealthy(30_000) });

    test('healthy lab: exit 0 and no failure on either node', async () => {
      await waitHealthy(30_000);
      // Let the start-up election end: ha2 advertised as MASTER until ha1 preempted it.
      await sleep(3 * LAB_VRRP.advertInt * 1000);
      for (const node of ['ha1', 'ha2'] as const) {
        const { report, code, wallMs } = await doctor(node);
        measured.push({ release: lab.release, fault: 'healthy', node, check: '(all)', status: report.summary.fail ? 'fail' : report.summary.warn ? 'warn' : 'ok', doctorMs: report.durationMs, wallMs, exitCode: code });
        const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.id} ${c.status}: ${c.summary}`);
        assert.deepEqual(bad, [], `${node}: ${bad.join('\n')}`);
        assert.equal(code, 0);
        for (const id of ['multicast', 'peer-auth', 'vip-placement', 'vrid-conflict', 'advert-interval', 'unicast']) assert.equal(find(report, id).status, 'ok');
      }
    });

    test('a) nftables drops VRRP on the backup: firewall-vrrp fails on ha2; split brain in vip-placement', () =>
      runFault(lab.release, nftDropOnHa2, [
        { node: 'ha2', check: 'firewall-vrrp', status: 'fail', command: 'ha-setup lab exec ha2 -- nft insert rule inet dwfault input meta l4proto vrrp accept' },
        { node: 'ha2', check: 'vip-placement', status: 'fail', summary: /split brain.*firewall/, command: 'ha-setup lab exec ha2 -- nft insert rule inet dwfault input meta l4proto vrrp accept' },
        { node: 'ha2', check: 'multicast', status: 'fail', summary: /keepalived does not get them/ },
      ]));

    onBaseline('a) iptables drops VRRP on the backup: firewall-vrrp fails on ha2; split brain in vip-placement', () =>
      runFault(lab.release, iptablesDropOnHa2, [
        { node: 'ha2', check: 'firewall-vrrp', status: 'fail', command: 'ha-setup lab exec ha2 -- iptables -I INPUT 1 -p vrrp -j ACCEPT' },
        { node: 'ha2', check: 'vip-placement', status: 'fail', summary: /split brain.*firewall/, command: 'ha-setup lab exec ha2 -- iptables -I INPUT 1 -p vrrp -j ACCEPT' },
      ]));

    test('b) the bridge drops VRRP: multicast fails on ha2 (no advert from the master)', () =>
      runFault(lab.release, bridgeDrop, [{ node: 'ha2', check: 'multicast', status: 'fail', summary: /another machine answers for the VIP|no advert from a master/ }]));

    test('c) mismatched password: peer-auth fails on ha2 and on ha1', () =>
      runFault(lab.release, passwordOnHa2, [
        // 2.2.7 logs no sender: the summary names it when the capture caught the other's adverts.
        { node: 'ha2', check: 'peer-auth', status: 'fail', summary: /password/ },
        { node: 'ha1', check: 'peer-auth', status: 'fail', summary: /password/ },
      ]));

    test('d) a foreign keepalived with the same VRID: vrid-conflict fails', () =>
      runFault(lab.release, foreignVrid, [{ node: 'ha2', check: 'vrid-conflict', status: 'fail' }]));

    onBaseline('e) nginx stopped on the master: nginx-running fails on ha1, the VIP moved to ha2 (takeover: warn)', () =>
      runFault(lab.release, nginxStoppedOnHa1, [
        { node: 'ha1', check: 'nginx-running', status: 'fail' },
        { node: 'ha2', check: 'vip-placement', status: 'warn', summary: /took over/ },
      ]));

    onBaseline('f) keepalived stopped on ha1: keepalived-running fails on ha1', () =>
      runFault(lab.release, keepalivedStoppedOnHa1, [{ node: 'ha1', check: 'keepalived-running', status: 'fail' }]));

    test('g) the VIP added by hand on the backup: vip-placement fails on ha2 with ip addr del', () =>
      runFault(lab.release, vipByHandOnHa2, [{ node: 'ha2', check: 'vip-placement', status: 'fail', command: 'ha-setup lab exec ha2 -- ip addr del 192.0.2.50/24 dev eth0' }]));

    test('advert_int 2 on ha2 against 1 on ha1: advert-interval fails on ha2', () =>
      runFault(lab.release, intervalOnHa2, [{ node: 'ha2', check: 'advert-interval', status: 'fail' }]));

    onBaseline('a unicast keyword without peers on ha2: unicast fails there', () =>
      runFault(lab.release, unicastNoPeersOnHa2, [{ node: 'ha2', check: 'unicast', status: 'fail' }]));

    onBaseline('unicast_peer without the other node on ha2: unicast fails there', () =>
      runFault(lab.release, unicastWrongPeerOnHa2, [{ node: 'ha2', check: 'unicast', status: 'fail', summary: /192\.0\.2\.11/ }]));

    onBaseline('keepalived stopped on ha2 with the VIP left behind: vip-placement fails (stale address)', () =>
      runFault(lab.release, staleVipOnHa2, [{ node: 'ha2', check: 'vip-placement', status: 'fail', command: 'ha-setup lab exec ha2 -- ip addr del 192.0.2.50/24 dev eth0' }]));
  });
}
