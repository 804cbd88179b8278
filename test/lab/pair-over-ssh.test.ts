// Both nodes from one place: the lab with a real OpenSSH server in each node (`lab up
// --ssh`), ha-setup run from the client namespace with the client's generated key, as an
// admin would from a workstation. Needs root, keepalived, nginx, openssh-server, curl;
// runs the built CLI (node scripts/build.mjs first). Takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { RECEIVER_SECRETS, RECEIVER_SMTP, startReceivers } from '../helpers/notify-receivers.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { LAB_ADDRESSES, LAB_VIP, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { labServices } from '../../src/lab/services.js';
import { startClientProber } from '../helpers/prober.js';
import { nodeTreeHash, treeDiff } from '../helpers/tree-hash.js';
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

/** Both nodes' files and keepalived processes, to compare after a run. */
async function snapshot() {
  return Promise.all((['ha1', 'ha2'] as const).map(async (n) => ({ node: n, tree: nodeTreeHash(labNodeRoot(n)), pid: await labServices(n).pid('keepalived') })));
}

test('setup of the pair from the client on the lab\'s configured nodes: the one real change (unicast peers) shown as a diff per node, keepalived reloaded, not restarted', async () => {
  const before = await snapshot();
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--yes']);
  const samples = await prober.stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const a = readFileSync(conf('ha1'), 'utf8');
  const b = readFileSync(conf('ha2'), 'utf8');
  // What the nodes were configured with stays (the password, the VRID of the group on the wire):
  // nothing was given that would change it.
  assert.equal(authPass(a), LAB_VRRP.authPass);
  assert.equal(authPass(b), LAB_VRRP.authPass);
  assert.match(a, /virtual_router_id 51\b/);
  assert.match(b, /virtual_router_id 51\b/);
  assert.match(a, /state MASTER[\s\S]*priority 150/);
  assert.match(b, /state BACKUP[\s\S]*priority 100/);
  assert.match(a, new RegExp(`unicast_peer \\{\\s*${LAB_ADDRESSES.ha2.replace(/\./g, '\\.')}\\s*\\}`));
  assert.match(b, new RegExp(`unicast_peer \\{\\s*${LAB_ADDRESSES.ha1.replace(/\./g, '\\.')}\\s*\\}`));
  assert.match(a, /router_id ha1\b/);
  assert.match(b, /router_id ha2\b/);
  // Files landed in each node's own directory, paths in them are the node's real ones.
  assert.ok(a.includes(`${labNodeRoot('ha1')}/etc/keepalived/check_nginx.sh`));
  // Each node's plan shows its diff, and the password never appears in it.
  for (const [node, peer] of [[A, LAB_ADDRESSES.ha2], [B, LAB_ADDRESSES.ha1]] as const) {
    const part = r.stdout.slice(r.stdout.indexOf(`Plan for ${node}`));
    assert.match(part, new RegExp(`\\+\\s+unicast_peer \\{[\\s\\S]*?\\+\\s+${peer.replace(/\./g, '\\.')}`), `${node}: diff shown`);
    assert.match(part, /reload keepalived/);
  }
  assert.ok(!r.stdout.includes(LAB_VRRP.authPass), 'the password is not printed');
  assert.doesNotMatch(r.stdout, /restart keepalived/);
  const after = await snapshot();
  for (const [i, s] of before.entries()) assert.equal(after[i]!.pid, s.pid, `keepalived on ${s.node} was reloaded, not restarted`);
  // Multicast -> unicast is a change keepalived cannot keep the instance through, even on a
  // reload: the plan says so.
  assert.match(r.stdout, /re-creates the VRRP instance/);
  const failed = samples.filter((x) => !x.ok).length;
  // What the plan says: the VIP may move while one node has the new file and the other not
  // yet (one move, or two when the first node's new instance wins before the second reloads),
  // and it ends on ha1.
  const served = samples.filter((x) => x.ok).map((x) => x.body).filter((b, i, all) => i === 0 || b !== all[i - 1]);
  const gaps = samples.filter((x, i) => !x.ok && (i === 0 || samples[i - 1]!.ok)).length;
  process.stderr.write(`# multicast -> unicast by reload: ${failed} failed client requests (50 ms apart) in ${gaps} gap(s); served by ${served.join(' -> ')}\n`);
  assert.match(r.stdout, /one or two moves/);
  assert.ok(served.length <= 5 && served[0] === 'ha1' && served[served.length - 1] === 'ha1', `the VIP moved more than twice: ${served.join(' -> ')}`);
  assert.ok(gaps <= 4, `${gaps} gaps in the service: more than two moves of the VIP`);
  assert.match(r.stdout, /root@192\.0\.2\.11 holds 192\.0\.2\.50\/24/);
  assert.equal(await clientGet(), 'ha1');
});

test('a second run with nothing new changes nothing on either node: same password, no restart, no VIP movement, no failed request', async () => {
  const before = await snapshot();
  const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
  const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--yes', '--json']);
  const samples = await prober.stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { status: string; nodes: Record<string, { plan: unknown[] }>; verification: { ok: boolean; vipHolder: string } };
  assert.equal(out.status, 'unchanged', JSON.stringify(out.nodes));
  assert.deepEqual(Object.keys(out.nodes), [A, B]);
  assert.equal(out.verification.ok, true);
  assert.equal(out.verification.vipHolder, A);
  const after = await snapshot();
  for (const [i, s] of before.entries()) {
    assert.deepEqual(treeDiff(s.tree, after[i]!.tree), [], `files of ${s.node} changed`);
    assert.equal(after[i]!.pid, s.pid, `keepalived on ${s.node} was restarted`);
  }
  assert.equal(samples.filter((x) => !x.ok).length, 0, 'no client request failed during the re-run');
  assert.ok(samples.length > 20 && samples.every((x) => x.body === 'ha1'), 'the VIP stayed on ha1');
});

test('a real change (alert e-mail, check URL) shows its diff per node, reloads keepalived where the config changed, and the VIP never moves', async () => {
  // The mail goes through the lab's SMTP server (a lab node has no mail server of its own,
  // and setup refuses --email alone where nothing answers on 127.0.0.1:25).
  const receivers = await startReceivers();
  const dir = tempDir();
  const passwordFile = join(dir, 'smtp.pass');
  writeFileSync(passwordFile, `${RECEIVER_SECRETS.password}\n`, { mode: 0o600 });
  const mail = ['--email', 'ops@example.com', '--smtp-server', RECEIVER_SMTP, '--smtp-user', RECEIVER_SECRETS.user, '--smtp-password-file', passwordFile];
  try {
    for (const [flags, url, expect] of [
      [mail, 'http://127.0.0.1/?ha', /\+\s+vrrp_notify_fifo /],
      [['--email', '', '--smtp-server', ''], 'http://127.0.0.1/', /-\s+vrrp_notify_fifo /],
    ] as const) {
      const before = await snapshot();
      const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
      const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, ...flags, '--check-url', url, '--yes']);
      const samples = await prober.stop();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const node of [A, B]) {
        const part = r.stdout.slice(r.stdout.indexOf(`Plan for ${node}`));
        assert.match(part, expect, `${node}: the config diff`);
        assert.match(part, /write \/etc\/keepalived\/check_nginx\.sh[\s\S]*?[-+].*127\.0\.0\.1/, `${node}: the check script diff`);
        assert.match(part, /reload keepalived/);
      }
      assert.doesNotMatch(r.stdout, /restart keepalived|re-creates the VRRP instance/);
      const after = await snapshot();
      for (const [i, s] of before.entries()) assert.equal(after[i]!.pid, s.pid, `keepalived on ${s.node} was restarted`);
      assert.equal(samples.filter((x) => !x.ok).length, 0, `no client request failed (${flags.join(' ')})`);
      assert.ok(samples.every((x) => x.body === 'ha1'), 'the VIP stayed on ha1');
    }
  } finally {
    await receivers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only a new check script: nothing of keepalived is touched (it runs the script anew every interval)', async () => {
  const before = await snapshot();
  const r = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--check-url', 'http://127.0.0.1/?only', '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { nodes: Record<string, { plan: Array<{ kind: string; path?: string }> }> };
  for (const node of [A, B]) {
    const plan = out.nodes[node]!.plan;
    assert.deepEqual(plan.map((s) => s.path ?? s.kind), ['/etc/keepalived/check_nginx.sh', '/etc/keepalived/ha-setup.answers.json'], node);
  }
  const after = await snapshot();
  for (const [i, s] of before.entries()) assert.equal(after[i]!.pid, s.pid);
  const back = await fromClient([...HOSTS, '--vip', `${LAB_VIP}/24`, '--check-url', 'http://127.0.0.1/', '--yes']);
  assert.equal(back.code, 0, back.stdout + back.stderr);
});

test('doctor of the pair from the client: healthy, grouped by node and pair', async () => {
  const r = await fromClient(['doctor', ...HOSTS, '--json']);
  const out = JSON.parse(r.stdout) as { nodes: Record<string, { checks: Array<{ id: string; status: string; summary: string }> }>; pair: { checks: Array<{ id: string; status: string; summary: string }> } };
  assert.deepEqual(Object.keys(out.nodes), [A, B]);
  for (const c of out.pair.checks) assert.equal(c.status, 'ok', `${c.id}: ${c.summary}`);
  for (const [node, report] of Object.entries(out.nodes)) {
    for (const c of report.checks) assert.notEqual(c.status, 'fail', `${node} ${c.id}: ${c.summary}`);
  }
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}\n${r.stdout}`);
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
  assert.ok(isolated.code === 0 || isolated.code === 1, `exit ${isolated.code}: ${isolated.stderr}\n${isolated.stdout}`);
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
