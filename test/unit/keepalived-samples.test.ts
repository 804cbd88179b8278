import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { parseConfig } from '../../src/keepalived/parse.js';
import { samplesDir } from '../helpers/paths.js';

/**
 * What each sample in ../shared/samples says, read by hand from the files (not computed
 * by the parser under test). An instance is [name, state, virtual_router_id, priority,
 * VIPs as written, track_script names]; a script is [name, script line].
 */
type Inst = [string, string | null, number | null, number | null, string[], string[]];
interface Expect {
  instances: Inst[];
  scripts: [string, string | null][];
  virtualServers: number;
  /** [line, unknown keyword] for every unknown-keyword diagnostic. */
  unknown?: [number, string][];
  authPass?: Record<string, string>;
  routerId?: string | null;
}

const vips16 = ['192.168.200.16', '192.168.200.17', '192.168.200.18'];
const lb = (routerId: string, instances: Inst[]): Expect => ({ instances, scripts: [], virtualServers: 0, routerId });
const localcheckVI = (n: number, iface: string, vrid: number, vip: string): Inst => [`VI_${n}`, n >= 5 ? 'MASTER' : null, vrid, 100, [vip], []];

const EXPECTED: Record<string, Expect> = {
  'tutorial-000-1.with-prose.conf': {
    instances: [['VI_1', 'MASTER', 51, 100, ['192.16.10.5/24'], []]],
    scripts: [],
    virtualServers: 0,
    unknown: [[2, '仅保留router_id']],
    authPass: { VI_1: '1111' },
    routerId: null,
  },
  'tutorial-001-1.conf': { instances: [['VI_1', 'MASTER', 51, 100, vips16, []]], scripts: [], virtualServers: 0, authPass: { VI_1: '1111' }, routerId: null },
  'tutorial-001-2.conf': lb('lb01', [['VI_1', 'MASTER', 55, 150, ['10.20.0.249/24'], []]]),
  'tutorial-001-3.conf': lb('lb02', [['VI_1', 'BACKUP', 55, 100, ['10.20.0.249/24'], []]]),
  'tutorial-001-4.conf': lb('lb01', [
    ['VI_1', 'MASTER', 55, 150, ['10.20.0.249/24'], []],
    ['VI_2', 'BACKUP', 56, 100, ['10.20.0.248/24'], []],
  ]),
  'tutorial-001-5.conf': lb('lb02', [
    ['VI_1', 'BACKUP', 55, 100, ['10.20.0.249/24'], []],
    ['VI_2', 'MASTER', 56, 150, ['10.20.0.248/24'], []],
  ]),
  'tutorial-001-6.conf': lb('lb01', [['VI_1', 'MASTER', 55, 150, ['10.20.0.249/24'], []]]),
  'tutorial-001-7.conf': lb('lb02', [['VI_1', 'BACKUP', 55, 100, ['10.20.0.249/24'], []]]),
  'tutorial-003-1.conf': {
    instances: [['VI_1', 'BACKUP', 10, 100, ['192.168.1.26'], ['check_pg_alived']]],
    scripts: [['check_pg_alived', '/usr/local/bin/pg_moniter.sh']],
    virtualServers: 0,
    authPass: { VI_1: 't9rveMP0Z9S1' },
    routerId: 'base1',
  },
  'tutorial-004-1.conf': { ...lb('1', [['VI_1', 'MASTER', 55, 100, ['10.0.6.190'], []]]), authPass: { VI_1: '1111' } },
  'tutorial-004-2.conf': lb('2', [['VI_1', 'BACKUP', 55, 99, ['10.0.6.190'], []]]),
  'tutorial-004-3.conf': {
    instances: [['VI_1', 'BACKUP', 55, 99, ['10.0.6.190'], ['chk_nginx']]],
    scripts: [['chk_nginx', '/etc/keepalived/ch_ng.sh']],
    virtualServers: 0,
    routerId: '2',
  },
  'upstream-HTTP_GET.port.conf': { instances: [], scripts: [], virtualServers: 1, routerId: 'LVS_DEVEL' },
  'upstream-IPv6.conf': { instances: [], scripts: [], virtualServers: 1, routerId: 'LVS_DEVEL' },
  'upstream-PING_CHECK.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-SMTP_CHECK.conf': { instances: [], scripts: [], virtualServers: 1, routerId: 'LVS_DEVEL' },
  'upstream-SSL_GET.conf': { instances: [['VI_1', 'MASTER', 51, 100, vips16, []]], scripts: [], virtualServers: 2, authPass: { VI_1: '1111' } },
  'upstream-UDP_CHECK.conf': { instances: [], scripts: [], virtualServers: 1 },
  // No config id given: neither the @high nor the @low lines apply.
  'upstream-conditional_conf.conf': { instances: [['VI_0', 'BACKUP', 1, null, ['10.1.0.254/32'], ['check_VI_0']]], scripts: [['check_VI_0', null]], virtualServers: 0 },
  'upstream-fwmark.conf': { instances: [], scripts: [], virtualServers: 1, routerId: 'io' },
  'upstream-inhibit.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-misc_check.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-misc_check_arg.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-quorum.conf': { instances: [], scripts: [], virtualServers: 1, routerId: null },
  'upstream-sample.conf': { instances: [['VI_1', null, 50, 100, ['192.168.200.11', '192.168.200.12', '192.168.200.13'], []]], scripts: [], virtualServers: 1 },
  'upstream-status_code.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-track_interface.conf': { instances: [['VI_1', 'MASTER', 51, 100, vips16, []]], scripts: [], virtualServers: 0 },
  'upstream-virtual_server_group.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-virtualhost.conf': { instances: [], scripts: [], virtualServers: 1 },
  'upstream-vrrp.conf': {
    instances: [
      ['VI_1', 'MASTER', 51, 100, [...vips16, '192.168.200.18'], []],
      ['VI_2', null, 50, 50, ['192.168.200.13', '192.168.200.14', '192.168.200.15'], []],
      ['VI_3', 'MASTER', 52, 100, ['192.168.201.13', '192.168.201.14', '192.168.201.15'], []],
      ['VI_4', null, 53, 50, ['192.168.201.16', '192.168.201.17', '192.168.201.18'], []],
    ],
    scripts: [],
    virtualServers: 0,
    authPass: { VI_1: '1111', VI_3: '1111' },
    routerId: 'LVS_DEVEL',
  },
  'upstream-vrrp.localcheck.conf': {
    instances: [
      ['VI_1', 'MASTER', 51, 100, ['192.168.200.18/25'], ['chk_sshd', 'chk_haproxy', 'chk_http_port', 'chk_https_port', 'chk_smtp_port']],
      ['VI_2', 'MASTER', 52, 100, ['192.168.201.18/26'], ['chk_haproxy', 'chk_http_port', 'chk_https_port', 'chk_smtp_port']],
      localcheckVI(3, 'eth0', 53, '192.168.200.19/27'),
      localcheckVI(4, 'eth1', 54, '192.168.201.19/28'),
      localcheckVI(5, 'eth0', 55, '192.168.200.20/27'),
      localcheckVI(6, 'eth0', 56, '192.168.200.21/27'),
      localcheckVI(7, 'eth0', 57, '192.168.200.22/27'),
      localcheckVI(8, 'eth0', 58, '192.168.200.23/27'),
      localcheckVI(9, 'eth0', 59, '192.168.200.24/27'),
    ],
    scripts: [
      ['chk_sshd', 'killall -0 sshd'],
      ['chk_haproxy', 'killall -0 haproxy'],
      ['chk_http_port', '</dev/tcp/127.0.0.1/80'],
      ['chk_https_port', '</dev/tcp/127.0.0.1/443'],
      ['chk_smtp_port', '</dev/tcp/127.0.0.1/25'],
    ],
    virtualServers: 0,
  },
  'upstream-vrrp.lvs_syncd.conf': {
    instances: [
      ['VI_1', 'MASTER', 51, 150, vips16, []],
      ['VI_2', null, 52, 100, ['192.168.200.19', '192.168.200.20', '192.168.200.21'], []],
      ['VI_3', null, 53, 100, ['192.168.201.19', '192.168.201.20', '192.168.201.21'], []],
    ],
    scripts: [],
    virtualServers: 1,
    // The sync group lists instances without a `group { }` block: keepalived does not know these words there.
    unknown: [
      [4, 'VI_2'],
      [5, 'VI_3'],
    ],
    authPass: { VI_1: 'grr02' },
  },
  'upstream-vrrp.routes.conf': { instances: [['VI_1', 'MASTER', 51, 100, vips16, []]], scripts: [], virtualServers: 0 },
  'upstream-vrrp.rules.conf': { instances: [['VI_1', 'MASTER', 51, 100, vips16, []]], scripts: [], virtualServers: 0 },
  'upstream-vrrp.scripts.conf': {
    instances: [
      ['VI_1', 'MASTER', 51, 100, vips16, []],
      ['VI_2', 'MASTER', 52, 150, ['192.168.200.100/27'], []],
      ['VI_3', 'MASTER', 53, 150, ['192.168.200.101/27'], []],
    ],
    scripts: [],
    virtualServers: 0,
  },
  'upstream-vrrp.static_ipaddress.conf': { instances: [['VI_1', 'MASTER', 51, 100, ['192.168.200.20'], []]], scripts: [], virtualServers: 0 },
  'upstream-vrrp.sync.conf': {
    instances: [
      ['VI_1', 'MASTER', 51, 100, ['192.168.200.18/25'], []],
      ['VI_2', 'MASTER', 52, 100, ['192.168.201.18/26'], []],
      ['VI_3', null, 53, 100, ['192.168.200.19/27'], []],
      ['VI_4', null, 54, 100, ['192.168.201.19/28'], []],
      ['VI_5', 'MASTER', 55, 100, ['192.168.200.20/27'], []],
      ['VI_6', 'MASTER', 56, 100, ['192.168.200.21/27'], []],
      ['VI_7', 'MASTER', 57, 100, ['192.168.200.22/27'], []],
      ['VI_8', 'MASTER', 58, 100, ['192.168.200.23/27'], []],
      ['VI_9', 'MASTER', 59, 100, ['192.168.200.24/27'], []],
    ],
    scripts: [],
    virtualServers: 0,
  },
};

const host = new LocalHost('/');

test('every sample in ../shared/samples has an expectation table', () => {
  const files = readdirSync(samplesDir).filter((f) => f.endsWith('.conf')).sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [file, want] of Object.entries(EXPECTED)) {
  test(`sample ${file}: instances, VRIDs, priorities, VIPs, scripts`, async () => {
    const path = join(samplesDir, file);
    const { config, diagnostics } = await parseConfig(host, path);
    const got: Inst[] = config.vrrpInstances.map((i) => [i.name, i.state, i.virtualRouterId, i.priority, i.virtualIpaddress.map((v) => v.address), i.trackScript.map((e) => e.name)]);
    assert.deepEqual(got, want.instances);
    assert.deepEqual(
      config.vrrpScripts.map((s) => [s.name, s.script]),
      want.scripts,
    );
    assert.equal(config.virtualServers.length, want.virtualServers);
    const unknown = diagnostics.filter((d) => d.code === 'unknown-keyword');
    assert.deepEqual(
      unknown.map((d) => [d.line, /'(.*)'/.exec(d.message)![1]]),
      want.unknown ?? [],
    );
    for (const d of unknown) assert.equal(d.file, path);
    assert.deepEqual(
      diagnostics.filter((d) => d.code !== 'unknown-keyword'),
      [],
      'no other diagnostics',
    );
    for (const [name, pass] of Object.entries(want.authPass ?? {})) {
      assert.equal(config.vrrpInstances.find((i) => i.name === name)?.authentication?.authPass, pass);
    }
    if (want.routerId !== undefined) assert.equal(config.globalDefs?.routerId ?? null, want.routerId);
  });
}

test('the conditional sample with config id "high" takes the @high lines only', async () => {
  const { config } = await parseConfig(host, join(samplesDir, 'upstream-conditional_conf.conf'), { configId: 'high' });
  assert.equal(config.vrrpInstances[0]!.priority, 170);
  assert.equal(config.vrrpScripts[0]!.script, '/etc/keepalived/scripts/check_high_VI_0.sh');
  assert.deepEqual(config.other, [{ keyword: 'net_namespace', args: ['high'], block: null }]);
  const low = await parseConfig(host, join(samplesDir, 'upstream-conditional_conf.conf'), { configId: 'low' });
  assert.equal(low.config.vrrpInstances[0]!.priority, 85);
});

test('the prose line is reported at its line and column, and parsing goes on', async () => {
  const path = join(samplesDir, 'tutorial-000-1.with-prose.conf');
  const { config, diagnostics } = await parseConfig(host, path);
  const d = diagnostics.find((x) => x.code === 'unknown-keyword')!;
  assert.equal(`${d.file}:${d.line}:${d.column}`, `${path}:2:1`);
  assert.match(d.message, /unknown keyword '仅保留router_id'/);
  // The prose is kept (never silently dropped), and the instance after it is read.
  assert.equal(config.other[0]!.keyword, '仅保留router_id');
  assert.equal(config.vrrpInstances[0]!.virtualIpaddress[0]!.dev, 'eth1');
  assert.equal(config.vrrpInstances[0]!.virtualIpaddress[0]!.label, 'eth1:1');
});
