// Every fix command doctor prints for a lab fault, run exactly as printed (in a shell on this
// machine, with `ha-setup` on PATH as a clone's `npm link` puts it there), repairs the lab:
// doctor is green on both nodes afterwards, and nothing outside the lab's directory changed
// (/etc, /var/lib, /run and the machine's nginx and ha-setup logs hashed before and after).
// Needs root, keepalived, nginx, tcpdump, nftables, iptables.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { takeLabLock, LAB_LOCK } from '../helpers/lab-lock.js';
import { cliPath, repoRoot, tempDir } from '../helpers/paths.js';
import { treeDiff, treeHash } from '../helpers/tree-hash.js';
import { LAB_STATE_DIR, LAB_VRRP, type LabNodeName } from '../../src/lab/constants.js';
import type { DoctorReport } from '../../src/doctor/run.js';
import {
  iptablesDropOnHa2,
  keepalivedStoppedOnHa1,
  nftDropOnHa2,
  nginxStoppedOnHa1,
  passwordOnHa2,
  scriptInsecureOnHa1,
  sleep,
  until,
  vipByHandOnHa2,
  waitHealthy,
  type Fault,
} from '../fixtures/doctor-wire/lab-faults.js';

let release: (() => Promise<void>) | null = null;
let snapshot: string | null = null;
let bin = '';

/** What must not change: the machine outside the lab (the lab's own state and lock are the lab's). */
const WATCHED = ['/etc', '/var/lib', '/run', '/var/log/nginx', '/var/log/ha-setup'];
/** Commands that only show a problem (and fail while it is there). */
const VERIFY = /^ha-setup lab exec \S+ -- (keepalived -t |ha-setup inspect |curl )|\/etc\/init\.d\/\S+ configtest$/;
const NOT_OURS = [LAB_STATE_DIR, LAB_LOCK, '/run/netns', '/run/sshd', '/run/utmp', '/var/lib/systemd/timesync'];

function env(extra: Record<string, string> = {}) {
  return { NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', PATH: `${bin}:${process.env.PATH}`, ...extra };
}

/** A command line exactly as doctor printed it, in a shell on this machine. */
async function sh(line: string, extra: Record<string, string> = {}) {
  const r = await execa('sh', ['-c', line], { reject: false, env: env(extra), timeout: 120_000, all: true });
  return { code: r.exitCode ?? -1, out: String(r.all) };
}

async function doctor(node: LabNodeName): Promise<{ report: DoctorReport; code: number }> {
  const r = await execa('ha-setup', ['lab', 'exec', node, '--', 'ha-setup', 'doctor', '--json'], { reject: false, env: env(), timeout: 60_000 });
  try {
    return { report: JSON.parse(String(r.stdout)) as DoctorReport, code: r.exitCode ?? -1 };
  } catch {
    return assert.fail(`doctor on ${node} printed no JSON (exit ${r.exitCode}): ${r.stdout}\n${r.stderr}`);
  }
}

const problems = (r: DoctorReport) => r.checks.filter((c) => c.status === 'fail' || c.status === 'warn');

/** doctor on both nodes until both are green (an election after a restart takes a few adverts). */
async function green(): Promise<void> {
  let last = '';
  const ok = await until(
    'doctor green on ha1 and ha2',
    async () => {
      const runs = await Promise.all((['ha1', 'ha2'] as const).map(async (n) => ({ n, ...(await doctor(n)) })));
      last = runs.map(({ n, code, report }) => `${n}: exit ${code}\n${problems(report).map((c) => `  ${c.id} ${c.status}: ${c.summary}`).join('\n')}`).join('\n');
      return runs.every((r) => r.code === 0);
    },
    30_000,
  ).catch(() => null);
  assert.ok(ok !== null, `doctor is not green after the fixes:\n${last}`);
}

async function fixAndCheck(fault: Fault, node: LabNodeName, expect: { check: string; command: RegExp }, extra: Record<string, string> = {}): Promise<void> {
  await waitHealthy(30_000);
  // Let the start-up election end so a healthy node is green before the fault.
  await sleep(3 * LAB_VRRP.advertInt * 1000);
  await fault.induce();
  try {
    await until(`${fault.id} to take effect`, fault.settled, 20_000);
    const { report } = await doctor(node);
    const failing = problems(report);
    const target = failing.find((c) => c.id === expect.check);
    assert.ok(target, `${fault.id}: ${expect.check} does not report it on ${node}: ${JSON.stringify(failing, null, 1)}`);
    const commands = [...new Set(failing.flatMap((c) => c.fix?.commands ?? []))];
    assert.ok(commands.some((c) => expect.command.test(c)), `${fault.id}: no command like ${expect.command}:\n${commands.join('\n')}`);
    const machineBefore = treeHash(WATCHED, NOT_OURS);
    // In the order printed. A check that only shows the problem (keepalived -t, a config
    // test) fails while the problem is there: it must pass once the fixes after it ran.
    const again: string[] = [];
    for (const c of commands) {
      const r = await sh(c, extra);
      if (r.code !== 0 && VERIFY.test(c)) again.push(c);
      else assert.equal(r.code, 0, `${fault.id} on ${node}: \`${c}\` exited ${r.code}:\n${r.out}`);
    }
    for (const c of again) {
      const r = await sh(c, extra);
      assert.equal(r.code, 0, `${fault.id} on ${node}: \`${c}\` still exits ${r.code} after the fixes:\n${r.out}`);
    }
    await green();
    const changed = treeDiff(machineBefore, treeHash(WATCHED, NOT_OURS));
    assert.deepEqual(changed, [], `${fault.id}: the fixes changed files outside the lab:\n${changed.join('\n')}\ncommands:\n${commands.join('\n')}`);
  } finally {
    await fault.undo();
  }
}

before(async () => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run npm run build');
  release = await takeLabLock('doctor-fixes');
  // A private copy of the built CLI (a concurrent rebuild empties dist/), and `ha-setup` on
  // PATH pointing at it, as `npm link` does for a clone.
  snapshot = tempDir('dfix-cli-');
  for (const part of ['dist', 'templates', 'package.json']) cpSync(join(repoRoot, part), join(snapshot, part), { recursive: true });
  bin = join(snapshot, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'ha-setup'), `#!/bin/sh\nexec "${process.execPath}" "${join(snapshot, 'dist', 'cli.js')}" "$@"\n`);
  chmodSync(join(bin, 'ha-setup'), 0o755);
  const r = await sh('ha-setup lab up --recreate');
  assert.equal(r.code, 0, r.out);
});

after(async () => {
  await waitHealthy(30_000).catch(() => undefined);
  await sh('ha-setup lab down');
  await release?.();
  if (snapshot) rmSync(snapshot, { recursive: true, force: true });
});

test('nftables drops VRRP on ha2: the printed nft commands let it in inside ha2 and save ha2\'s ruleset', () =>
  fixAndCheck(nftDropOnHa2, 'ha2', { check: 'firewall-vrrp', command: /^ha-setup lab exec ha2 -- nft insert rule inet dwfault input/ }));

test('iptables drops VRRP on ha2: the printed iptables commands, and the rules saved under ha2', () =>
  fixAndCheck(iptablesDropOnHa2, 'ha2', { check: 'firewall-vrrp', command: /\/run\/ha-setup-lab\/ha2\/etc\/iptables\/rules\.v4$/ }));

test('another password on ha2: ha2\'s own setup command, with AUTH_PASS set to the shared password', () =>
  fixAndCheck(passwordOnHa2, 'ha2', { check: 'peer-auth', command: /^ha-setup lab exec ha2 -- ha-setup setup .*--auth-pass "\$AUTH_PASS"/ }, { AUTH_PASS: LAB_VRRP.authPass }));

test('check script 0777 on ha1 (keepalived dropped it): chown, chmod and a restart of ha1\'s keepalived', () =>
  fixAndCheck(scriptInsecureOnHa1, 'ha1', { check: 'check-script', command: /^ha-setup lab restart ha1 keepalived$/ }));

test('nginx stopped on ha1: the node\'s own config test and lab restart', () =>
  fixAndCheck(nginxStoppedOnHa1, 'ha1', { check: 'nginx-running', command: /^ha-setup lab restart ha1 nginx$/ }));

test('keepalived stopped on ha1: lab restart', () => fixAndCheck(keepalivedStoppedOnHa1, 'ha1', { check: 'keepalived-running', command: /^ha-setup lab restart ha1 keepalived$/ }));

test('the VIP added by hand on ha2: ip addr del inside ha2', () =>
  fixAndCheck(vipByHandOnHa2, 'ha2', { check: 'vip-placement', command: /^ha-setup lab exec ha2 -- ip addr del 192\.0\.2\.50\/24 dev eth0$/ }));
