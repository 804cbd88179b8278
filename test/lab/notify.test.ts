import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, rmSync, statSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { takeLabLock } from '../helpers/lab-lock.js';
import { tempDir } from '../helpers/paths.js';
import { CHANNELS, RECEIVER_ADDRESS, RECEIVER_HTTP, RECEIVER_SECRETS, channelFlags, startReceivers, type Received, type Receivers } from '../helpers/notify-receivers.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { LAB_VIP, LAB_VIP_CIDR, LAB_VRRP, labNodeRoot } from '../../src/lab/constants.js';
import { DEFAULTS } from '../../src/defaults.js';
import { EXIT } from '../../src/exit-codes.js';
import { nodeTreeHash } from '../helpers/tree-hash.js';

// Notifications for real: both lab nodes set up with every channel, the receivers in the
// client namespace (an HTTP server playing webhook, DingTalk, WeCom and Feishu, checking the
// robots' signatures, and aiosmtpd checking the SMTP login), then the master put in FAULT and
// back: each channel must bring each transition within 2 s of the VIP moving.
const CLIENT = RECEIVER_ADDRESS;
const HTTP = RECEIVER_HTTP;

let release: () => Promise<void>;
let receivers: Receivers | null = null;
let received: Received[] = [];
let dir: string;
let passwordFile: string;

before(async () => {
  release = await takeLabLock('notify');
  const up = await runCli(['lab', 'up', '--recreate']);
  assert.equal(up.code, 0, up.stderr);
  dir = tempDir();
  passwordFile = join(dir, 'smtp.pass');
  writeFileSync(passwordFile, `${RECEIVER_SECRETS.password}\n`, { mode: 0o600 });
  receivers = await startReceivers();
  received = receivers.received;
});

after(async () => {
  await receivers?.stop();
  await runCli(['lab', 'down']);
  if (dir) rmSync(dir, { recursive: true, force: true });
  await release();
});

function onNode(node: 'ha1' | 'ha2', args: string[]) {
  return runCli(args, { netns: node, env: labExecEnv(node) });
}


const setup = (role: string, node: string, extra: string[] = channelFlags(passwordFile)) => ['setup', '--role', role, '--interface', 'eth0', '--vip', LAB_VIP_CIDR, '--vrid', String(LAB_VRRP.vrid), '--auth-pass', LAB_VRRP.authPass, '--router-id', node, ...extra, '--yes', '--json'];

async function holdsVip(node: 'ha1' | 'ha2'): Promise<boolean> {
  const r = await execa('ip', ['netns', 'exec', node, 'ip', '-o', 'addr', 'show', 'dev', 'eth0']);
  return r.stdout.includes(` ${LAB_VIP}/`);
}

/** When `node` starts (true) or stops (false) holding the VIP, polled every 20 ms. */
async function vipChange(node: 'ha1' | 'ha2', holds: boolean, timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await holdsVip(node)) === holds) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${node} did not ${holds ? 'take' : 'drop'} the VIP`);
}

const TRANSITION = /Node (\S+): VRRP instance (\S+) went from (\S+) to (\S+) \(priority/;

/** The first message on `channel` saying `node` went to `state`, received after `since`. */
async function arrival(channel: string, node: string, state: string, since: number, timeoutMs = 10_000): Promise<Received> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = received.find((r) => r.at >= since && r.channel === channel && (() => {
      const t = TRANSITION.exec(r.text);
      return t !== null && t[1] === node && t[4] === state;
    })());
    if (m) return m;
    if (Date.now() > end) throw new Error(`no ${channel} message for ${node} -> ${state}; got: ${JSON.stringify(received.filter((r) => r.at >= since))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('on a node without channels, before any change: --email alone is refused where nothing answers on 127.0.0.1:25, a plain http URL without --allow-http', async () => {
  const before = nodeTreeHash(labNodeRoot('ha1'));
  const http = await onNode('ha1', setup('master', 'ha1', ['--notify-webhook', `${HTTP}/webhook`]));
  assert.equal(http.code, EXIT.usage, http.stderr);
  assert.match(http.stderr, /--notify-webhook.*http:\/\/192\.0\.2\.100:8080\/….*--allow-http/s);
  const alone = await onNode('ha1', setup('master', 'ha1', ['--email', 'ops@example.com']));
  assert.equal(alone.code, EXIT.usage, alone.stderr);
  assert.match(alone.stderr, /--email.*127\.0\.0\.1:25.*--smtp-server/s);
  assert.deepEqual(nodeTreeHash(labNodeRoot('ha1')), before);
});

test('setup writes the notify script and a 0600 secrets file on both nodes; keepalived.conf names the script, no secret', async () => {
  const backup = await onNode('ha2', setup('backup', 'ha2'));
  assert.equal(backup.code, 0, backup.stderr);
  const master = await onNode('ha1', setup('master', 'ha1'));
  assert.equal(master.code, 0, master.stderr);
  const out = JSON.parse(master.stdout);
  assert.equal(out.status, 'applied');
  assert.equal(out.answers.notify.smtp.password, '********');
  // The answers shown hide the secrets (the peer command carries them, as it carries the VRRP password).
  assert.doesNotMatch(JSON.stringify(out.answers), /lab-token-123|lab-key-456|SECding|feishu-lab-secret|p@ss/);
  for (const node of ['ha1', 'ha2'] as const) {
    const root = labNodeRoot(node);
    const conf = readFileSync(join(root, DEFAULTS.paths.config), 'utf8');
    // keepalived 2.2.7 has the fifo: one reader for every instance, in order.
    assert.match(conf, /vrrp_notify_fifo_script \S+ha-notify\.sh root/);
    assert.doesNotMatch(conf, /lab-token|lab-key|SECding|feishu-lab|p@ss|smtp_alert|smtp_server/);
    const secrets = join(root, DEFAULTS.paths.notifySecrets);
    assert.equal(statSync(secrets).mode & 0o777, 0o600);
    assert.match(readFileSync(secrets, 'utf8'), /^dingtalk_secret=SECding-lab-0123456789$/m);
  }
  // The same command again changes nothing (and asks the SMTP server nothing new).
  const again = await onNode('ha1', setup('master', 'ha1'));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).status, 'unchanged');
  // doctor finds nothing to say about a node with notifications.
  for (const node of ['ha1', 'ha2'] as const) {
    const d = await onNode(node, ['doctor', '--json']);
    assert.equal(d.code, 0, `${node}: ${d.stdout}`);
  }
});

test('notify test sends one message through each channel, signed and logged in, and reports each', async () => {
  const since = Date.now();
  const r = await onNode('ha1', ['notify', 'test', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.channels.map((c: { channel: string; ok: boolean }) => [c.channel, c.ok]), CHANNELS.map((c) => [c, true]));
  for (const c of CHANNELS) {
    const m = received.find((x) => x.at >= since && x.channel === c);
    assert.ok(m, `nothing on ${c}`);
    assert.equal(m.good, true, `${c}: bad signature or login`);
    // Both languages.
    assert.match(m.text, /测试消息/);
    assert.match(m.text, /test message/);
  }
  const text = await onNode('ha1', ['notify', 'test']);
  assert.equal(text.code, 0, text.stdout);
  assert.match(text.stdout, /dingtalk: delivered/);
  assert.match(text.stdout, /5 of 5 channels delivered/);
});

test('master, backup and fault transitions arrive on every channel within 2 s of the VIP moving', async () => {
  const flag = join(labNodeRoot('ha1'), DEFAULTS.paths.maintenanceFlag);
  const figures: string[] = [];
  const check = async (node: string, state: string, moved: number, since: number) => {
    for (const c of CHANNELS) {
      const m = await arrival(c, node, state, since);
      assert.equal(m.good, true, `${c}: bad signature or login`);
      const ms = m.at - moved;
      figures.push(`${node} ${state} ${c} ${ms} ms`);
      assert.ok(ms <= 2000, `${c}: ${node} -> ${state} arrived ${ms} ms after the VIP moved`);
    }
  };
  // FAULT on the master (its check fails), MASTER on the backup.
  let since = Date.now();
  writeFileSync(flag, '');
  const [taken, dropped] = await Promise.all([vipChange('ha2', true), vipChange('ha1', false)]);
  await check('ha2', 'MASTER', taken, since);
  await check('ha1', 'FAULT', dropped, since);
  // Back: ha1 leaves FAULT and takes the VIP again, ha2 goes BACKUP.
  since = Date.now();
  unlinkSync(flag);
  const [back, left] = await Promise.all([vipChange('ha1', true), vipChange('ha2', false)]);
  await check('ha2', 'BACKUP', left, since);
  await check('ha1', 'MASTER', back, since);
  console.log(`notify latency after the VIP moved:\n  ${figures.join('\n  ')}`);
  assert.ok(!existsSync(flag));
});

test('a wrong robot secret: notify test names the failing channel, the others still deliver, exit 2', async () => {
  const again = await onNode('ha1', setup('master', 'ha1', channelFlags(passwordFile, 'SECwrong-secret')));
  assert.equal(again.code, 0, again.stderr);
  const r = await onNode('ha1', ['notify', 'test', '--json']);
  assert.equal(r.code, EXIT.failure, r.stdout);
  const out = JSON.parse(r.stdout);
  const byChannel = Object.fromEntries(out.channels.map((c: { channel: string; ok: boolean; detail: string }) => [c.channel, c]));
  assert.equal(byChannel.dingtalk.ok, false);
  assert.match(byChannel.dingtalk.detail, /310000|sign/);
  for (const c of CHANNELS.filter((c) => c !== 'dingtalk')) assert.equal(byChannel[c].ok, true, c);
});

test('refused before any change: an SMTP server nobody answers on, a wrong SMTP login', async () => {
  const before = nodeTreeHash(labNodeRoot('ha1'));
  const silent = await onNode('ha1', setup('master', 'ha1', ['--email', 'ops@example.com', '--smtp-server', `${CLIENT}:2526`]));
  assert.equal(silent.code, EXIT.usage, silent.stderr);
  assert.match(silent.stderr, /--smtp-server.*192\.0\.2\.100:2526.*cannot talk SMTP/s);
  const badLogin = await onNode('ha1', setup('master', 'ha1', ['--email', 'ops@example.com', '--smtp-server', `${CLIENT}:2525`, '--smtp-user', 'nobody']));
  assert.equal(badLogin.code, EXIT.usage, badLogin.stderr);
  assert.deepEqual(nodeTreeHash(labNodeRoot('ha1')), before);
});

test('a channel given on the configured node joins the others; an empty value removes one', async () => {
  const conf = () => readFileSync(join(labNodeRoot('ha1'), DEFAULTS.paths.notifySecrets), 'utf8');
  const dropped = await onNode('ha1', setup('master', 'ha1', ['--notify-wecom', '']));
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.doesNotMatch(conf(), /^wecom=/m);
  assert.match(conf(), /^dingtalk=.*\n(.|\n)*^smtp_url=smtp:\/\/192\.0\.2\.100:2525$/m);
  const since = Date.now();
  const r = await onNode('ha1', ['notify', 'test', '--json']);
  assert.deepEqual(JSON.parse(r.stdout).channels.map((c: { channel: string }) => c.channel), CHANNELS.filter((c) => c !== 'wecom'));
  assert.ok(!received.some((m) => m.at >= since && m.channel === 'wecom'));
});

test('every channel removed (and the mail with --email \'\'): keepalived.conf no longer names the script and the secrets file keeps no token', async () => {
  const r = await onNode('ha1', setup('master', 'ha1', ['--notify-webhook', '', '--notify-dingtalk', '', '--notify-dingtalk-secret', '', '--notify-feishu', '', '--notify-feishu-secret', '', '--smtp-server', '', '--email', '']));
  assert.equal(r.code, 0, r.stderr);
  const root = labNodeRoot('ha1');
  assert.doesNotMatch(readFileSync(join(root, DEFAULTS.paths.config), 'utf8'), /ha-notify/);
  const secrets = readFileSync(join(root, DEFAULTS.paths.notifySecrets), 'utf8');
  assert.doesNotMatch(secrets, /=/, secrets);
  const t = await onNode('ha1', ['notify', 'test', '--json']);
  assert.equal(t.code, EXIT.failure);
  assert.equal(JSON.parse(t.stdout).status, 'none');
});
