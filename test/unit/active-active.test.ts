/**
 * active-active (双主): the answers, the pair derivation and the keepalived.conf they make.
 * Each bad input is refused naming its field, its value and what is accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAnswers, type InterfaceFacts } from '../../src/setup/answers.js';
import { derivePairAnswers, pairMismatches, type PairNodeView } from '../../src/setup/pair.js';
import { buildKeepalivedConfig } from '../../src/setup/keepalived-config.js';
import { renderConfig } from '../../src/keepalived/render.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { validateConfig } from '../../src/keepalived/validate.js';
import { existingAnswersFromConfig } from '../../src/setup/existing.js';
import { peerCommand } from '../../src/setup/steps.js';
import { lastState, verifyPair } from '../../src/setup/verify.js';
import type { ClusterNode } from '../../src/nodes/types.js';
import type { Host } from '../../src/host/types.js';
import type { ServiceControl } from '../../src/system/service-control.js';
import { UserError } from '../../src/errors.js';

const eth0 = (address: string): InterfaceFacts[] => [
  { name: 'lo', up: true, loopback: true, ipv4: ['127.0.0.1/8'], ipv6: [], default: false },
  { name: 'eth0', up: true, loopback: false, ipv4: [`${address}/24`], ipv6: [], default: true },
];
const base = { role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'web1' };

function refused(raw: Record<string, unknown>, field: string, pattern: RegExp): void {
  assert.throws(
    () => validateAnswers(raw, eth0('192.0.2.11')),
    (e: unknown) => e instanceof UserError && e.field === field && pattern.test(e.message),
    `expected a UserError naming ${field}`,
  );
}

test('active-active: the second instance gets its own VRID and the mirrored priority', () => {
  const a = validateAnswers({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24'] }, eth0('192.0.2.11'));
  assert.equal(a.mode, 'active-active');
  assert.equal(a.vrid, 50);
  assert.equal(a.secondVrid, 51);
  assert.equal(a.priority, 150);
  assert.equal(a.secondPriority, 100);
  const b = validateAnswers({ ...base, role: 'backup', mode: 'active-active', secondVips: ['192.0.2.51'] }, eth0('192.0.2.12'));
  assert.equal(b.priority, 100);
  assert.equal(b.secondPriority, 150);
  assert.deepEqual(b.secondVips, ['192.0.2.51/24'], 'the prefix comes from the interface');
});

test('a --second-vip alone means active-active; active-standby has no second instance', () => {
  assert.equal(validateAnswers({ ...base, secondVips: ['192.0.2.51/24'] }, eth0('192.0.2.11')).mode, 'active-active');
  const plain = validateAnswers(base, eth0('192.0.2.11'));
  assert.equal(plain.mode, 'active-standby');
  assert.deepEqual(plain.secondVips, []);
  assert.equal(plain.secondVrid, null);
});

test('a second VIP derived onto the first VRID moves to the next free one', () => {
  // 192.0.2.50 and 10.0.0.50 would both derive VRID 50.
  const ifs: InterfaceFacts[] = [...eth0('192.0.2.11')];
  ifs[1] = { ...ifs[1]!, ipv4: ['192.0.2.11/24', '198.51.100.11/24'] };
  const a = validateAnswers({ ...base, mode: 'active-active', secondVips: ['198.51.100.50/24'] }, ifs);
  assert.equal(a.vrid, 50);
  assert.equal(a.secondVrid, 51);
});

test('bad active-active input is refused with the field, the value and what is accepted', () => {
  refused({ ...base, mode: 'active-active' }, '--second-vip', /second instance's VIP/);
  refused({ ...base, mode: 'active-active', secondVips: ['192.0.2.50/24'] }, '--second-vip', /"192\.0\.2\.50\/24".*already a VIP of the first instance/s);
  refused({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24', '192.0.2.51'] }, '--second-vip', /given twice/);
  refused({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24'], vrid: 51, secondVrid: 51 }, '--second-vrid', /"51".*other than 51/s);
  refused({ ...base, mode: 'active-active', secondVips: ['10.9.9.9/24'] }, '--second-vip', /10\.9\.9\.9/);
  refused({ ...base, mode: 'active-standby', secondVips: ['192.0.2.51/24'] }, '--second-vip', /only with --mode active-active/);
  refused({ ...base, mode: 'dual' }, '--mode', /"dual".*active-standby, active-active/s);
  refused({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24'], secondPriority: 255 }, '--second-priority', /255/);
  refused({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24'], peers: ['192.0.2.51'] }, '--peer', /192\.0\.2\.51/);
});

const node = (label: string, address: string): PairNodeView => ({ label, interfaces: eth0(address), hostname: label });

test('pair mode derives both nodes: one VRID each instance, priorities mirrored, each node wins one', () => {
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', mode: 'active-active', secondVips: ['192.0.2.51/24'], authPass: 'pw' }, [node('web1', '192.0.2.11'), node('web2', '192.0.2.12')]);
  assert.deepEqual([x.priority, x.secondPriority], [150, 100]);
  assert.deepEqual([y.priority, y.secondPriority], [100, 150]);
  assert.equal(x.secondVrid, y.secondVrid);
  assert.notEqual(x.vrid, x.secondVrid);
  assert.deepEqual(pairMismatches(x, y), []);
  assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', mode: 'active-active', secondVips: ['192.0.2.51/24'], secondPriority: 120, authPass: 'pw' }, [node('a', '192.0.2.11'), node('b', '192.0.2.12')]), (e: unknown) => e instanceof UserError && e.field === '--second-priority');
});

test('the config: two instances with their own VIPs and VRIDs, opposite states, one check tracked by both', async () => {
  const a = validateAnswers({ ...base, mode: 'active-active', secondVips: ['192.0.2.51/24'], peers: ['192.0.2.12'] }, eth0('192.0.2.11'));
  const text = renderConfig(buildKeepalivedConfig(a, { checkScriptPath: '/etc/keepalived/check_nginx.sh', scriptUser: 'keepalived_script', unicastSrcIp: '192.0.2.11', keepalivedVersion: '2.2.7' }));
  const parsed = await parseConfigText(text);
  const [vi1, vi2] = parsed.config.vrrpInstances;
  assert.equal(parsed.config.vrrpInstances.length, 2);
  assert.deepEqual([vi1!.name, vi1!.state, vi1!.virtualRouterId, vi1!.priority], ['VI_1', 'MASTER', 50, 150]);
  assert.deepEqual([vi2!.name, vi2!.state, vi2!.virtualRouterId, vi2!.priority], ['VI_2', 'BACKUP', 51, 100]);
  assert.deepEqual(vi1!.virtualIpaddress.map((v) => v.address), ['192.0.2.50/24']);
  assert.deepEqual(vi2!.virtualIpaddress.map((v) => v.address), ['192.0.2.51/24']);
  assert.deepEqual([vi1!.trackScript.map((t) => t.name), vi2!.trackScript.map((t) => t.name)], [['chk_nginx'], ['chk_nginx']]);
  assert.deepEqual(vi2!.unicastPeer, ['192.0.2.12']);
  assert.equal(parsed.config.vrrpScripts.length, 1);
  assert.deepEqual((await validateConfig(parsed.config, { interfaces: eth0('192.0.2.11') })).filter((f) => f.severity === 'error'), []);

  // Read back on a re-run, the file gives the same answers.
  const again = existingAnswersFromConfig(parsed.config, {});
  assert.equal(again.mode, 'active-active');
  assert.deepEqual(again.secondVips, ['192.0.2.51/24']);
  assert.equal(again.secondVrid, 51);
  assert.equal(again.secondPriority, 100);

  // The other node's command sets up the mirror image.
  const cmd = peerCommand(a, '192.0.2.11');
  const after = (flag: string) => cmd[cmd.indexOf(flag) + 1];
  assert.equal(after('--role'), 'backup');
  assert.equal(after('--mode'), 'active-active');
  assert.equal(after('--second-vip'), '192.0.2.51/24');
  assert.equal(after('--second-vrid'), '51');
});

test('the state of one instance is read from its own log lines, on 1.x and 2.x', () => {
  const lines = ['Keepalived_vrrp[1]: VRRP_Instance(VI_1) Entering MASTER STATE', 'Keepalived_vrrp[2]: (VI_2) Entering BACKUP STATE'];
  assert.equal(lastState(lines, 'VI_1'), 'MASTER');
  assert.equal(lastState(lines, 'VI_2'), 'BACKUP');
  assert.equal(lastState(lines), 'BACKUP');
  assert.equal(lastState(['(VI_10) Entering FAULT STATE'], 'VI_1'), null);
});

/** A node as verifyPair sees it: the VIPs on eth0 and keepalived's log. */
function fakeNode(label: string, vips: string[], log: string[]): ClusterNode {
  const host = {
    label,
    exec: async () => ({ exitCode: 0, stdout: JSON.stringify([{ addr_info: vips.map((local) => ({ local })) }]), stderr: '' }),
  } as unknown as Host;
  const services = { isActive: async () => true, recentLogs: async () => log } as unknown as ServiceControl;
  return { label, factsHost: host, applyHost: host, services };
}

test('pair verify: an instance is settled only on its preferred node (after a reload the other may hold it a while)', async () => {
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', mode: 'active-active', secondVips: ['192.0.2.51/24'], authPass: 'pw' }, [node('web1', '192.0.2.11'), node('web2', '192.0.2.12')]);
  // web1 was reloaded first and took VI_2 while web2 still ran the old file.
  const early = [
    fakeNode('web1', ['192.0.2.50', '192.0.2.51'], ['(VI_1) Entering MASTER STATE', '(VI_2) Entering MASTER STATE']),
    fakeNode('web2', [], ['(VI_1) Entering BACKUP STATE', '(VI_2) Entering BACKUP STATE']),
  ];
  const waiting = await verifyPair(early, [x, y], 300);
  assert.equal(waiting.ok, false);
  assert.deepEqual(waiting.instances.map((i) => i.ok), [true, false]);
  const settled = [
    fakeNode('web1', ['192.0.2.50'], ['(VI_1) Entering MASTER STATE', '(VI_2) Entering BACKUP STATE']),
    fakeNode('web2', ['192.0.2.51'], ['(VI_1) Entering BACKUP STATE', '(VI_2) Entering MASTER STATE']),
  ];
  const done = await verifyPair(settled, [x, y], 300);
  assert.equal(done.ok, true);
  assert.deepEqual(done.instances.map((i) => i.vipHolder), ['web1', 'web2']);
});
