import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nftVrrpStatus, iptablesVrrpStatus, firewalldVrrpStatus, ufwVrrpStatus, allowVrrpSteps } from '../../src/firewall/vrrp.js';
import { fixturesDir } from '../helpers/paths.js';

// Rulesets printed by nft 1.0.6 / iptables 1.8.9 (nf_tables) in a throw-away namespace.
const fixture = (name: string) => readFileSync(join(fixturesDir, 'firewall', name), 'utf8');

test('nftables: an input chain with policy drop and no VRRP rule blocks VRRP', () => {
  const s = nftVrrpStatus(fixture('nft-policy-drop.txt'));
  assert.equal(s.allowed, false);
  assert.deepEqual(s.blockingChains, ['inet filter input']);
  assert.equal(s.evidence, 'chain input policy drop');
});

test('nftables: a VRRP accept rule ahead of the drop lets it in', () => {
  assert.equal(nftVrrpStatus(fixture('nft-vrrp-accepted.txt')).allowed, true);
});

test('nftables: an explicit drop of protocol 112 blocks it', () => {
  const s = nftVrrpStatus(fixture('nft-vrrp-dropped.txt'));
  assert.equal(s.allowed, false);
  assert.equal(s.evidence, 'ip protocol vrrp drop');
});

test('nftables: an accepting chain or no input chain at all lets VRRP in', () => {
  assert.equal(nftVrrpStatus(fixture('nft-after-iptables.txt')).allowed, true);
  assert.equal(nftVrrpStatus('').allowed, true);
});

test('iptables: policy, explicit drops and accepts are read in order', () => {
  assert.equal(iptablesVrrpStatus(fixture('iptables-empty.txt')).allowed, true);
  assert.equal(iptablesVrrpStatus(fixture('iptables-policy-drop.txt')).allowed, false);
  assert.equal(iptablesVrrpStatus(fixture('iptables-vrrp-accepted.txt')).allowed, true);
  const dropped = iptablesVrrpStatus(fixture('iptables-vrrp-dropped.txt'));
  assert.equal(dropped.allowed, false);
  assert.equal(dropped.evidence, '-A INPUT -p vrrp -j DROP');
  assert.equal(iptablesVrrpStatus('-P INPUT ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n').allowed, false);
});

test('firewalld: the vrrp protocol, service or a rich rule count as allowed', () => {
  const zone = (protocols: string, extra = '') => `public (active)\n  target: default\n  services: dhcpv6-client ssh\n  protocols:${protocols}\n  rich rules:\n${extra}`;
  assert.equal(firewalldVrrpStatus(zone(' vrrp')).allowed, true);
  assert.equal(firewalldVrrpStatus(zone('', '\trule protocol value="vrrp" accept\n')).allowed, true);
  assert.equal(firewalldVrrpStatus(zone('')).allowed, false);
});

test('ufw: inactive lets everything in; an active ufw needs a vrrp rule', () => {
  assert.equal(ufwVrrpStatus('Status: inactive\n', []).allowed, true);
  assert.equal(ufwVrrpStatus('Status: active\n', ['-A ufw-user-input -p tcp --dport 22 -j ACCEPT']).allowed, false);
  assert.equal(ufwVrrpStatus('Status: active\n', ['-A ufw-user-input -p vrrp -d 224.0.0.18 -j ACCEPT']).allowed, true);
});

test('the persistent commands per firewall, as exact argv', () => {
  const base = { family: 'rhel' as const, peers: [], ipv6: false, blockingChains: ['inet filter input'] };
  assert.deepEqual(
    allowVrrpSteps({ kind: 'firewalld', running: true }, base).map((s) => s.argv),
    [
      ['firewall-cmd', '--permanent', '--add-protocol=vrrp'],
      ['firewall-cmd', '--add-protocol=vrrp'],
    ],
  );
  const ipt = allowVrrpSteps({ kind: 'iptables', running: true }, { ...base, family: 'debian' });
  assert.deepEqual(ipt.map((s) => s.argv), [['iptables', '-I', 'INPUT', '1', '-p', 'vrrp', '-j', 'ACCEPT'], ['iptables-save']]);
  assert.equal(ipt[1]!.saveTo!.path, '/etc/iptables/rules.v4');
  const nft = allowVrrpSteps({ kind: 'nftables', running: true }, base);
  assert.deepEqual(nft[0]!.argv, ['nft', 'insert', 'rule', 'inet', 'filter', 'input', 'meta', 'l4proto', 'vrrp', 'accept']);
  assert.equal(nft[1]!.saveTo!.path, '/etc/sysconfig/nftables.conf');
  assert.deepEqual(
    allowVrrpSteps({ kind: 'ufw', running: true }, { ...base, peers: ['192.0.2.12'] }).map((s) => s.argv),
    [['ufw', 'allow', 'from', '192.0.2.12', 'proto', 'vrrp']],
  );
  assert.deepEqual(
    allowVrrpSteps({ kind: 'ufw', running: true }, base).map((s) => s.argv),
    [['ufw', 'allow', 'to', '224.0.0.18', 'proto', 'vrrp']],
  );
  assert.deepEqual(allowVrrpSteps({ kind: 'none', running: null }, base), []);
});
