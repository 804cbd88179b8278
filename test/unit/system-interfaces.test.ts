import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { fixturesDir } from '../helpers/paths.js';
import { interfacesFromSystemInformation, maskToPrefix, parseIpJson, readInterfaces, type SiInterface } from '../../src/system/interfaces.js';
import { LocalHost } from '../../src/host/local.js';

const fx = (name: string) => readFileSync(join(fixturesDir, 'system', name), 'utf8');

test('parseIpJson: real `ip -j` output of a root namespace', () => {
  const list = parseIpJson(fx('ip-addr-root.json'), fx('ip-route-root.json'), fx('ip-route6-root.json'));
  assert.deepEqual(list.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  const lo = list.find((i) => i.name === 'lo')!;
  assert.deepEqual(lo, { name: 'lo', up: true, ipv4: ['127.0.0.1/8'], ipv6: ['::1/128'], mac: '00:00:00:00:00:00', default: false, loopback: true });
  const eth0 = list.find((i) => i.name === 'eth0')!;
  assert.equal(eth0.up, true);
  assert.equal(eth0.default, true);
  assert.deepEqual(eth0.ipv4, ['192.0.2.2/24']);
  assert.deepEqual(eth0.ipv6, ['fd00::2/64', 'fe80::fc:ff:fe00:1/64']);
  assert.equal(eth0.mac, '02:fc:00:00:00:01');
  const ifb0 = list.find((i) => i.name === 'ifb0')!;
  assert.equal(ifb0.up, false, 'an interface without UP is down');
  assert.deepEqual(ifb0.ipv4, []);
  assert.equal(list.filter((i) => i.default).length, 1);
});

test('parseIpJson: real `ip -j` output inside a dt- namespace with a veth holding 192.0.2.11/24', () => {
  const list = parseIpJson(fx('ip-addr-netns.json'), fx('ip-route-netns.json'), fx('ip-route6-netns.json'));
  assert.deepEqual(list.map((i) => i.name), ['lo', 'veth-a']);
  const veth = list[1]!;
  assert.deepEqual(veth.ipv4, ['192.0.2.11/24']);
  assert.equal(veth.ipv6.length, 1);
  assert.match(veth.ipv6[0]!, /^fe80::.*\/64$/);
  assert.equal(veth.default, true, 'the default route via 192.0.2.12 leaves through veth-a');
  assert.equal(veth.up, true);
  assert.equal(veth.loopback, false);
  assert.match(veth.mac!, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
});

test('parseIpJson: routes are optional, garbage is an error', () => {
  const list = parseIpJson(fx('ip-addr-netns.json'), '');
  assert.equal(list.some((i) => i.default), false);
  assert.throws(() => parseIpJson('not json', '[]'));
});

test('systeminformation fallback: real output of this machine, masks to prefixes', () => {
  const si = JSON.parse(fx('si-network-interfaces.json')) as SiInterface[];
  const list = interfacesFromSystemInformation(si);
  const eth0 = list.find((i) => i.name === 'eth0')!;
  assert.deepEqual(eth0, { name: 'eth0', up: true, ipv4: ['192.0.2.2/24'], ipv6: ['fd00::2/64'], mac: '02:fc:00:00:00:01', default: true, loopback: false });
  assert.equal(list.find((i) => i.name === 'lo')!.loopback, true);
  assert.equal(maskToPrefix('255.255.252.0'), 22);
  assert.equal(maskToPrefix('ffff:ffff:ffff:ffff::'), 64);
});

test('readInterfaces on this machine agrees with `ip route` about the default interface', async () => {
  const r = await readInterfaces(new LocalHost('/'));
  assert.equal(r.source, 'ip');
  const routes = JSON.parse((await execa('ip', ['-j', 'route', 'show', 'default'])).stdout) as Array<{ dev: string }>;
  const want = routes.map((x) => x.dev).sort();
  const got = r.interfaces.filter((i) => i.default && i.ipv4.length > 0).map((i) => i.name).sort();
  for (const dev of want) assert.ok(got.includes(dev), `${dev} holds the default route`);
  assert.ok(r.interfaces.some((i) => i.loopback));
});
