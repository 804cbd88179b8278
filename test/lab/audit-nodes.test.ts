// Every change on every node is in that node's audit log (/var/log/ha-setup/ha-setup.log
// under the node's directory in the lab), never the password, and nothing in the machine's:
// lab up configuring the nodes, pair setup over ssh from the client, doctor --fix in a node,
// lab restart. Needs root, keepalived, nginx, openssh-server; takes the shared lab lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { LAB_ADDRESSES, LAB_VIP, LAB_VRRP, labNodeRoot, type LabNodeName } from '../../src/lab/constants.js';
import { AUDIT_LOG_PATH } from '../../src/audit/log.js';
import { until } from '../fixtures/doctor-wire/lab-faults.js';

const A = `root@${LAB_ADDRESSES.ha1}`;
const B = `root@${LAB_ADDRESSES.ha2}`;
const PASSWORD = 'Au7dit9x';
const nodeLog = (node: LabNodeName) => `${labNodeRoot(node)}${AUDIT_LOG_PATH}`;
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** The lines a run appended to a log (the text after what was there before). */
const since = (path: string, before: string) => read(path).slice(before.length);

let release: (() => Promise<void>) | undefined;
let machineLog = '';

before(async () => {
  release = await takeLabLock('audit-nodes');
  machineLog = read(AUDIT_LOG_PATH);
  const up = await runCli(['lab', 'up', '--recreate', '--ssh'], { timeoutMs: 240_000 });
  assert.equal(up.code, 0, up.stdout + up.stderr);
});

after(async () => {
  await runCli(['lab', 'down'], { timeoutMs: 120_000 });
  await release?.();
});

test('lab up: each node\'s setup and daemon starts are in that node\'s own log, the password is not', () => {
  for (const node of ['ha1', 'ha2'] as const) {
    const log = read(nodeLog(node));
    assert.match(log, new RegExp(`^\\S+Z ${node} lab-up run ha-setup lab up --recreate --ssh$`, 'm'));
    assert.match(log, new RegExp(`Z ${node} lab-up write /etc/keepalived/keepalived\\.conf mode=0600 `));
    assert.match(log, new RegExp(`Z ${node} lab-up exec ip netns exec ${node} env TMPDIR=\\S+ \\S*/keepalived .* exit=0 why="start keepalived"`));
    assert.ok(!log.includes(LAB_VRRP.authPass), log);
  }
});

test('pair setup over ssh from the client: both nodes\' logs, with the ssh target, never the password', async () => {
  const before = { ha1: read(nodeLog('ha1')), ha2: read(nodeLog('ha2')) };
  const r = await runCli(['lab', 'exec', 'client', '--', 'node', cliPath, '--host', A, '--host', B, '--vip', `${LAB_VIP}/24`, '--auth-pass', PASSWORD, '--yes'], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const [node, target] of [['ha1', A], ['ha2', B]] as const) {
    const added = since(nodeLog(node), before[node]);
    assert.match(added, new RegExp(`^\\S+Z ${target} setup run ha-setup --host ${A} --host ${B} --vip \\S+ --auth-pass \\*{8} --yes$`, 'm'), added);
    assert.match(added, new RegExp(`Z ${target} setup write /etc/keepalived/keepalived\\.conf mode=0600 `), added);
    assert.match(added, new RegExp(`Z ${target} setup exec \\S+/etc/init\\.d/keepalived ((re)?start|reload) exit=0`), added);
    assert.ok(!added.includes(PASSWORD), added);
  }
});

test('doctor --fix in a lab node: its repairs are in the node\'s log', async () => {
  const script = `${labNodeRoot('ha1')}/etc/keepalived/check_nginx.sh`;
  const before = read(nodeLog('ha1'));
  chmodSync(script, 0o777);
  try {
    const r = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'doctor', '--fix', '--yes', '--check', 'check-script'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  } finally {
    chmodSync(script, 0o755);
  }
  const added = since(nodeLog('ha1'), before);
  assert.match(added, /^\S+Z ha1 doctor run ha-setup doctor --fix --yes --check check-script$/m, added);
  assert.match(added, new RegExp(`Z ha1 doctor exec chmod 0755 ${script} exit=0 `), added);
});

test('lab restart: the restarted daemons are in the node\'s log', async () => {
  const before = read(nodeLog('ha2'));
  const r = await runCli(['lab', 'restart', 'ha2', 'nginx'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const added = since(nodeLog('ha2'), before);
  assert.match(added, /Z ha2 lab-restart exec kill -TERM \d+ exit=0 why="stop nginx"/, added);
  assert.match(added, /Z ha2 lab-restart exec ip netns exec ha2 nginx .* exit=0 why="start nginx"/, added);
  await until('nginx back on ha2', async () => (await runCli(['lab', 'status'])).code === 0, 20_000);
});

test('nothing of it went to this machine\'s own audit log', () => {
  assert.equal(read(AUDIT_LOG_PATH), machineLog);
});
