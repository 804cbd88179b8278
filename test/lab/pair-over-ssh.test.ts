// Both nodes from one place: the lab with a real OpenSSH server in each node (`lab up
// --ssh`), ha-setup run from the client namespace with the client's generated key, as an
// admin would from a workstation. Needs root, keepalived, nginx, openssh-server, curl;
// runs the built CLI (node scripts/build.mjs first). Takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { LAB_ADDRESSES, LAB_VIP, labNodeRoot } from '../../src/lab/constants.js';
import { labSshdPaths } from '../../src/lab/sshd.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;
const HOSTS = ['--host', A, '--host', B];
const conf = (node: 'ha1' | 'ha2') => `${labNodeRoot(node)}/etc/keepalived/keepalived.conf`;

let release: (() => Promise<void>) | undefined;

/** ha-setup inside the client namespace, through `lab exec` (which points it at the lab's key). */
function fromClient(args: string[], timeoutMs = 120_000) {
  return runCli(['lab', 'exec', 'client', '--', 'node', cliPath, ...args], { timeoutMs });
}

async function clientGet(): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', 'client', 'curl', '-s', '--max-time', '1', `http://${LAB_VIP}/`], { reject: false });
  return String(r.stdout).trim();
}

function authPass(text: string): string {
  return /auth_pass\s+(\S+)/.exec(text)?.[1] ?? '';
}

before(async () => {
  release = await takeLabLock('pair-over-ssh');
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
});

after(async () => {
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

test('setup of the pair from the client: one command, both nodes, one MASTER with the VIP', async () => {
  const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const a = readFileSync(conf('ha1'), 'utf8');
  const b = readFileSync(conf('ha2'), 'utf8');
  // One password (generated once), one VRID, unicast peers pointing at each other.
  assert.equal(authPass(a), authPass(b));
  assert.match(a, /virtual_router_id 50\b/);
  assert.match(b, /virtual_router_id 50\b/);
  assert.match(a, /state MASTER[\s\S]*priority 150/);
  assert.match(b, /state BACKUP[\s\S]*priority 100/);
  assert.match(a, new RegExp(`unicast_peer \\{\\s*${LAB_ADDRESSES.ha2.replace(/\./g, '\\.')}\\s*\\}`));
  assert.match(b, new RegExp(`unicast_peer \\{\\s*${LAB_ADDRESSES.ha1.replace(/\./g, '\\.')}\\s*\\}`));
  assert.match(a, /router_id ha1\b/);
  assert.match(b, /router_id ha2\b/);
  // Files landed in each node's own directory, paths in them are the node's real ones.
  assert.ok(a.includes(`${labNodeRoot('ha1')}/etc/keepalived/check_nginx.sh`));
  assert.match(r.stdout, /root@192\.0\.2\.11 holds 192\.0\.2\.50\/24/);
  assert.equal(await clientGet(), 'ha1');
});

test('a second run with the same answers changes nothing on either node', async () => {
  const pass = authPass(readFileSync(conf('ha1'), 'utf8'));
  const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--auth-pass', pass, '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { status: string; nodes: Record<string, { plan: unknown[] }>; verification: { ok: boolean; vipHolder: string } };
  assert.equal(out.status, 'unchanged');
  assert.deepEqual(Object.keys(out.nodes), [A, B]);
  assert.equal(out.verification.ok, true);
  assert.equal(out.verification.vipHolder, A);
});

test('doctor of the pair from the client: healthy, grouped by node and pair', async () => {
  const r = await fromClient(['doctor', ...HOSTS, '--json']);
  const out = JSON.parse(r.stdout) as { nodes: Record<string, { checks: Array<{ id: string; status: string; summary: string }> }>; pair: { checks: Array<{ id: string; status: string; summary: string }> } };
  assert.deepEqual(Object.keys(out.nodes), [A, B]);
  for (const c of out.pair.checks) assert.equal(c.status, 'ok', `${c.id}: ${c.summary}`);
  for (const [node, report] of Object.entries(out.nodes)) {
    for (const c of report.checks) assert.notEqual(c.status, 'fail', `${node} ${c.id}: ${c.summary}`);
  }
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
});

test('doctor over ssh reads the nodes\' own /proc, not the machine it runs on', async () => {
  // The lab's namespaces share this machine's /proc, so reading it here would look right.
  // In a PID namespace of its own with its own /proc, ha-setup sees none of the nodes'
  // processes locally: only the scan run on the node (by its sshd) can find them.
  const pid = Number(readFileSync(`${labNodeRoot('ha1')}/run/keepalived.pid`, 'utf8').trim());
  const isolated = await runCli(
    ['lab', 'exec', 'client', '--', 'unshare', '--pid', '--fork', '--mount-proc', 'node', cliPath, 'doctor', ...HOSTS, '--json'],
    { timeoutMs: 120_000 },
  );
  assert.ok(isolated.code === 0 || isolated.code === 1, `exit ${isolated.code}: ${isolated.stderr}`);
  const out = JSON.parse(isolated.stdout) as { nodes: Record<string, { checks: Array<{ id: string; status: string; summary: string; details: string[] }> }> };
  const running = out.nodes[A]!.checks.find((c) => c.id === 'keepalived-running')!;
  assert.equal(running.status, 'ok', `${running.summary} ${running.details.join(' ')}`);
  assert.match(running.summary, new RegExp(`\\b${pid}\\b`));
  for (const [node, report] of Object.entries(out.nodes)) {
    for (const c of report.checks) assert.notEqual(c.status, 'fail', `${node} ${c.id}: ${c.summary}`);
  }
  // Nothing of the kind is visible from where it ran.
  const local = await runCli(['lab', 'exec', 'client', '--', 'unshare', '--pid', '--fork', '--mount-proc', 'sh', '-c', `test -e /proc/${pid} && echo visible || echo hidden`]);
  assert.equal(local.stdout.trim(), 'hidden');
});

test('doctor reports a password changed on one node', async () => {
  const path = conf('ha2');
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/auth_pass\s+\S+/, 'auth_pass changed1'), { mode: 0o600 });
  // restart ha2's keepalived the way a node without systemd does: its init script
  const restart = await execa('ip', ['netns', 'exec', 'ha2', `${labNodeRoot('ha2')}/etc/init.d/keepalived`, 'restart'], { reject: false });
  assert.equal(restart.exitCode, 0, String(restart.stderr));
  const r = await fromClient(['doctor', ...HOSTS, '--json']);
  assert.equal(r.code, 2, r.stderr);
  const out = JSON.parse(r.stdout) as { pair: { checks: Array<{ id: string; status: string; details: string[]; fix: { commands: string[] } | null }> } };
  const auth = out.pair.checks.find((c) => c.id === 'pair-same-auth')!;
  assert.equal(auth.status, 'fail');
  assert.ok(!auth.details.join(' ').includes('changed1'), 'the password is not printed without --show-secrets');
  assert.match(auth.fix!.commands[0]!, /^ha-setup setup --host root@192\.0\.2\.11 --host root@192\.0\.2\.12 --vip 192\.0\.2\.50\/24/);
  // The human report names the pair group.
  const human = await fromClient(['doctor', ...HOSTS]);
  assert.match(human.stdout, /pair root@192\.0\.2\.11 \+ root@192\.0\.2\.12/);
  assert.match(human.stdout, /pair-same-auth/);
});

test('a refused login names the node and changes nothing on the other', async () => {
  const keys = labSshdPaths('ha2').authorizedKeys;
  const saved = readFileSync(keys, 'utf8');
  const before = readFileSync(conf('ha1'), 'utf8');
  writeFileSync(keys, '', { mode: 0o600 });
  try {
    const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--auth-pass', 'newpass1', '--yes']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /root@192\.0\.2\.12 refused the login|192\.0\.2\.12.*refused/);
    assert.equal(readFileSync(conf('ha1'), 'utf8'), before, 'ha1 untouched');
    const d = await fromClient(['doctor', ...HOSTS]);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, /refused the login/);
  } finally {
    writeFileSync(keys, saved, { mode: 0o600 });
  }
});
