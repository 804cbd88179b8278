import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Terminal } from '../helpers/tmux.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { makeNodeNamespace } from '../helpers/netns.js';

const ns = makeNodeNamespace('wz-node', '192.0.2.11/24');
let term: Terminal | undefined;
const roots: string[] = [];
after(() => {
  term?.kill();
  ns.remove();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

test('the interactive wizard completes in a real terminal and writes what was answered', async () => {
  const root = tempDir();
  roots.push(root);
  term = Terminal.start('ha-setup-wizard-test', ['ip', 'netns', 'exec', ns.name, 'env', 'NO_COLOR=1', 'LANG=C.UTF-8', 'node', cliPath, '--root', root]);
  await term.waitFor(/Looking at this node[\s\S]*interfaces\s+eth0 192\.0\.2\.11\/24/);
  await term.answer(/Layout/, null); // one VIP, active/standby is the first choice
  await term.answer(/Role of this node/, null); // MASTER is the first choice
  await term.answer(/Interface for the VIP/, null); // eth0, the only usable one
  // A bad VIP is refused as it is typed, with the reason; then a good one.
  await term.waitFor(/\? Virtual IP/);
  term.type('-l', '198.51.100.50/24');
  term.type('Enter');
  await term.waitFor(/outside every subnet of eth0/);
  for (let i = 0; i < 16; i++) term.type('BSpace');
  await term.answer(/Virtual IP/, '192.0.2.50/24');
  await term.answer(/More VIPs/, null); // none
  const vrid = await term.waitFor(/\? virtual_router_id[\s\S]*\(50\)/);
  assert.match(vrid, /Both nodes must use the same number/);
  term.type('Enter');
  await term.answer(/Priority/, null);
  await term.answer(/Advert interval/, null);
  await term.waitFor(/\? VRRP password/);
  for (let i = 0; i < 8; i++) term.type('BSpace');
  await term.answer(/VRRP password/, 'Wz7pass1');
  // Masked while typed: the screen shows stars, never the password.
  const masked = term.screen();
  assert.match(masked, /✔ VRRP password\n.*\n  \*{8}\n/);
  assert.ok(!masked.includes('Wz7pass1'), masked);
  await term.answer(/Peer addresses for unicast/, '192.0.2.12');
  await term.answer(/router_id/, null);
  await term.answer(/Keep the VIP on the backup/, null);
  await term.answer(/Email for state-change alerts/, null);
  await term.answer(/Webhook or robot URL/, null);
  const plan = await term.waitFor(/\? Apply this plan\?/);
  assert.match(plan, /write \/etc\/keepalived\/keepalived\.conf \(mode 0600\)/);
  term.type('Enter');
  const done = await term.waitFor(/EXIT=\d+/);
  assert.match(done, /EXIT=0/);
  assert.match(done, /--role backup --interface eth0 --vip 192\.0\.2\.50\/24 --vrid 50 --advert-int 1 --auth-pass Wz7pass1 --peer 192\.0\.2\.11/);

  const answers = JSON.parse(readFileSync(join(root, 'etc/keepalived/ha-setup.answers.json'), 'utf8'));
  assert.deepEqual(
    { role: answers.role, vip: answers.vip, vrid: answers.vrid, priority: answers.priority, authPass: answers.authPass, peers: answers.peers },
    { role: 'MASTER', vip: '192.0.2.50/24', vrid: 50, priority: 150, authPass: 'Wz7pass1', peers: ['192.0.2.12'] },
  );
  const conf = readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8');
  assert.match(conf, /unicast_peer \{\s*192\.0\.2\.12\s*\}/);
  assert.equal(statSync(join(root, 'etc/keepalived/keepalived.conf')).mode & 0o777, 0o600);
});

test('the wizard sets up dual-master: the second VIP (refused when it is the first\'s), its own VRID, mirrored priority; no ARP probe for files of another machine', async () => {
  const root = tempDir();
  roots.push(root);
  term?.kill();
  term = Terminal.start('ha-setup-wizard-aa', ['ip', 'netns', 'exec', ns.name, 'env', 'NO_COLOR=1', 'LANG=C.UTF-8', 'node', cliPath, '--root', root]);
  await term.waitFor(/\? Layout/);
  term.type('Down');
  term.type('Enter');
  await term.answer(/Role of this node/, null);
  await term.answer(/Interface for the VIP/, null);
  await term.answer(/Virtual IP/, '192.0.2.50/24');
  await term.answer(/More VIPs/, null);
  await term.waitFor(/\? VIP of the second instance/);
  term.type('-l', '192.0.2.50');
  term.type('Enter');
  await term.waitFor(/already a VIP of the first instance/);
  for (let i = 0; i < 10; i++) term.type('BSpace');
  await term.answer(/VIP of the second instance/, '192.0.2.51');
  await term.waitFor(/\? virtual_router_id\n[\s\S]*\(50\)/);
  term.type('Enter');
  await term.waitFor(/\? virtual_router_id of the second instance[\s\S]*\(51\)/);
  term.type('Enter');
  await term.answer(/Priority/, null);
  await term.answer(/Advert interval/, null);
  await term.waitFor(/\? VRRP password/);
  for (let i = 0; i < 8; i++) term.type('BSpace');
  await term.answer(/VRRP password/, 'Wz7pass1');
  await term.answer(/Peer addresses for unicast/, null);
  await term.answer(/router_id/, null);
  await term.answer(/Keep the VIP on the backup/, null);
  await term.answer(/Email for state-change alerts/, null);
  await term.answer(/Webhook or robot URL/, null);
  await term.waitFor(/\? Apply this plan\?/);
  term.type('Enter');
  const done = await term.waitFor(/EXIT=\d+/);
  assert.match(done, /EXIT=0/);
  assert.match(done, /--role backup .*--mode active-active --second-vip 192\.0\.2\.51\/24 --second-vrid 51/s);
  // Under --root the files are for another machine: the VIPs are not looked for on this network.
  assert.doesNotMatch(done, /is free|answers from MAC/);
  const conf = readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8');
  assert.match(conf, /vrrp_instance VI_1 \{\s*state MASTER[\s\S]*virtual_router_id 50\s*priority 150[\s\S]*vrrp_instance VI_2 \{\s*state BACKUP[\s\S]*virtual_router_id 51\s*priority 100[\s\S]*192\.0\.2\.51\/24/);
});

test('Ctrl-C at a question exits 130 without a stack trace, says nothing was changed, and changes nothing', async () => {
  const root = tempDir();
  roots.push(root);
  term?.kill();
  term = Terminal.start('ha-setup-wizard-ctrlc', ['ip', 'netns', 'exec', ns.name, 'env', 'NO_COLOR=1', 'LANG=C.UTF-8', 'node', cliPath, '--root', root]);
  await term.waitFor(/\? Layout/);
  term.type('C-c');
  const done = await term.waitFor(/EXIT=\d+/);
  assert.match(done, /EXIT=130/);
  assert.match(done, /interrupted at a question: nothing was changed/);
  assert.doesNotMatch(done, /ExitPromptError|User force closed|\n\s+at /);
  assert.deepEqual(readdirSync(root), []);
});
