/** The pair's answers: one set in, two consistent node answers out; every bad input named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivePairAnswers, pairMismatches, type PairNodeView } from '../../src/setup/pair.js';
import { addressFor, routerIdFrom } from '../../src/setup/steps.js';
import { UserError } from '../../src/errors.js';
import type { InterfaceFacts } from '../../src/setup/answers.js';

function node(label: string, address: string, hostname = label, iface = 'eth0'): PairNodeView {
  const interfaces: InterfaceFacts[] = [
    { name: 'lo', up: true, loopback: true, ipv4: ['127.0.0.1/8'], ipv6: [], default: false },
    { name: iface, up: true, loopback: false, ipv4: [`${address}/24`], ipv6: [], default: true },
  ];
  return { label, interfaces, hostname };
}

const a = node('root@192.0.2.11', '192.0.2.11', 'web1.example.net');
const b = node('root@192.0.2.12', '192.0.2.12', 'web2.example.net');

test('roles, priorities, unicast peers and router_ids are derived; shared values are the same objects', () => {
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'k3pAl1ve' }, [a, b]);
  assert.equal(x.role, 'MASTER');
  assert.equal(y.role, 'BACKUP');
  assert.equal(x.priority, 150);
  assert.equal(y.priority, 100);
  assert.deepEqual(x.peers, ['192.0.2.12']);
  assert.deepEqual(y.peers, ['192.0.2.11']);
  assert.equal(x.routerId, 'web1');
  assert.equal(y.routerId, 'web2');
  assert.equal(x.vrid, 50, 'VRID from the VIP\'s last byte');
  assert.equal(x.vrid, y.vrid);
  assert.equal(x.authPass, y.authPass);
  assert.equal(x.vip, '192.0.2.50/24');
  assert.deepEqual(pairMismatches(x, y), []);
});

test('nodes sharing one host name get router_ids told apart by their address', () => {
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw' }, [node('A', '192.0.2.11', 'box'), node('B', '192.0.2.12', 'box')]);
  assert.equal(x.routerId, 'box-192-0-2-11');
  assert.equal(y.routerId, 'box-192-0-2-12');
});

test('each node uses its own default interface unless one is named', () => {
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw', vrid: 7 }, [node('A', '192.0.2.11', 'a', 'eth0'), node('B', '192.0.2.12', 'b', 'ens3')]);
  assert.equal(x.interface, 'eth0');
  assert.equal(y.interface, 'ens3');
  assert.equal(y.vrid, 7);
});

test('role, priority, peers and router_id cannot be given in pair mode', () => {
  for (const key of ['role', 'priority', 'peers', 'routerId'] as const) {
    assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw', [key]: key === 'priority' ? 120 : 'x' }, [a, b]), (e: unknown) => e instanceof UserError && /derived/.test(e.message), key);
  }
});

test('a VIP outside the second node\'s subnet names that node', () => {
  const far = node('root@198.51.100.12', '198.51.100.12');
  assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw' }, [a, far]), (e: unknown) => e instanceof UserError && e.message.includes('root@198.51.100.12'));
});

test('two targets that are one machine are refused', () => {
  assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw' }, [a, node('other-name', '192.0.2.11')]), (e: unknown) => e instanceof UserError && e.field === '--host');
});

test('missing VIP and bad password are usage errors', () => {
  assert.throws(() => derivePairAnswers({ authPass: 'pw' }, [a, b]), (e: unknown) => e instanceof UserError && e.field === '--vip');
  assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'far too long' }, [a, b]), (e: unknown) => e instanceof UserError && e.field === '--auth-pass');
});

test('addressFor picks the address in the VIP subnet; routerIdFrom keeps what keepalived.conf tolerates', () => {
  const ifaces: InterfaceFacts[] = [{ name: 'eth0', up: true, loopback: false, ipv4: ['10.0.0.5/8', '192.0.2.21/24'], ipv6: [], default: true }];
  assert.equal(addressFor(ifaces, 'eth0', '192.0.2.50/24'), '192.0.2.21');
  assert.equal(addressFor(ifaces, 'eth9', '192.0.2.50/24'), null);
  assert.equal(routerIdFrom('Web Node#1.example'), 'Web-Node-1');
  assert.equal(routerIdFrom(''), 'node');
});

test('a node already holding the VIP (re-run on a working pair) is not mistaken for owning that address', () => {
  const holder = node('A', '192.0.2.11');
  holder.interfaces[1]!.ipv4.push('192.0.2.50/24');
  const [x] = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'pw' }, [holder, b]);
  assert.equal(x.vip, '192.0.2.50/24');
  assert.deepEqual(x.peers, ['192.0.2.12']);
});

test('several VIPs: both nodes get all of them, the first gives the VRID; one outside a node\'s subnet names that node', () => {
  const [x, y] = derivePairAnswers({ vip: ['192.0.2.50/24', '192.0.2.51'], authPass: 'k3pAl1ve' }, [a, b]);
  assert.equal(x.vip, '192.0.2.50/24');
  assert.deepEqual(x.extraVips, ['192.0.2.51/24']);
  assert.deepEqual(y.extraVips, x.extraVips);
  assert.equal(x.vrid, 50);
  assert.deepEqual(pairMismatches(x, { ...y, extraVips: [] }), ['extraVips']);
  const far = node('root@198.51.100.12', '198.51.100.12');
  assert.throws(() => derivePairAnswers({ vip: ['192.0.2.50/24', '192.0.2.51/24'], authPass: 'k3pAl1ve' }, [a, far]), (e: unknown) => e instanceof UserError && e.field === '--vip' && /root@198\.51\.100\.12/.test(e.message));
});

test('both nodes get the same notification channels, validated once for each; a bad one names its flag', () => {
  const notify = { wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', smtp: { host: 'smtp.example.com:587', starttls: true } };
  const [x, y] = derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'k3pAl1ve', email: 'ops@example.com', notify }, [a, b]);
  assert.equal(x.notify?.wecom, notify.wecom);
  assert.deepEqual(x.notify, y.notify);
  assert.equal(x.notify?.smtp?.port, 587);
  assert.deepEqual(pairMismatches(x, y), []);
  assert.deepEqual(pairMismatches(x, { ...y, notify: null }), ['notify']);
  assert.throws(() => derivePairAnswers({ vip: '192.0.2.50/24', authPass: 'k3pAl1ve', notify: { wecom: 'http://10.0.0.1/x' } }, [a, b]), (e: unknown) => e instanceof UserError && e.field === '--notify-wecom');
});
