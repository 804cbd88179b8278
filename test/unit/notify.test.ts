import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../src/errors.js';
import { validateNotify, validateSmtpServer, maskedNotify, notifyFlags, notifyFromUrl, withConfiguredChannels } from '../../src/notify/channels.js';
import { addNotifyHook, renderNotifyScript, renderNotifySecrets, type NotifyPaths } from '../../src/notify/script.js';
import { mailToProbe } from '../../src/notify/probe.js';
import { parseTestLines } from '../../src/notify/test.js';
import { shellWord } from '../../src/notify/message.js';
import { buildKeepalivedConfig } from '../../src/setup/keepalived-config.js';
import { validateAnswers, type Answers } from '../../src/setup/answers.js';
import { renderConfig } from '../../src/keepalived/render.js';
import { emptyVrrpInstance } from '../../src/keepalived/model.js';
import { buildPlan } from '../../src/setup/plan.js';
import { nodeJson } from '../../src/setup/flags.js';
import { LocalHost } from '../../src/host/local.js';
import { DEFAULTS, MODES } from '../../src/defaults.js';
import { factsFor } from '../helpers/facts.js';
import { tempDir } from '../helpers/paths.js';

const TOKEN = 'tok-abc-123';
const full = {
  webhook: 'https://hooks.example.com/ha?token=' + TOKEN,
  dingtalk: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
  dingtalkSecret: 'SECdingsecret',
  wecom: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${TOKEN}`,
  feishu: `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
  feishuSecret: 'feishusecret',
  smtp: { host: 'smtp.example.com:587', starttls: true, user: 'ha', password: 'pa"ss\\word' },
};

function refused(fn: () => unknown, field: string, pattern?: RegExp): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.field, field);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`accepted, expected a refusal naming ${field}`);
}

test('a channel URL must be https unless --allow-http; the error names the flag, the URL without its token, and --allow-http', () => {
  const e = refused(() => validateNotify({ wecom: `http://qyapi.example/send?key=${TOKEN}` }, null), '--notify-wecom', /--allow-http/);
  assert.doesNotMatch(e.message, new RegExp(TOKEN));
  assert.match(e.message, /"http:\/\/qyapi\.example\/…"/);
  assert.equal(validateNotify({ wecom: 'http://10.0.0.9/hook', allowHttp: true }, null)?.wecom, 'http://10.0.0.9/hook');
  refused(() => validateNotify({ webhook: 'ftp://x.example/' }, null), '--notify-webhook');
  refused(() => validateNotify({ webhook: 'https://x.example/a b' }, null), '--notify-webhook');
  refused(() => validateNotify({ feishu: 'https://x.example/"' }, null), '--notify-feishu');
});

test('a robot secret needs its robot; mail needs --email; a password needs a user; unknown keys are named', () => {
  refused(() => validateNotify({ dingtalkSecret: 'SEC1' }, null), '--notify-dingtalk-secret');
  refused(() => validateNotify({ smtp: { host: 'smtp.example.com' } }, null), '--email');
  refused(() => validateNotify({ smtp: { host: 'smtp.example.com', password: 'x' } }, 'ops@example.com'), '--smtp-user');
  refused(() => validateNotify({ slack: 'https://x' }, null), 'notify', /slack/);
  assert.equal(validateNotify({}, null), null);
});

test('--smtp-server takes HOST, HOST:PORT and [IPv6]:PORT; port 25 by default', () => {
  assert.deepEqual(validateSmtpServer('smtp.example.com'), { host: 'smtp.example.com', port: DEFAULTS.notify.smtpPort });
  assert.deepEqual(validateSmtpServer('192.0.2.25:587'), { host: '192.0.2.25', port: 587 });
  assert.deepEqual(validateSmtpServer('[2001:db8::25]:2525'), { host: '2001:db8::25', port: 2525 });
  for (const bad of ['', 'smtp.example.com:0', 'smtp.example.com:99999', 'a b', 'smtp://x']) refused(() => validateSmtpServer(bad), '--smtp-server');
});

test('the validated notify answers survive the answers file (validating them again gives the same object)', () => {
  const once = validateNotify(full, 'ops@example.com')!;
  assert.deepEqual(once.smtp, { host: 'smtp.example.com', port: 587, starttls: true, user: 'ha', password: 'pa"ss\\word' });
  const again = validateNotify(JSON.parse(JSON.stringify(once)), 'ops@example.com');
  assert.deepEqual(again, once);
});

test('--json shows which channels there are, never a token or secret', () => {
  const shown = JSON.stringify(maskedNotify(validateNotify(full, 'ops@example.com')));
  assert.doesNotMatch(shown, new RegExp(`${TOKEN}|SECding|feishusecret|pa"ss`));
  assert.match(shown, /oapi\.dingtalk\.com/);
});

const facts = factsFor('debian13');
const answersWith = (notify: unknown, extra: Record<string, unknown> = {}): Answers =>
  validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1', email: 'ops@example.com', notify, ...extra }, facts.interfaces);
const paths: NotifyPaths = { script: '/etc/keepalived/ha-notify.sh', secrets: '/etc/keepalived/ha-notify.secrets', fifo: '/run/ha-setup-notify.fifo', stateDir: '/run/ha-setup-notify' };
const ctx = (version: string | null) => ({ checkScriptPath: '/etc/keepalived/check_nginx.sh', scriptUser: 'root', unicastSrcIp: null, keepalivedVersion: version });

/** The model with a second instance, as active-active will have it. */
function twoInstances(answers: Answers, version: string | null) {
  const model = buildKeepalivedConfig(answers, ctx(version));
  const vi2 = emptyVrrpInstance('VI_2');
  vi2.virtualIpaddress = [{ address: '192.0.2.60/24', dev: 'eth0', label: null, scope: null, brd: null, options: [] }];
  model.vrrpInstances.push(vi2);
  return model;
}

test('where the release has the fifo (2.2.7), one global reader covers every instance; on 1.3.5 each instance, VI_2 too, gets notify', () => {
  const answers = answersWith(full);
  const fifo = twoInstances(answers, '2.2.7');
  addNotifyHook(fifo, paths, '2.2.7');
  const withFifo = renderConfig(fifo);
  assert.match(withFifo, /vrrp_notify_fifo \/run\/ha-setup-notify\.fifo\n\s+vrrp_notify_fifo_script \/etc\/keepalived\/ha-notify\.sh root/);
  assert.doesNotMatch(withFifo, /^\s+notify /m);
  const old = twoInstances(answers, '1.3.5');
  addNotifyHook(old, paths, '1.3.5');
  const perInstance = renderConfig(old);
  assert.doesNotMatch(perInstance, /vrrp_notify_fifo/);
  assert.equal(perInstance.match(/^\s+notify \/etc\/keepalived\/ha-notify\.sh root$/gm)?.length, 2);
  for (const conf of [withFifo, perInstance]) {
    assert.doesNotMatch(conf, new RegExp(`${TOKEN}|SECding|feishusecret|pa"ss`), 'a secret in keepalived.conf');
    // Mail goes through the notify script and the named server, not keepalived's smtp_alert to 127.0.0.1.
    assert.doesNotMatch(conf, /smtp_server|smtp_alert/);
  }
});

test('--email alone keeps keepalived\'s own mail (smtp_alert through 127.0.0.1)', () => {
  const conf = renderConfig(buildKeepalivedConfig(answersWith(undefined), ctx('2.2.7')));
  assert.match(conf, /smtp_server 127\.0\.0\.1/);
  assert.match(conf, /smtp_alert/);
});

test('the plan writes the secrets file 0600 and the script 0755 before keepalived.conf; the answers file keeps the channels', async () => {
  const root = tempDir();
  const plan = await buildPlan(new LocalHost(root), facts, answersWith(full), { filesOnly: true, installMethod: 'package', installSource: null });
  const writes = plan.steps.filter((s) => s.kind === 'write') as Array<{ path: string; mode: number; content: string }>;
  const at = (p: string) => writes.findIndex((w) => w.path === p);
  assert.equal(writes[at(DEFAULTS.paths.notifySecrets)]!.mode, MODES.notifySecrets);
  assert.equal(writes[at(DEFAULTS.paths.notifySecrets)]!.mode, 0o600);
  assert.equal(writes[at(DEFAULTS.paths.notifyScript)]!.mode, 0o755);
  assert.ok(at(DEFAULTS.paths.notifySecrets) < at(DEFAULTS.paths.notifyScript) && at(DEFAULTS.paths.notifyScript) < at(DEFAULTS.paths.config));
  assert.equal(JSON.parse(plan.files.answers).notify.dingtalkSecret, 'SECdingsecret');
  // The node's release (2.2.8 in these facts) has the fifo: keepalived.conf names the script once.
  assert.match(plan.files.config, /vrrp_notify_fifo_script \/etc\/keepalived\/ha-notify\.sh root/);
  assert.doesNotMatch(writes[at(DEFAULTS.paths.notifyScript)]!.content, new RegExp(`${TOKEN}|SECding`), 'a secret in the script');
  const shown = JSON.stringify(nodeJson(answersWith(full), plan, null, false));
  assert.doesNotMatch(shown, new RegExp(`${TOKEN}|SECding|feishusecret`));
  const none = await buildPlan(new LocalHost(tempDir()), facts, answersWith(undefined), { filesOnly: true, installMethod: 'package', installSource: null });
  assert.ok(!none.steps.some((s) => s.kind === 'write' && s.path === DEFAULTS.paths.notifyScript));
});

test('the peer command gives the peer the same channels, the SMTP password from its own file', () => {
  const flags = notifyFlags(validateNotify(full, 'ops@example.com'));
  assert.deepEqual(flags.slice(-7), ['--smtp-server', 'smtp.example.com:587', '--smtp-starttls', '--smtp-user', 'ha', '--smtp-password-file', 'FILE']);
  // Every robot with its signing secret: the peer signs its messages too.
  const after = (flag: string) => flags[flags.indexOf(flag) + 1];
  assert.equal(after('--notify-dingtalk-secret'), 'SECdingsecret');
  assert.ok(after('--notify-feishu-secret')?.includes('feishusecret'), String(after('--notify-feishu-secret')));
  assert.ok(after('--notify-webhook')?.startsWith('https://') && after('--notify-wecom')?.startsWith('https://') && after('--notify-feishu')?.startsWith('https://'));
  assert.ok(!flags.includes('pa"ss\\word'));
});

test('the SMTP server is probed only when how the node mails changes; --email alone probes the local MTA', () => {
  const smtp = { host: 'smtp.example.com', port: 587, starttls: true, user: null, password: null };
  assert.equal(mailToProbe({ email: null, notify: null }, {}), null);
  assert.equal(mailToProbe({ email: 'a@example.com', notify: { smtp } }, { email: 'a@example.com', notify: { smtp } }), null);
  assert.deepEqual(mailToProbe({ email: 'a@example.com', notify: { smtp } }, {}), { smtp, local: false });
  assert.equal(mailToProbe({ email: 'a@example.com', notify: null }, {})?.local, true);
  assert.equal(mailToProbe({ email: 'a@example.com', notify: null }, { email: 'a@example.com', notify: null }), null);
});

test('notify test reads one line per channel, ignoring anything else', () => {
  assert.deepEqual(parseTestLines('webhook ok\ndingtalk fail {"errcode":310000}\nnoise\nemail ok\n', 5), [
    { channel: 'webhook', ok: true, detail: '', ms: 5 },
    { channel: 'dingtalk', ok: false, detail: '{"errcode":310000}', ms: 5 },
    { channel: 'email', ok: true, detail: '', ms: 5 },
  ]);
});

test('a catalogue text becomes an inert shell word: only {name} placeholders expand', () => {
  assert.equal(shellWord('a $HOME `id` "q" \\ {node}'), '"a \\$HOME \\`id\\` \\"q\\" \\\\ ${NODE}"');
});

// ---------------------------------------------------------------------------------------
// The script itself, run with sh against a recording curl (no network): what each channel
// is sent, the old state, the rate limit, the order of fifo events, never blocking.

const FAKE_CURL = `#!/bin/sh
# Records each call: its argv, the config it got on -K (URL and login), its stdin.
start=$(date +%s%N)
prev=''
conf=''
for a in "$@"; do
    [ "$prev" = -K ] && conf=$(cat "$a")
    prev=$a
done
body=$(cat)
case "$body" in *"$FAKE_CURL_SLOW_ON"*) [ -n "$FAKE_CURL_SLOW_ON" ] && sleep 0.6 ;; esac
n="$start.$$"
printf '%s' "$conf" > "$FAKE_CURL_LOG/$n.conf"
printf '%s' "$body" > "$FAKE_CURL_LOG/$n.body"
printf '%s\\n' "$@" > "$FAKE_CURL_LOG/$n.argv"
[ -n "$FAKE_CURL_FAIL" ] && { echo 'curl: (7) Failed to connect' >&2; exit 7; }
printf '{"errcode":0,"code":0}'
`;

interface Sent {
  start: number;
  conf: string;
  body: string;
  argv: string[];
}

function scriptBench(notify: Record<string, unknown>, email: string | null = null) {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'bin/curl'), FAKE_CURL);
  chmodSync(join(dir, 'bin/curl'), 0o755);
  const p: NotifyPaths = { script: join(dir, 'ha-notify.sh'), secrets: join(dir, 'secrets'), fifo: join(dir, 'fifo'), stateDir: join(dir, 'state') };
  const answers = answersWith(notify, { email });
  const model = twoInstances(answers, '2.2.7');
  writeFileSync(p.script, renderNotifyScript(model, 'ha1', p, '2.2.7'));
  writeFileSync(p.secrets, renderNotifySecrets(answers.notify!, answers.email, 'ha1'), { mode: 0o600 });
  const env = (extra: Record<string, string> = {}) => ({ PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_CURL_LOG: join(dir, 'log'), ...extra });
  const run = (args: string[], extra: Record<string, string> = {}) => execa('sh', [p.script, ...args], { env: env(extra), reject: false, timeout: 20_000 });
  const sent = (): Sent[] => {
    const files = readdirSync(join(dir, 'log'));
    return files
      .filter((f) => f.endsWith('.body'))
      .map((f) => f.slice(0, -'.body'.length))
      .map((n) => ({ start: Number(n.split('.')[0]) / 1e6, conf: readFileSync(join(dir, 'log', `${n}.conf`), 'utf8'), body: readFileSync(join(dir, 'log', `${n}.body`), 'utf8'), argv: readFileSync(join(dir, 'log', `${n}.argv`), 'utf8').split('\n') }))
      .sort((a, b) => a.start - b.start);
  };
  const waitFor = async (count: number, ms = 5000) => {
    const end = Date.now() + ms;
    while (sent().length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    return sent();
  };
  return { dir, paths: p, run, sent, waitFor, env };
}

test('the script is valid POSIX sh (dash), with a VIP line for every instance', async () => {
  const bench = scriptBench({ webhook: 'https://hooks.example.com/x' });
  const r = await execa('dash', ['-n', bench.paths.script], { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
  const text = readFileSync(bench.paths.script, 'utf8');
  assert.match(text, /'VI_1'\) printf '%s' '192\.0\.2\.50\/24'/);
  assert.match(text, /'VI_2'\) printf '%s' '192\.0\.2\.60\/24'/);
});

test('an event returns at once; the webhook gets JSON with node, instance, old and new state, VIPs and both languages', async () => {
  const bench = scriptBench({ webhook: `https://hooks.example.com/x?token=${TOKEN}` });
  const started = Date.now();
  const r = await bench.run(['INSTANCE', 'VI_2', 'MASTER', '150'], { FAKE_CURL_SLOW_ON: 'MASTER' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.ok(Date.now() - started < 500, `the script held keepalived for ${Date.now() - started} ms`);
  const [first] = await bench.waitFor(1);
  const body = JSON.parse(first!.body);
  assert.equal(body.node, 'ha1');
  assert.equal(body.instance, 'VI_2');
  assert.equal(body.old_state, 'UNKNOWN');
  assert.equal(body.new_state, 'MASTER');
  assert.equal(body.vips, '192.0.2.60/24');
  assert.match(body.text, /VRRP 实例 VI_2 由 UNKNOWN 变为 MASTER/);
  assert.match(body.text, /VRRP instance VI_2 went from UNKNOWN to MASTER \(priority 150\)/);
  // The URL and its token reach curl through its config, not its argv (ps shows argv).
  assert.match(first!.conf, new RegExp(`url = "https://hooks.example.com/x\\?token=${TOKEN}"`));
  assert.ok(!first!.argv.some((a) => a.includes(TOKEN)));
  await bench.run(['INSTANCE', 'VI_2', 'BACKUP', '100']);
  const [, second] = await bench.waitFor(2);
  assert.equal(JSON.parse(second!.body).old_state, 'MASTER');
  // The same state again (keepalived repeats it after a reload) is no change.
  await bench.run(['INSTANCE', 'VI_2', 'BACKUP', '100']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(bench.sent().length, 2);
});

test(`at most ${DEFAULTS.notify.perMinute} messages per instance and minute`, async () => {
  const bench = scriptBench({ wecom: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${TOKEN}` });
  for (let i = 0; i < DEFAULTS.notify.perMinute + 3; i++) await bench.run(['INSTANCE', 'VI_1', i % 2 ? 'BACKUP' : 'MASTER', '150']);
  await bench.waitFor(DEFAULTS.notify.perMinute + 3, 1500);
  assert.equal(bench.sent().length, DEFAULTS.notify.perMinute);
  // Another instance has its own count.
  await bench.run(['INSTANCE', 'VI_2', 'MASTER', '150']);
  assert.equal((await bench.waitFor(DEFAULTS.notify.perMinute + 1)).length, DEFAULTS.notify.perMinute + 1);
});

test('fifo events are delivered in the order keepalived wrote them, even when the first is slow', async () => {
  const bench = scriptBench({ webhook: 'https://hooks.example.com/x' });
  await execa('mkfifo', [bench.paths.fifo]);
  const reader = execa('sh', [bench.paths.script, bench.paths.fifo], { env: bench.env({ FAKE_CURL_SLOW_ON: '"new_state":"BACKUP"' }), reject: false });
  try {
    writeFileSync(bench.paths.fifo, 'INSTANCE "VI_1" BACKUP 100\nGROUP "G" BACKUP\nINSTANCE "VI_1" MASTER 150\n');
    const [a, b] = await bench.waitFor(2);
    assert.deepEqual([JSON.parse(a!.body).new_state, JSON.parse(b!.body).new_state], ['BACKUP', 'MASTER']);
    assert.ok(b!.start - a!.start >= 500, `MASTER went out ${b!.start - a!.start} ms after BACKUP, before BACKUP was delivered`);
  } finally {
    reader.kill('SIGTERM');
    await reader;
  }
});

test('robots get their own JSON, DingTalk and Feishu signed; mail goes through the server with STARTTLS and the login on curl\'s config', async () => {
  const bench = scriptBench({ ...full, smtp: { host: '192.0.2.25:587', starttls: true, user: 'ha', password: 'pa"ss\\word' } }, 'ops@example.com');
  const r = await bench.run(['--test']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['webhook ok', 'dingtalk ok', 'wecom ok', 'feishu ok', 'email ok']);
  const calls = bench.sent();
  const to = (host: string) => calls.find((c) => c.conf.includes(host))!;
  const ding = to('oapi.dingtalk.com');
  assert.match(ding.conf, /&timestamp=\d{13}&sign=[A-Za-z0-9%]+"/);
  assert.equal(JSON.parse(ding.body).msgtype, 'text');
  assert.match(JSON.parse(ding.body).text.content, /测试消息[\s\S]*test message/);
  assert.equal(JSON.parse(to('qyapi.weixin.qq.com').body).msgtype, 'text');
  const feishu = JSON.parse(to('open.feishu.cn').body);
  assert.equal(feishu.msg_type, 'text');
  assert.match(feishu.timestamp, /^\d{10}$/);
  assert.ok(feishu.sign.length > 20);
  const mail = to('smtp://192.0.2.25:587');
  assert.ok(mail.argv.includes('--ssl-reqd'));
  assert.deepEqual(mail.argv.slice(mail.argv.indexOf('--mail-rcpt'), mail.argv.indexOf('--mail-rcpt') + 2), ['--mail-rcpt', 'ops@example.com']);
  assert.match(mail.conf, /user = "ha:pa\\"ss\\\\word"/);
  assert.match(mail.body, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\r$/m);
  assert.ok(!mail.argv.some((a) => a.includes('pa"ss')));
});

test('notify test: a failing channel is named with curl\'s complaint and the script exits non-zero', async () => {
  const bench = scriptBench({ webhook: 'https://hooks.example.com/x' });
  const r = await bench.run(['--test'], { FAKE_CURL_FAIL: '1' });
  assert.equal(r.exitCode, 1);
  assert.match(r.stdout, /^webhook fail curl: \(7\) Failed to connect/m);
});

test('the wizard\'s one URL goes to the robot its host names; any other host is a JSON webhook', () => {
  assert.deepEqual(notifyFromUrl('https://oapi.dingtalk.com/robot/send?access_token=x'), { dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=x' });
  assert.deepEqual(notifyFromUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x'), { wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' });
  assert.deepEqual(notifyFromUrl('https://open.larksuite.com/open-apis/bot/v2/hook/x'), { feishu: 'https://open.larksuite.com/open-apis/bot/v2/hook/x' });
  assert.deepEqual(notifyFromUrl(' https://alerts.example.com/in '), { webhook: 'https://alerts.example.com/in' });
  assert.equal(notifyFromUrl(''), undefined);
});

test('a channel given on a configured node joins its channels; an empty value removes one', () => {
  const configured = validateNotify({ dingtalk: full.dingtalk, dingtalkSecret: 'SEC1', smtp: { host: 'smtp.example.com' } }, 'ops@example.com')!;
  const added = validateNotify(withConfiguredChannels({ notify: { wecom: full.wecom } }, configured).notify, 'ops@example.com')!;
  assert.equal(added.dingtalk, full.dingtalk);
  assert.equal(added.dingtalkSecret, 'SEC1');
  assert.equal(added.wecom, full.wecom);
  const removed = validateNotify(withConfiguredChannels({ notify: { dingtalk: '', dingtalkSecret: '', smtp: null } }, configured).notify, null);
  assert.equal(removed, null);
  const other: { vip: string; notify?: unknown } = { vip: "x" };
  assert.deepEqual(withConfiguredChannels(other, configured), { vip: "x" });
});

test('active-active (双主): both instances setup builds report to the script, each message naming its instance and VIPs', async () => {
  const answers = answersWith(full, { mode: 'active-active', secondVips: ['192.0.2.51/24'] });
  for (const version of ['2.2.7', '1.3.5']) {
    const model = buildKeepalivedConfig(answers, ctx(version));
    assert.deepEqual(model.vrrpInstances.map((i) => i.name), ['VI_1', 'VI_2']);
    addNotifyHook(model, paths, version);
    const conf = renderConfig(model);
    const hooks = (conf.match(/vrrp_notify_fifo_script/g) ?? []).length + (conf.match(/^\s+notify \//gm) ?? []).length;
    assert.equal(hooks, version === '2.2.7' ? 1 : 2, conf);
    const script = renderNotifyScript(model, 'ha1', paths, version);
    assert.match(script, /'VI_1'\) printf '%s' '192\.0\.2\.50\/24'/);
    assert.match(script, /'VI_2'\) printf '%s' '192\.0\.2\.51\/24'/);
  }
});
