import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/paths.js';
import {
  decideFirewall, iptablesHasRules, nftHasInputHook, parseFirewalldState, parseIptablesVersion, parseUfwStatus, type FirewallProbes,
} from '../../src/system/firewall.js';
import { saysNeedsRoot } from '../../src/system/gaps.js';

// Outputs recorded on Debian 12 (iptables 1.8.9, nftables 1.0.6) inside a dt- namespace.
const fx = (name: string) => readFileSync(join(fixturesDir, 'system', name), 'utf8');
const ran = (stdout: string, exitCode = 0, stderr = '') => ({ stdout, stderr, exitCode, notFound: false });
const absent = { stdout: '', stderr: '', exitCode: 127, notFound: true };

test('iptables --version names the backend', () => {
  assert.equal(parseIptablesVersion(fx('iptables-version-nft.txt')), 'nf_tables');
  assert.equal(parseIptablesVersion(fx('iptables-version-legacy.txt')), 'legacy');
  assert.equal(parseIptablesVersion('iptables v1.4.21'), null);
});

test('iptables -S: policies alone are not rules, an -A line is', () => {
  assert.equal(iptablesHasRules(fx('iptables-S-empty.txt')), false);
  assert.equal(iptablesHasRules(fx('iptables-S-vrrp.txt')), true);
  assert.equal(iptablesHasRules('-P INPUT DROP\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n'), true);
});

test('nft list ruleset: an input hook means nftables filters', () => {
  assert.equal(nftHasInputHook(fx('nft-ruleset-empty.txt')), false);
  assert.equal(nftHasInputHook(fx('nft-ruleset-input.txt')), true);
  assert.equal(nftHasInputHook(fx('nft-ruleset-from-iptables-nft.txt')), true);
});

test('non-root refusals are recognised as permission problems', () => {
  assert.equal(saysNeedsRoot(fx('nft-ruleset-nonroot.stderr.txt')), true);
  assert.equal(saysNeedsRoot(fx('iptables-S-nonroot.stderr.txt')), true);
});

test('firewall-cmd --state and ufw status (strings from the reference, §9)', () => {
  assert.deepEqual(parseFirewalldState(ran('running\n')), { installed: true, running: true });
  assert.deepEqual(parseFirewalldState(ran('', 252, 'not running\n')), { installed: true, running: false });
  assert.deepEqual(parseFirewalldState(absent), { installed: false, running: false });
  assert.deepEqual(parseUfwStatus(ran('Status: inactive\n')), { installed: true, active: false });
  assert.deepEqual(parseUfwStatus(ran('Status: active\n\nTo                         Action      From\n')), { installed: true, active: true });
  assert.equal(parseUfwStatus(ran('', 1, 'ERROR: You need to be root to run this script\n')), null);
});

const none: FirewallProbes = {
  firewalld: { installed: false, running: false },
  ufw: { installed: false, active: false },
  iptables: { installed: true, backend: 'nf_tables', hasRules: false },
  nftables: { installed: true, inputHook: false },
};

test('precedence: nothing filtering is none', () => {
  assert.deepEqual(decideFirewall(none), { kind: 'none', running: false });
});

test('precedence: iptables rules (nf_tables backend) win over the nft view of the same rules', () => {
  const p: FirewallProbes = {
    ...none,
    iptables: { installed: true, backend: parseIptablesVersion(fx('iptables-version-nft.txt')), hasRules: iptablesHasRules(fx('iptables-S-vrrp.txt')) },
    nftables: { installed: true, inputHook: nftHasInputHook(fx('nft-ruleset-from-iptables-nft.txt')) },
  };
  assert.deepEqual(decideFirewall(p), { kind: 'iptables', running: true, backend: 'nf_tables' });
});

test('precedence: native nftables input chain without iptables rules', () => {
  const p: FirewallProbes = { ...none, nftables: { installed: true, inputHook: nftHasInputHook(fx('nft-ruleset-input.txt')) } };
  assert.deepEqual(decideFirewall(p), { kind: 'nftables', running: true });
});

test('precedence: firewalld running beats everything it wrote below it; ufw beats iptables', () => {
  const busy: FirewallProbes = {
    firewalld: { installed: true, running: true },
    ufw: { installed: true, active: true },
    iptables: { installed: true, backend: 'nf_tables', hasRules: true },
    nftables: { installed: true, inputHook: true },
  };
  assert.equal(decideFirewall(busy).kind, 'firewalld');
  assert.deepEqual(decideFirewall({ ...busy, firewalld: { installed: false, running: false } }), { kind: 'ufw', running: true });
});

test('precedence: a stopped firewalld is named only when nothing else filters', () => {
  const stopped: FirewallProbes = { ...none, firewalld: { installed: true, running: false } };
  assert.deepEqual(decideFirewall(stopped), { kind: 'firewalld', running: false });
  assert.equal(decideFirewall({ ...stopped, nftables: { installed: true, inputHook: true } }).kind, 'nftables');
  assert.deepEqual(decideFirewall({ ...none, ufw: { installed: true, active: false } }), { kind: 'ufw', running: false });
});

test('unknown probes (null, e.g. without root) never invent a firewall', () => {
  assert.deepEqual(decideFirewall({ firewalld: null, ufw: null, iptables: null, nftables: null }), { kind: 'none', running: false });
});
