// The six wire checks on what real keepalived 2.2.7 did in the lab, per fault and node
// (recorded by test/fixtures/doctor-wire/record.ts: capture, stats before/after, data dump,
// log, facts, VIP holder, ARP answers, firewall verdict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replay, runCheck, WIRE_FIXTURES } from './doctor-wire-replay.js';
import { check as multicast } from '../../checks/multicast.js';
import { check as peerAuth } from '../../checks/peer-auth.js';
import { check as vipPlacement } from '../../checks/vip-placement.js';
import { check as vridConflict } from '../../checks/vrid-conflict.js';
import { check as advertInterval } from '../../checks/advert-interval.js';
import { check as unicast } from '../../checks/unicast.js';
import type { Check, CheckStatus } from '../../checks/types.js';
import { setLang } from '../../src/i18n/index.js';

setLang('en');

const CHECKS: Record<string, Check> = {
  multicast,
  'peer-auth': peerAuth,
  'vip-placement': vipPlacement,
  'vrid-conflict': vridConflict,
  'advert-interval': advertInterval,
  unicast,
};

type Row = Partial<Record<keyof typeof CHECKS, CheckStatus>>;

/**
 * What each check must say on each recorded node. Checks not named must be ok. Each row
 * was read against the recording: the log, the counters and the capture of that node.
 */
const EXPECTED: Record<string, Row> = {
  'healthy/ha1': {},
  'healthy/ha2': {},
  // ha2 drops VRRP in nftables: it sees ha1's adverts on the wire, counts none, became MASTER.
  'firewall-nft/ha2': { multicast: 'fail', 'vip-placement': 'fail' },
  // ha1 hears ha2 advertising as a second MASTER, and ha2 answers ARP for the VIP.
  'firewall-nft/ha1': { multicast: 'warn', 'vip-placement': 'fail' },
  'firewall-iptables/ha2': { multicast: 'fail', 'vip-placement': 'fail' },
  // The bridge drops VRRP: each node hears only itself, and both answer for the VIP.
  'bridge-multicast/ha2': { multicast: 'fail', 'vip-placement': 'fail' },
  'bridge-multicast/ha1': { multicast: 'fail', 'vip-placement': 'fail' },
  'password/ha2': { 'peer-auth': 'fail', 'vip-placement': 'fail' },
  'password/ha1': { 'peer-auth': 'fail', 'vip-placement': 'fail' },
  'foreign-vrid/ha2': { 'vrid-conflict': 'fail' },
  // ha1's capture caught no foreign advert; its log did. Its auth counter still holds the
  // failures of the password fault recorded before (same keepalived run): earlier, not now,
  // so nothing to fix (a warning would outlast the fix for as long as keepalived runs).
  'foreign-vrid/ha1': { 'vrid-conflict': 'fail', 'peer-auth': 'ok' },
  // nginx stopped on ha1: it went FAULT and sent priority 0; ha2 took over (warn, not a fault of ha2).
  'nginx-stopped/ha2': { 'vip-placement': 'warn' },
  'nginx-stopped/ha1': {},
  // nginx stopped on the backup ha2: it is FAULT (ignores adverts), the VIP stays on ha1.
  'nginx-stopped-backup/ha2': {},
  'nginx-stopped-backup/ha1': {},
  'keepalived-stopped/ha2': { 'vip-placement': 'warn' },
  // keepalived stopped on ha1: the wire checks still see ha2's adverts and no VIP here.
  'keepalived-stopped/ha1': {},
  'vip-by-hand/ha2': { 'vip-placement': 'fail' },
  // advert_int 2 on ha2: each side drops the other's adverts (v2), both hold the VIP.
  'advert-interval/ha2': { 'advert-interval': 'fail', 'vip-placement': 'fail' },
  'advert-interval/ha1': { 'advert-interval': 'fail', 'vip-placement': 'fail' },
  'unicast-no-peers/ha2': { unicast: 'fail' },
  'unicast-wrong-peer/ha2': { unicast: 'fail', 'vip-placement': 'fail' },
  'stale-vip/ha2': { 'vip-placement': 'fail' },
};

for (const [where, row] of Object.entries(EXPECTED)) {
  const [scenario, node] = where.split('/') as [string, string];
  test(`recorded ${where}: ${Object.entries(row).map(([k, v]) => `${k} ${v}`).join(', ') || 'all ok'}`, async () => {
    assert.ok(existsSync(join(WIRE_FIXTURES, scenario, node, 'meta.json')), `fixture ${where} is missing`);
    const { ctx } = await replay(scenario, node);
    for (const [id, check] of Object.entries(CHECKS)) {
      const r = await runCheck(check, ctx);
      const want = row[id] ?? 'ok';
      assert.equal(r.status, want, `${where} ${id}: ${r.summary}\n${r.details.join('\n')}`);
      assert.ok(r.summary.length > 0);
      if (r.status === 'fail') {
        assert.ok(r.fix, `${where} ${id} fails without a fix`);
        assert.ok(r.fix.commands.length > 0 || r.fix.explain.length > 0);
      }
    }
  });
}

test('authentication failures that stopped are history (ok with the count), not a problem that outlives its fix', async () => {
  const r = await peerAuth.run((await replay('foreign-vrid', 'ha1')).ctx);
  assert.equal(r.status, 'ok');
  assert.match(r.summary, /authentication failure\(s\) since it started, none now/);
});

test('firewall fault: the fix is the nftables command that lets VRRP into the blocking chain, then persists it', async () => {
  const { ctx } = await replay('firewall-nft', 'ha2');
  const r = await multicast.run(ctx);
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /192\.0\.2\.11.*reach the interface, but keepalived does not get them/);
  // Recorded on lab node ha2: the rule goes in inside ha2, the ruleset is saved under ha2's directory.
  assert.deepEqual(r.fix?.commands, [
    'ha-setup lab exec ha2 -- nft insert rule inet dwfault input meta l4proto vrrp accept',
    "{ printf '#!/usr/sbin/nft -f\\nflush ruleset\\n\\n'; ha-setup lab exec ha2 -- nft list ruleset; } > /run/ha-setup-lab/ha2/etc/nftables.conf",
  ]);
  const v = await vipPlacement.run(ctx);
  assert.match(v.summary, /split brain.*likely cause: a firewall/);
  assert.deepEqual(v.fix?.commands, r.fix?.commands);
});

test('iptables fault: the fix inserts an ACCEPT before the DROP and saves the rules', async () => {
  const { ctx } = await replay('firewall-iptables', 'ha2');
  const r = await multicast.run(ctx);
  assert.deepEqual(r.fix?.commands, [
    'ha-setup lab exec ha2 -- iptables -I INPUT 1 -p vrrp -j ACCEPT',
    'mkdir -p /run/ha-setup-lab/ha2/etc/iptables && ha-setup lab exec ha2 -- iptables-save > /run/ha-setup-lab/ha2/etc/iptables/rules.v4',
  ]);
});

test('password fault: names the sender, hides both passwords unless --show-secrets', async () => {
  const hidden = await peerAuth.run((await replay('password', 'ha2')).ctx);
  assert.match(hidden.summary, /adverts from 192\.0\.2\.11 carry another password/);
  const all = [hidden.summary, ...hidden.details, hidden.fix?.explain ?? '', ...(hidden.fix?.commands ?? [])].join('\n');
  assert.doesNotMatch(all, /lab51|wrong999/);
  // This node's own answers (router_id, priority, role stay its own), named for this node and the other.
  assert.deepEqual(hidden.fix?.commands, [
    'ha-setup lab exec ha2 -- ha-setup setup --answers /run/ha-setup-lab/ha2/etc/keepalived/ha-setup.answers.json --auth-pass "$AUTH_PASS" --existing replace --yes',
  ]);
  assert.match(hidden.fix!.explain, /this node \(ha2\).*the other node \(192\.0\.2\.11\)/);
  // Without setup's answers (a config written by hand): every value from the running config, router_id included.
  const byHand = await peerAuth.run((await replay('password', 'ha2', { noAnswers: true })).ctx);
  assert.deepEqual(byHand.fix?.commands, [
    'ha-setup lab exec ha2 -- ha-setup setup --role backup --interface eth0 --vip 192.0.2.50/24 --vrid 51 --priority 100 --advert-int 1 --router-id ha2 --auth-pass "$AUTH_PASS" --existing replace --yes',
  ]);
  const shown = await peerAuth.run((await replay('password', 'ha2', { showSecrets: true })).ctx);
  assert.ok(shown.details.includes('192.0.2.11 sends "lab51pw", this node uses "wrong999"'), shown.details.join('\n'));
});

test('password fault without a capture: keepalived\'s log line and growing Failure counter still fail peer-auth', async () => {
  const { ctx } = await replay('password', 'ha2', { tcpdumpMissing: true });
  const r = await peerAuth.run(ctx);
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /rejects adverts with a wrong password now/);
  assert.ok(r.details.some((d) => /no capture/.test(d)));
});

test('tcpdump missing: multicast is skipped with the install command of the distro', async () => {
  const { ctx } = await replay('healthy', 'ha2', { tcpdumpMissing: true });
  const r = await multicast.run(ctx);
  assert.equal(r.status, 'skip');
  // Packages are the machine's (a lab node shares its programs and has no network to download from).
  assert.deepEqual(r.fix?.commands, ['apt-get install -y tcpdump']);
});

test('foreign VRID: lists the other group and proposes a VRID nobody uses', async () => {
  const { ctx } = await replay('foreign-vrid', 'ha2');
  const r = await vridConflict.run(ctx);
  assert.match(r.summary, /VRID 51 is also used by another group on this LAN: 192\.0\.2\.100 \(VIPs 192\.0\.2\.60, priority 120\)/);
  assert.ok(r.details.includes('VRIDs in use on this LAN: 51'));
  assert.match(r.fix!.commands[0]!, /--vrid 52 /);
});

test('split brain causes are named in order with the evidence of each', async () => {
  const cause = async (scenario: string, node: string) => (await vipPlacement.run((await replay(scenario, node)).ctx)).summary.replace(/.*likely cause: /, '');
  assert.equal(await cause('firewall-nft', 'ha2'), 'a firewall');
  assert.equal(await cause('bridge-multicast', 'ha2'), 'multicast does not get through');
  assert.equal(await cause('password', 'ha2'), 'different passwords');
  assert.equal(await cause('advert-interval', 'ha1'), 'different advert intervals');
  assert.equal(await cause('unicast-wrong-peer', 'ha2'), 'unicast/multicast mismatch');
  // ha1 in the firewall fault: nothing wrong on its side, ha2 does not hear it.
  assert.equal(await cause('firewall-nft', 'ha1'), 'the peer does not hear this node');
});

test('VIP left behind or added by hand: the fix deletes exactly that address', async () => {
  for (const [scenario, summary] of [['stale-vip', /keepalived is not running: a stale address/], ['vip-by-hand', /keepalived is BACKUP but 192\.0\.2\.50\/24 is on eth0/]] as const) {
    const r = await vipPlacement.run((await replay(scenario, 'ha2')).ctx);
    assert.match(r.summary, summary);
    assert.deepEqual(r.fix?.commands, ['ha-setup lab exec ha2 -- ip addr del 192.0.2.50/24 dev eth0']);
  }
});

test('unicast: an empty peer list and a peer list without the other node', async () => {
  const empty = await unicast.run((await replay('unicast-no-peers', 'ha2', { peers: ['192.0.2.11'] })).ctx);
  assert.match(empty.summary, /unicast_peer is empty/);
  assert.ok(empty.details.some((d) => /A unicast keyword has been specified without any unicast peers/.test(d)));
  assert.match(empty.fix!.commands[0]!, / --peer 192\.0\.2\.11 /);
  const wrong = await unicast.run((await replay('unicast-wrong-peer', 'ha2')).ctx);
  assert.match(wrong.summary, /from 192\.0\.2\.11, which is not in unicast_peer \(192\.0\.2\.99\)/);
  assert.match(wrong.fix!.commands[0]!, /--peer 192\.0\.2\.99 --peer 192\.0\.2\.11 /);
});

test('advert-interval: the wire names the sender and both intervals; the unused counter is not trusted', async () => {
  const r = await advertInterval.run((await replay('advert-interval', 'ha2')).ctx);
  assert.match(r.summary, /VRRPv2 adverts with another interval \(192\.0\.2\.11 1 s, ours 2 s\)/);
  assert.ok(r.details.some((d) => /never incremented/.test(d)));
});

test('zh: the same result speaks Chinese', async () => {
  setLang('zh');
  try {
    const r = await vipPlacement.run((await replay('vip-by-hand', 'ha2')).ctx);
    assert.match(r.summary, /keepalived 处于 BACKUP，但 192\.0\.2\.50\/24 在 eth0 上/);
  } finally {
    setLang('en');
  }
});
