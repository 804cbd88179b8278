import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { parseConfig, parseConfigText } from '../../src/keepalived/parse.js';
import { validateConfig, RULES, VRID_RANGE, PRIORITY_RANGE, type ValidateFacts } from '../../src/keepalived/validate.js';
import { isPackagedSampleConfig } from '../../src/keepalived/summary.js';
import { samplesDir, tempDir } from '../helpers/paths.js';

/** A sound two-node instance; each case changes one thing. */
const good = (instanceBody = '', globals = '', more = '') => `
global_defs {
  router_id ha1
  enable_script_security
  script_user keepalived_script
${globals}
}
vrrp_script chk_nginx {
  script "/etc/keepalived/check_nginx.sh"
  interval 2
  weight -60
}
${more}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret51
  }
  virtual_ipaddress {
    192.0.2.50/24
  }
  track_script {
    chk_nginx
  }
${instanceBody}
}
`;

const node: ValidateFacts = { interfaces: [{ name: 'eth0', ipv4: ['192.0.2.11/24'], ipv6: [] }] };

async function findings(text: string, facts: ValidateFacts = node) {
  const { config } = await parseConfigText(text);
  return validateConfig(config, facts);
}

async function rule(text: string, id: string, facts: ValidateFacts = node) {
  return (await findings(text, facts)).filter((f) => f.rule === id);
}

test('the sound config has no findings at all', async () => {
  assert.deepEqual(await findings(good()), []);
});

test('ranges are exported for the wizard', () => {
  assert.deepEqual(VRID_RANGE, { min: 1, max: 255 });
  assert.deepEqual(PRIORITY_RANGE, { min: 1, max: 254 });
});

interface Case {
  rule: string;
  failing: string;
  passing: string;
  severity: 'error' | 'warning';
  path: string;
  message: RegExp;
  facts?: ValidateFacts;
  /** Facts for the passing case when they differ (another release). */
  passingFacts?: ValidateFacts;
}

const replace = (from: string, to: string) => good().replace(from, to);

const CASES: Case[] = [
  { rule: 'vrid-range', failing: replace('virtual_router_id 51', 'virtual_router_id 300'), passing: replace('virtual_router_id 51', 'virtual_router_id 255'), severity: 'error', path: 'vrrp_instance[VI_1].virtual_router_id', message: /virtual_router_id 300 is outside 1-255/ },
  { rule: 'vrid-range', failing: replace('virtual_router_id 51', ''), passing: replace('virtual_router_id 51', 'virtual_router_id 1'), severity: 'error', path: 'vrrp_instance[VI_1].virtual_router_id', message: /virtual_router_id is not set/ },
  { rule: 'priority-range', failing: replace('priority 150', 'priority 0'), passing: replace('priority 150', 'priority 1'), severity: 'error', path: 'vrrp_instance[VI_1].priority', message: /priority 0 is outside 1-254/ },
  { rule: 'priority-range', failing: replace('priority 150', 'priority 255'), passing: replace('priority 150', 'priority 254'), severity: 'warning', path: 'vrrp_instance[VI_1].priority', message: /priority 255 makes this node the address owner/ },
  { rule: 'master-implied-owner', failing: replace('state BACKUP', 'state MASTER').replace('priority 150', ''), passing: replace('state BACKUP', 'state MASTER'), severity: 'warning', path: 'vrrp_instance[VI_1].state', message: /state MASTER without a priority means priority 255/ },
  { rule: 'state-value', failing: replace('state BACKUP', 'state master'), passing: replace('state BACKUP', 'state MASTER'), severity: 'warning', path: 'vrrp_instance[VI_1].state', message: /state "master" is neither MASTER nor BACKUP/ },
  { rule: 'advert-int', failing: replace('advert_int 1', 'advert_int 0'), passing: replace('advert_int 1', 'advert_int 0.5'), severity: 'error', path: 'vrrp_instance[VI_1].advert_int', message: /advert_int 0 is not a positive number/ },
  { rule: 'auth-pass-length', failing: replace('auth_pass s3cret51', 'auth_pass t9rveMP0Z9S1'), passing: replace('auth_pass s3cret51', 'auth_pass t9rveMP0'), severity: 'warning', path: 'vrrp_instance[VI_1].authentication.auth_pass', message: /auth_pass has 12 characters but keepalived uses only the first 8: "t9rveMP0"/ },
  { rule: 'auth-type', failing: replace('auth_type PASS', 'auth_type MD5'), passing: replace('auth_type PASS', 'auth_type AH'), severity: 'error', path: 'vrrp_instance[VI_1].authentication.auth_type', message: /auth_type "MD5" is not accepted/ },
  { rule: 'auth-type', failing: replace('auth_type PASS', 'auth_type pass'), passing: good(), severity: 'error', path: 'vrrp_instance[VI_1].authentication.auth_type', message: /auth_type "pass"/ },
  { rule: 'nopreempt-master', failing: good('  nopreempt').replace('state BACKUP', 'state MASTER'), passing: good('  nopreempt'), severity: 'warning', path: 'vrrp_instance[VI_1].nopreempt', message: /nopreempt has no effect with state MASTER/ },
  { rule: 'vip-subnet', failing: replace('192.0.2.50/24', '198.51.100.50/24'), passing: good(), severity: 'warning', path: 'vrrp_instance[VI_1].virtual_ipaddress[0]', message: /VIP 198\.51\.100\.50\/24 is outside every subnet of eth0 \(192\.0\.2\.11\/24\)/ },
  { rule: 'vip-is-node-address', failing: replace('192.0.2.50/24', '192.0.2.11/24'), passing: good(), severity: 'error', path: 'vrrp_instance[VI_1].virtual_ipaddress[0]', message: /VIP 192\.0\.2\.11\/24 is already an address of this node \(eth0\)/ },
  {
    rule: 'duplicate-vrid',
    failing: good('', '', 'vrrp_instance VI_0 {\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n  192.0.2.60/24\n }\n}'),
    passing: good('', '', 'vrrp_instance VI_0 {\n interface eth0\n virtual_router_id 52\n priority 100\n virtual_ipaddress {\n  192.0.2.60/24\n }\n}'),
    severity: 'error',
    path: 'vrrp_instance[VI_1].virtual_router_id',
    message: /VI_1 and VI_0 both use virtual_router_id 51 on eth0/,
  },
  { rule: 'unicast-peer-self', failing: good('  unicast_peer {\n    192.0.2.11\n  }'), passing: good('  unicast_peer {\n    192.0.2.12\n  }'), severity: 'error', path: 'vrrp_instance[VI_1].unicast_peer[0]', message: /unicast_peer lists 192\.0\.2\.11, which is this node's own address/ },
  {
    rule: 'unicast-peer-self',
    failing: good('  unicast_src_ip 192.0.2.11\n  unicast_peer {\n    192.0.2.11\n  }'),
    passing: good('  unicast_src_ip 192.0.2.11\n  unicast_peer {\n    192.0.2.12\n  }'),
    severity: 'error',
    path: 'vrrp_instance[VI_1].unicast_peer[0]',
    message: /192\.0\.2\.11/,
    facts: {},
  },
  { rule: 'track-script-undefined', failing: replace('    chk_nginx\n', '    chk_ngnix\n'), passing: good(), severity: 'error', path: 'vrrp_instance[VI_1].track_script[chk_ngnix]', message: /no vrrp_script chk_ngnix is defined/ },
  { rule: 'script-path', failing: replace('"/etc/keepalived/check_nginx.sh"', '"check_nginx.sh"'), passing: good(), severity: 'warning', path: 'vrrp_script[chk_nginx].script', message: /"check_nginx.sh" is not an absolute path/ },
  { rule: 'script-path', failing: good('  notify_master "curl -s http://x"'), passing: good('  notify_master "/usr/bin/curl -s http://x"'), severity: 'warning', path: 'vrrp_instance[VI_1].notify_master', message: /"curl" is not an absolute path/ },
  { rule: 'script-security', failing: replace('  enable_script_security\n', ''), passing: good(), severity: 'warning', path: 'global_defs.enable_script_security', message: /1 script\(s\) are used without enable_script_security/ },
  { rule: 'vrrp-strict', failing: good('', '  vrrp_strict'), passing: good('', '  vrrp_skip_check_adv_addr'), severity: 'warning', path: 'global_defs.vrrp_strict', message: /vrrp_strict is set/ },
  // Keywords by release (releases.ts, from keepalived's parsers at each tag).
  {
    rule: 'release-keyword',
    failing: good('  unicast_fault_no_peer'),
    passing: good('  unicast_fault_no_peer'),
    severity: 'error',
    path: 'vrrp_instance[VI_1].unicast_fault_no_peer',
    message: /keepalived 2\.1\.5 does not know 'unicast_fault_no_peer' \(it exists from 2\.2\.5 on\)/,
    facts: { ...node, release: '2.1.5' },
    passingFacts: { ...node, release: '2.2.5' },
  },
  {
    rule: 'release-keyword',
    failing: good('', '  vrrp_startup_delay 5'),
    passing: good('', '  vrrp_garp_master_refresh 10'),
    severity: 'error',
    path: 'global_defs.vrrp_startup_delay',
    message: /keepalived 1\.3\.5 does not know 'vrrp_startup_delay' \(it exists from 2\.0\.14 on\)/,
    facts: { ...node, release: '1.3.5' },
  },
  {
    rule: 'release-keyword',
    failing: good('', '', 'vrrp_track_process nginx {\n  process nginx\n}'),
    passing: good('', '', 'vrrp_track_process nginx {\n  process nginx\n}'),
    severity: 'error',
    path: 'vrrp_track_process[nginx]',
    message: /1\.3\.5 does not know 'vrrp_track_process' \(it exists from 2\.0\.11 on\)/,
    facts: { ...node, release: '1.3.5' },
    passingFacts: { ...node, release: '2.0.11' },
  },
  {
    rule: 'script-interval-fraction',
    failing: replace('interval 2', 'interval 0.5'),
    passing: replace('interval 2', 'interval 0.5'),
    severity: 'warning',
    path: 'vrrp_script[chk_nginx].interval',
    message: /interval 0\.5 has a fraction of a second, which keepalived 2\.3\.1 does not accept \(from 2\.3\.2 on it does\)/,
    facts: { ...node, release: '2.3.1' },
    passingFacts: { ...node, release: '2.3.4' },
  },
];

for (const c of CASES) {
  test(`rule ${c.rule}: fails on ${c.message.source.slice(0, 50)}`, async () => {
    const got = await rule(c.failing, c.rule, c.facts);
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0]!.severity, c.severity);
    assert.equal(got[0]!.path, c.path);
    assert.match(got[0]!.message, c.message);
    assert.ok(got[0]!.suggestion.length > 10);
  });
  test(`rule ${c.rule}: passes the corrected config (${c.message.source.slice(0, 40)})`, async () => {
    assert.deepEqual(await rule(c.passing, c.rule, c.passingFacts ?? c.facts), []);
  });
}

test('release rules stay silent when the release is unknown (files for another machine)', async () => {
  assert.deepEqual(await rule(good('  unicast_fault_no_peer'), 'release-keyword', { ...node, release: null }), []);
  assert.deepEqual(await rule(replace('interval 2', 'interval 0.5'), 'script-interval-fraction', node), []);
});

test('every rule has a failing and a passing case here', () => {
  const covered = new Set(CASES.map((c) => c.rule));
  for (const id of Object.keys(RULES)) assert.ok(covered.has(id), id);
});

test('rule script-path: a missing script under --root is an error, an existing one is fine', async () => {
  const root = tempDir('ka-validate-');
  try {
    const host = new LocalHost(root);
    const missing = await rule(good(), 'script-path', { host });
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.severity, 'error');
    assert.match(missing[0]!.message, /\/etc\/keepalived\/check_nginx\.sh does not exist/);
    mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
    writeFileSync(join(root, 'etc/keepalived/check_nginx.sh'), '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(await rule(good(), 'script-path', { host }), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('address rules are skipped without node facts', async () => {
  assert.deepEqual(await rule(replace('192.0.2.50/24', '192.0.2.11/24'), 'vip-is-node-address', {}), []);
  assert.deepEqual(await rule(replace('192.0.2.50/24', '198.51.100.50/24'), 'vip-subnet', {}), []);
});

test('errors come before warnings', async () => {
  const list = await findings(replace('virtual_router_id 51', 'virtual_router_id 0').replace('auth_pass s3cret51', 'auth_pass 123456789'));
  assert.deepEqual(
    list.map((f) => f.severity),
    ['error', 'warning'],
  );
});

test('isPackagedSampleConfig: a Fedora/RHEL packaged sample is recognised, the tutorials are not', async () => {
  const sample = `global_defs {\n router_id LVS_DEVEL\n vrrp_skip_check_adv_addr\n vrrp_strict\n vrrp_garp_interval 0\n vrrp_gna_interval 0\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n advert_int 1\n authentication {\n  auth_type PASS\n  auth_pass 1111\n }\n virtual_ipaddress {\n  192.168.200.16\n  192.168.200.17\n  192.168.200.18\n }\n}\n`;
  assert.equal(isPackagedSampleConfig((await parseConfigText(sample)).config), true);
  assert.equal(isPackagedSampleConfig((await parseConfigText(sample.replace(' vrrp_strict\n', ''))).config), false);
  // Same VIPs, VRID and password but no vrrp_strict: a tutorial copied by hand, the user's own file.
  assert.equal(isPackagedSampleConfig((await parseConfig(new LocalHost('/'), join(samplesDir, 'tutorial-001-1.conf'))).config), false);
  assert.equal(isPackagedSampleConfig((await parseConfigText(good())).config), false);
});
