import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { makeNodeNamespace } from '../helpers/netns.js';

// Every run happens inside a namespace holding eth0 = 192.0.2.11/24, never on this
// machine's own network, and with --root so nothing outside a temporary directory exists.
let ns: ReturnType<typeof makeNodeNamespace>;
before(() => {
  ns = makeNodeNamespace('si-node', '192.0.2.11/24');
});
after(() => ns.remove());

const good = ['--role', 'master', '--interface', 'eth0', '--vip', '192.0.2.50/24', '--yes'];

function withFlag(flag: string, value: string | null): string[] {
  const args = [...good];
  const i = args.indexOf(flag);
  if (i >= 0) args.splice(i, value === null ? 2 : 2, ...(value === null ? [] : [flag, value]));
  else if (value !== null) args.push(flag, value);
  return args;
}

const cases: Array<{ name: string; args: string[]; flag: string; shows: RegExp }> = [
  { name: 'a VIP that is not an address', args: withFlag('--vip', '192.0.2.500/24'), flag: '--vip', shows: /192\.0\.2\.500\/24/ },
  { name: 'a VIP without a prefix outside the interface subnet', args: withFlag('--vip', '198.51.100.50'), flag: '--vip', shows: /inside 192\.0\.2\.11\/24/ },
  { name: 'the same VIP twice: both named, none dropped', args: [...good, '--vip', '192.0.2.50'], flag: '--vip', shows: /"192\.0\.2\.50\/24 192\.0\.2\.50" is not accepted\. 192\.0\.2\.50 is given twice/ },
  { name: 'a second VIP outside the interface subnet', args: [...good, '--vip', '198.51.100.7/24'], flag: '--vip', shows: /"198\.51\.100\.7\/24".*inside 192\.0\.2\.11\/24/ },
  { name: 'a VIP outside the interface subnet', args: withFlag('--vip', '198.51.100.50/24'), flag: '--vip', shows: /inside 192\.0\.2\.11\/24/ },
  { name: 'a VIP equal to the node address', args: withFlag('--vip', '192.0.2.11/24'), flag: '--vip', shows: /already an address of eth0/ },
  { name: 'VRID 0', args: withFlag('--vrid', '0'), flag: '--vrid', shows: /1-255/ },
  { name: 'VRID 300', args: withFlag('--vrid', '300'), flag: '--vrid', shows: /"300".*1-255/ },
  { name: 'priority 255 for a non-owner', args: withFlag('--priority', '255'), flag: '--priority', shows: /address owner/ },
  { name: 'priority 0', args: withFlag('--priority', '0'), flag: '--priority', shows: /1-254/ },
  { name: 'a password with a quote', args: withFlag('--auth-pass', 'ab"cd'), flag: '--auth-pass', shows: /without quotes/ },
  { name: 'a password with a newline', args: withFlag('--auth-pass', 'ab\ncd'), flag: '--auth-pass', shows: /1-8 printable/ },
  { name: 'a password longer than 8', args: withFlag('--auth-pass', '123456789'), flag: '--auth-pass', shows: /keepalived uses only 8/ },
  { name: 'an interface that does not exist', args: withFlag('--interface', 'eth9'), flag: '--interface', shows: /no such interface.*Accepted: eth0/ },
  { name: 'the loopback interface', args: withFlag('--interface', 'lo'), flag: '--interface', shows: /loopback/ },
  { name: 'an unknown role', args: withFlag('--role', 'primary'), flag: '--role', shows: /Accepted: master, backup/ },
  { name: 'a peer that is this node', args: withFlag('--peer', '192.0.2.11'), flag: '--peer', shows: /own address/ },
  { name: 'a peer that is not an address', args: withFlag('--peer', 'ha2.example'), flag: '--peer', shows: /IPv4 or IPv6 address/ },
  { name: 'an advert interval of 0', args: withFlag('--advert-int', '0'), flag: '--advert-int', shows: /1-255/ },
  { name: 'an email without a domain', args: withFlag('--email', 'ops'), flag: '--email', shows: /ops@example\.com/ },
  { name: 'a check URL with a quote', args: withFlag('--check-url', "http://127.0.0.1/'"), flag: '--check-url', shows: /http:\/\// },
  { name: 'a router id with a space', args: withFlag('--router-id', 'ha 1'), flag: '--router-id', shows: /letters, digits/ },
  { name: 'an unknown --existing choice', args: withFlag('--existing', 'merge'), flag: '--existing', shows: /keep, replace, stop/ },
  { name: 'missing answers without a terminal', args: ['--interface', 'eth0'], flag: '--role', shows: /--role, --vip, --auth-pass/ },
  { name: 'a backup without the master password', args: withFlag('--role', 'backup'), flag: '--auth-pass', shows: /master's password/ },
];

for (const c of cases) {
  test(`bad input is refused and changes nothing: ${c.name}`, async () => {
    const root = tempDir();
    const r = await runCli(['--root', root, ...c.args], { netns: ns.name });
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, new RegExp(`error: ${c.flag.replace(/-/g, '\\-')}`));
    assert.match(r.stderr, c.shows);
    // A password is never echoed, not even in the error about it.
    const pass = c.args[c.args.indexOf('--auth-pass') + 1];
    if (c.flag === '--auth-pass' && pass) assert.ok(!r.stderr.includes(pass), r.stderr);
    assert.deepEqual(readdirSync(root), []);
  });
}

test('a VIP without a prefix takes the prefix of the interface subnet that holds it, and says so', async () => {
  const root = tempDir();
  const r = await runCli(['--root', root, ...withFlag('--vip', '192.0.2.50'), '--auth-pass', 'pfx4vip1', '--dry-run'], { netns: ns.name });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /VIP 192\.0\.2\.50: no prefix given, took \/24 from 192\.0\.2\.11\/24 on eth0/);
  assert.match(r.stdout, /192\.0\.2\.50\/24/);
  assert.deepEqual(readdirSync(root), []);
});

test('an answers file with an unknown field is refused', async () => {
  const root = tempDir();
  const file = join(tempDir(), 'answers.json');
  writeFileSync(file, JSON.stringify({ role: 'MASTER', vip: '192.0.2.50/24', virtual_router: 5 }));
  const r = await runCli(['--root', root, '--answers', file, '--yes'], { netns: ns.name });
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--answers: "virtual_router"/);
  assert.deepEqual(readdirSync(root), []);
});

test('--dry-run prints the plan and writes nothing; the real run writes files keepalived accepts', async () => {
  const root = tempDir();
  const dry = await runCli(['--root', root, ...good, '--dry-run'], { netns: ns.name });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /write \/etc\/keepalived\/keepalived\.conf \(mode 0600\)/);
  assert.match(dry.stdout, /\+vrrp_instance VI_1 \{/);
  assert.deepEqual(readdirSync(root), []);

  const real = await runCli(['--root', root, ...good, '--auth-pass', 'k3pAl1ve'], { netns: ns.name });
  assert.equal(real.code, 0, real.stderr);
  assert.deepEqual(readdirSync(join(root, 'etc/keepalived')).sort(), ['check_nginx.sh', 'ha-setup.answers.json', 'keepalived.conf']);
  // inspect runs keepalived -t on the file (the check script lives under --root).
  const inspect = await runCli(['--root', root, 'inspect', '--json'], { netns: ns.name });
  const report = JSON.parse(inspect.stdout);
  assert.deepEqual(report.findings.filter((f: { severity: string }) => f.severity === 'error'), []);
  assert.equal(report.vrrp_instances[0].virtual_ipaddress[0], '192.0.2.50/24');

  const again = await runCli(['--root', root, ...good, '--auth-pass', 'k3pAl1ve', '--json'], { netns: ns.name });
  assert.equal(JSON.parse(again.stdout).status, 'unchanged');
});
