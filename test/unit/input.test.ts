// Input: what the user typed is taken as meant or refused with a reason, never dropped in
// silence, never echoed when it is a secret or the content of a file that is no config.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { UserError } from '../../src/errors.js';
import { validateAnswers, validateAuthPass, validatePeers, validateVip, validateVips, vipPrefixNote, type InterfaceFacts } from '../../src/setup/answers.js';
import { flagsToRaw } from '../../src/setup/flags.js';
import { LocalHost } from '../../src/host/local.js';
import { parseConfig } from '../../src/keepalived/parse.js';
import { hideNonKeywords } from '../../src/keepalived/keywords.js';

const eth0: InterfaceFacts = { name: 'eth0', up: true, loopback: false, ipv4: ['192.0.2.11/24'], ipv6: ['2001:db8::11/64'], default: true };
const dir = tempDir('ha-input-');
after(() => rmSync(dir, { recursive: true, force: true }));

const refused = (fn: () => unknown, check: (e: UserError) => void) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    check(e);
    return true;
  });

test('--vip A --vip B: every value is kept, the first is the instance\'s VIP and the others move with it', () => {
  assert.deepEqual(flagsToRaw({ vip: ['192.0.2.50/24', '192.0.2.60/24'] }).vip, ['192.0.2.50/24', '192.0.2.60/24']);
  assert.deepEqual(validateVips(['192.0.2.50/24', '192.0.2.60'], undefined, eth0), ['192.0.2.50/24', '192.0.2.60/24']);
  assert.deepEqual(validateVips('192.0.2.50/24', ['192.0.2.61/24'], eth0), ['192.0.2.50/24', '192.0.2.61/24']);
  const answers = validateAnswers({ role: 'master', interface: 'eth0', vip: ['192.0.2.50/24', '192.0.2.60/24'], authPass: 'k3pAl1ve', routerId: 'ha1' }, [eth0]);
  assert.equal(answers.vip, '192.0.2.50/24');
  assert.deepEqual(answers.extraVips, ['192.0.2.60/24']);
  assert.equal(answers.vrid, 50, 'the VRID comes from the first VIP');
});

test('several VIPs: each once, one family, each inside the interface subnet; the error names --vip and the values', () => {
  refused(() => validateVips(['192.0.2.50/24', '192.0.2.50'], undefined, eth0), (e) => {
    assert.equal(e.field, '--vip');
    assert.match(e.message, /"192\.0\.2\.50\/24 192\.0\.2\.50" is not accepted\. 192\.0\.2\.50 is given twice\. Accepted: each VIP once/);
  });
  refused(() => validateVips(['192.0.2.50/24', '2001:db8::50'], undefined, eth0), (e) => assert.match(e.message, /all IPv4 or all IPv6/));
  refused(() => validateVips(['192.0.2.50/24', '198.51.100.7/24'], undefined, eth0), (e) => assert.match(e.message, /"198\.51\.100\.7\/24".*inside 192\.0\.2\.11\/24/));
  refused(() => validatePeers(['192.0.2.60'], eth0, ['192.0.2.50/24', '192.0.2.60/24']), (e) => assert.equal(e.field, '--peer'));
});

test('a VIP without a prefix takes the prefix of the interface subnet that holds it, and the note says so', () => {
  assert.equal(validateVip('192.0.2.50', eth0), '192.0.2.50/24');
  assert.equal(validateVip('2001:db8::50', eth0), '2001:db8::50/64');
  assert.equal(vipPrefixNote('192.0.2.50', eth0), 'VIP 192.0.2.50: no prefix given, took /24 from 192.0.2.11/24 on eth0');
  assert.equal(vipPrefixNote('192.0.2.50/24', eth0), null);
  refused(() => validateVip('198.51.100.50', eth0), (e) => assert.match(e.message, /outside every subnet of eth0.*inside 192\.0\.2\.11\/24/));
  refused(() => validateVip('192.0.2.11', eth0), (e) => assert.match(e.message, /already an address of eth0/));
});

test('a refused password is never echoed back', () => {
  for (const bad of ['ab"cd', 'toolong99', 'has space']) {
    refused(() => validateAuthPass(bad), (e) => {
      assert.ok(!e.message.includes(bad), e.message);
      assert.equal(e.value, '********');
      assert.match(e.message, new RegExp(`has ${bad.length} characters \\(not shown\\)`));
    });
  }
});

test('an answers file that is not JSON is refused without quoting it (it holds the password)', async () => {
  const file = join(dir, 'answers.json');
  writeFileSync(file, '{ "authPass": "s3cr3tpw", oops }');
  const r = await runCli(['--root', dir, 'setup', '--answers', file, '--yes']);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /--answers: .* it is not valid JSON/);
  assert.ok(!r.stderr.includes('s3cr3tpw'), r.stderr);
});

test('a mistyped command is refused with the closest one, not "too many arguments for setup"', async () => {
  const r = await runCli(['docter']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /command: "docter" is not accepted\. there is no such command; did you mean ha-setup doctor\. Accepted: .*doctor/);
  // After global options with values too, and in Chinese.
  const zh = await runCli(['--root', dir, '--lang', 'zh', 'failovr-test']);
  assert.equal(zh.code, 64);
  assert.match(zh.stderr, /是不是想输入 ha-setup failover-test。/);
  // Option values are not commands: `ha-setup --role master ...` is still setup.
  const setup = await runCli(['--root', dir, '--role', 'master', '--vip', '192.0.2.50/24', '--interface', 'nope0', '--yes']);
  assert.doesNotMatch(setup.stderr, /command:/);
});

test('inspect: an include of a directory is an error at the include line, not a crash', async () => {
  mkdirSync(join(dir, 'conf.d'), { recursive: true });
  writeFileSync(join(dir, 'dir.conf'), `global_defs {\n  router_id x\n}\ninclude ${dir}/conf.d\n`);
  const r = await parseConfig(new LocalHost('/'), join(dir, 'dir.conf'));
  const d = r.diagnostics.find((x) => x.code === 'include-not-file');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(`${d.file}:${d.line}`, `${join(dir, 'dir.conf')}:4`);
  assert.match(d.message, /is a directory, not a file: include a file or a pattern such as .*conf\.d\/\*\.conf/);
  const cli = await runCli(['inspect', '--config', join(dir, 'conf.d')]);
  assert.equal(cli.code, 2);
  assert.doesNotMatch(cli.stderr, /unexpected error|EISDIR|    at /);
  assert.match(cli.stderr, /is a directory, not a file/);
});

test('inspect: an included file that is no keepalived config (/etc/shadow) is named, its lines never shown', async () => {
  const shadow = join(dir, 'shadow');
  writeFileSync(shadow, 'root:$6$Hx8s$verysecrethash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
  writeFileSync(join(dir, 'shadow.conf'), `vrrp_instance VI_1 {\n  state MASTER\n}\ninclude ${shadow}\n`);
  const cli = await runCli(['inspect', '--config', join(dir, 'shadow.conf'), '--json']);
  assert.ok(!cli.stdout.includes('verysecrethash') && !cli.stdout.includes('daemon:'), cli.stdout);
  assert.match(cli.stdout, /shadow is not a keepalived configuration \(none of its 2 lines starts with a keepalived keyword\): its content is not shown/);
  // An unknown line inside a real config: at most its keyword is quoted.
  writeFileSync(join(dir, 'prose.conf'), 'vrrp_instance VI_1 {\n  state MASTER\n}\nroot:$6$abc:1:2 more words\nbogus_word 1\n');
  const p = await parseConfig(new LocalHost('/'), join(dir, 'prose.conf'));
  const unknown = p.diagnostics.filter((d) => d.code === 'unknown-keyword').map((d) => d.message);
  assert.equal(unknown.length, 2);
  assert.ok(!unknown[0]!.includes('$6$') && /not shown/.test(unknown[0]!), unknown[0]);
  assert.match(unknown[1]!, /unknown keyword 'bogus_word'/);
  // keepalived -t quotes the whole first word of a line it does not know: only words pass.
  assert.equal(hideNonKeywords("(shadow: Line 1) Unknown keyword 'root:$6$Hx8s$hash:19000:::'"), "(shadow: Line 1) Unknown keyword '…'");
  assert.equal(hideNonKeywords("Unknown keyword 'bogus_word'"), "Unknown keyword 'bogus_word'");
});
