import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { parseConfig, parseConfigText } from '../../src/keepalived/parse.js';
import { renderConfig } from '../../src/keepalived/render.js';
import { UserError } from '../../src/errors.js';
import { emptyConfig, emptyGlobalDefs, emptyVirtualIp, emptyVrrpInstance, emptyVrrpScript, type KeepalivedConfig } from '../../src/keepalived/model.js';
import { samplesDir, tempDir } from '../helpers/paths.js';
import { createNetns, deleteNetns, TEST_IFACE } from './keepalived-netns.js';

const host = new LocalHost('/');
const samples = readdirSync(samplesDir).filter((f) => f.endsWith('.conf'));

for (const file of samples) {
  test(`round trip: parse(render(m)) equals m for ${file}`, async () => {
    const { config } = await parseConfig(host, join(samplesDir, file));
    const text = renderConfig(config);
    const again = await parseConfigText(text);
    assert.deepEqual(again.config, config);
    // Rendering is stable: the same model gives the same text.
    assert.equal(renderConfig(again.config), text);
  });
}

/** A small deterministic PRNG, so a failing generated model can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Models of the kind the wizard writes, varied: one or two instances, unicast or multicast, with and without checks. */
function generatedModel(seed: number, iface: string): KeepalivedConfig {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const config = emptyConfig();
  const g = emptyGlobalDefs();
  g.routerId = `node_${seed}`;
  g.enableScriptSecurity = true;
  g.scriptUser = { user: 'root', group: null };
  if (r() < 0.5) g.vrrpGlobals.push({ keyword: 'vrrp_garp_master_refresh', args: [String(int(10, 60))], block: null });
  if (r() < 0.5) g.vrrpGlobals.push({ keyword: 'vrrp_skip_check_adv_addr', args: [], block: null });
  config.globalDefs = g;
  const withCheck = r() < 0.7;
  if (withCheck) {
    const s = emptyVrrpScript('chk_nginx');
    s.script = r() < 0.5 ? '/bin/true' : '/usr/bin/test -e /etc/hostname';
    s.interval = int(1, 5);
    s.timeout = int(1, 3);
    s.weight = -int(10, 60);
    s.fall = int(1, 3);
    s.rise = int(1, 3);
    config.vrrpScripts.push(s);
  }
  const count = int(1, 2);
  for (let n = 0; n < count; n++) {
    const i = emptyVrrpInstance(`VI_${n + 1}`);
    i.state = r() < 0.5 ? 'MASTER' : 'BACKUP';
    i.interface = iface;
    // A second instance on the same interface needs its own VRID.
    i.virtualRouterId = n === 0 ? int(1, 255) : (config.vrrpInstances[0]!.virtualRouterId! % 255) + 1;
    i.priority = int(1, 254);
    i.advertInt = int(1, 3);
    if (i.state === 'BACKUP' && r() < 0.4) i.nopreempt = true;
    i.authentication = { authType: 'PASS', authPass: `p${int(1000, 9999999)}`.slice(0, 8), extra: [] };
    const vip = emptyVirtualIp(`192.0.2.${int(10, 250)}/24`);
    vip.dev = iface;
    if (r() < 0.5) vip.label = `${iface}:${n + 1}`;
    i.virtualIpaddress.push(vip);
    if (r() < 0.5) {
      i.unicastSrcIp = `198.51.100.${int(1, 100)}`;
      i.unicastPeer = [`198.51.100.${int(101, 200)}`];
    }
    if (withCheck) i.trackScript.push({ name: 'chk_nginx', weight: null, reverse: false });
    if (r() < 0.5) i.notifyMaster = '/usr/bin/logger -t keepalived became master';
    config.vrrpInstances.push(i);
  }
  return config;
}

let ns = '';
let dir = '';
before(() => {
  ns = createNetns('render');
  dir = tempDir('ka-render-');
});
after(() => {
  if (ns) deleteNetns(ns);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** keepalived -t on a rendered file, inside the test namespace where kc0 exists. */
function keepalivedTest(text: string, name: string): { status: number | null; stderr: string } {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, text, { mode: 0o600 });
  const r = spawnSync('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-e', '-f', file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('keepalived -t says what it does about an interface that does not exist (why the tests use a veth)', () => {
  const m = generatedModel(1, 'nosuch9');
  const r = keepalivedTest(renderConfig(m), 'missing-iface');
  assert.equal(r.status, 5);
  assert.match(r.stderr, /WARNING - interface nosuch9 for vrrp_instance VI_1 doesn't exist/);
});

for (let seed = 1; seed <= 24; seed++) {
  test(`generated model #${seed}: round trip, and keepalived -t accepts the rendered file`, async () => {
    const model = generatedModel(seed, TEST_IFACE);
    const text = renderConfig(model);
    assert.deepEqual((await parseConfigText(text)).config, model);
    const r = keepalivedTest(text, `gen-${seed}`);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
}

test('the rendered file is laid out with 4-space indentation and a comment per section', () => {
  const text = renderConfig(generatedModel(3, TEST_IFACE));
  assert.match(text, /^! Global settings: .*\nglobal_defs \{\n {4}router_id node_3\n/m);
  assert.match(text, /^! VRRP instance VI_1: .*\n.*\nvrrp_instance VI_1 \{\n {4}state /m);
  assert.match(text, /^ {4}virtual_ipaddress \{\n {8}192\.0\.2\.\d+\/24 dev kc0/m);
  assert.ok(text.endsWith('}\n'));
});

test('command values with blanks are quoted; keepalived reads them back as one value', async () => {
  const m = generatedModel(5, TEST_IFACE);
  m.vrrpInstances[0]!.notifyMaster = '/usr/bin/logger -t ka master';
  const text = renderConfig(m);
  assert.match(text, /notify_master "\/usr\/bin\/logger -t ka master"/);
  assert.equal((await parseConfigText(text)).config.vrrpInstances[0]!.notifyMaster, '/usr/bin/logger -t ka master');
});

const breaking: [string, (m: KeepalivedConfig) => void, string][] = [
  ['a brace in a name', (m) => (m.vrrpInstances[0]!.name = 'VI_1}'), 'vrrp_instance[VI_1}].name'],
  ['a quote in auth_pass', (m) => (m.vrrpInstances[0]!.authentication!.authPass = 'ab"cd'), 'vrrp_instance[VI_1].authentication.auth_pass'],
  ['a # in auth_pass', (m) => (m.vrrpInstances[0]!.authentication!.authPass = 'ab#cd'), 'vrrp_instance[VI_1].authentication.auth_pass'],
  ['a ! in router_id', (m) => (m.globalDefs!.routerId = 'node!1'), 'global_defs.router_id'],
  ['a newline in a script', (m) => {
      const s = emptyVrrpScript('chk_nginx');
      s.script = '/bin/true\nvrrp_strict';
      m.vrrpScripts = [s];
    }, 'vrrp_script[chk_nginx].script'],
  ['a blank in an interface name', (m) => (m.vrrpInstances[0]!.interface = 'eth0 eth1'), 'vrrp_instance[VI_1].interface'],
  ['a brace in a VIP label', (m) => (m.vrrpInstances[0]!.virtualIpaddress[0]!.label = 'eth0:{'), 'vrrp_instance[VI_1].virtual_ipaddress[0].label'],
  ['an empty value', (m) => (m.vrrpInstances[0]!.state = ''), 'vrrp_instance[VI_1].state'],
];
for (const [what, spoil, field] of breaking) {
  test(`the renderer refuses ${what} with a UserError naming ${field}`, () => {
    const m = generatedModel(2, TEST_IFACE);
    spoil(m);
    assert.throws(
      () => renderConfig(m),
      (e: unknown) => e instanceof UserError && e.field === field,
    );
  });
}
