// Every printed command is spelled for the node it is printed for: this machine, --root DIR,
// a lab node (lab exec, its directory, its own daemons), a node over ssh; and firewall
// rules are persisted the way the node's distribution loads them at boot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalHost } from '../../src/host/local.js';
import { NetnsHost } from '../../src/host/netns.js';
import { PlanHost } from '../../src/host/plan.js';
import { nodeShell } from '../../src/system/node-shell.js';
import { SystemdServices, SysvServices } from '../../src/system/service-control.js';
import { labNodeHost, labServices } from '../../src/lab/services.js';
import { allowVrrpSteps, readFirewallBoot, type AllowOptions } from '../../src/firewall/vrrp.js';
import { formatStep } from '../../src/doctor/wire/fixes.js';
import { RecordedHost } from './doctor-fake-context.js';

test('a lab node: programs through lab exec, files under its directory, redirections done on the machine', () => {
  const sh = nodeShell(labNodeHost('ha2'));
  assert.equal(sh.kind, 'lab');
  assert.equal(sh.node, 'ha2');
  assert.equal(sh.boots, false);
  assert.equal(sh.run(['ip', 'addr', 'del', '192.0.2.50/24', 'dev', 'eth0']), 'ha-setup lab exec ha2 -- ip addr del 192.0.2.50/24 dev eth0');
  assert.equal(sh.path('/etc/nftables.conf'), '/run/ha-setup-lab/ha2/etc/nftables.conf');
  // A path the daemon already names (under the node) is not placed under it twice.
  assert.equal(sh.path('/run/ha-setup-lab/ha2/etc/keepalived/check_nginx.sh'), '/run/ha-setup-lab/ha2/etc/keepalived/check_nginx.sh');
  assert.equal(sh.save(['iptables-save'], '/etc/iptables/rules.v4', { mkdir: true }), 'mkdir -p /run/ha-setup-lab/ha2/etc/iptables && ha-setup lab exec ha2 -- iptables-save > /run/ha-setup-lab/ha2/etc/iptables/rules.v4');
  assert.equal(sh.haSetup(['doctor']), 'ha-setup lab exec ha2 -- ha-setup doctor');
  assert.equal(sh.shared(['apt-get', 'install', '-y', 'tcpdump']), 'apt-get install -y tcpdump');
  // A dry run of a lab node is the same node.
  assert.equal(nodeShell(new PlanHost(labNodeHost('ha1'))).kind, 'lab');
  // A namespace that is not a lab member's directory is no lab node.
  assert.equal(nodeShell(new NetnsHost('wp4-x', '/')).kind, 'machine');
});

test('this machine and --root DIR', () => {
  const m = nodeShell(new LocalHost('/'));
  assert.equal(m.run(['chmod', '0755', '/etc/keepalived/check_nginx.sh']), 'chmod 0755 /etc/keepalived/check_nginx.sh');
  assert.equal(m.save(['nft', 'list', 'ruleset'], '/etc/nftables.conf', { header: '#!/usr/sbin/nft -f\nflush ruleset\n\n' }), "{ printf '#!/usr/sbin/nft -f\\nflush ruleset\\n\\n'; nft list ruleset; } > /etc/nftables.conf");
  assert.equal(m.haSetup(['setup', '--auth-pass', "it's"]), "ha-setup setup --auth-pass 'it'\\''s'");
  const r = nodeShell(new LocalHost('/srv/image'));
  assert.equal(r.kind, 'root');
  assert.equal(r.path('/etc/sysctl.d/x.conf'), '/srv/image/etc/sysctl.d/x.conf');
  assert.equal(r.haSetup(['doctor']), 'ha-setup --root /srv/image doctor');
});

test('each service manager spells its own commands; the lab restarts with lab restart and reloads with its init script', () => {
  const host = new LocalHost('/');
  assert.deepEqual(new SystemdServices(host).commandLines('start', 'keepalived'), ['systemctl enable --now keepalived']);
  assert.deepEqual(new SystemdServices(host).commandLines('reload', 'keepalived'), ['systemctl reload keepalived']);
  assert.deepEqual(new SystemdServices(host).commandLines('configtest', 'nginx'), ['nginx -t']);
  assert.deepEqual(new SysvServices(host).commandLines('restart', 'nginx'), ['service nginx restart']);
  // A sandboxed node (a lab node over ssh): its own init scripts, never the machine's `service`.
  assert.deepEqual(new SysvServices(labNodeHost('ha1')).commandLines('restart', 'nginx'), ['/run/ha-setup-lab/ha1/etc/init.d/nginx restart']);
  const lab = labServices('ha1');
  assert.deepEqual(lab.commandLines('start', 'keepalived'), ['ha-setup lab restart ha1 keepalived']);
  assert.deepEqual(lab.commandLines('restart', 'nginx'), ['ha-setup lab restart ha1 nginx']);
  assert.deepEqual(lab.commandLines('reload', 'keepalived'), ['/run/ha-setup-lab/ha1/etc/init.d/keepalived reload']);
  // nginx -t would read the machine's /etc/nginx/nginx.conf: the node's init script tests the node's.
  assert.deepEqual(lab.commandLines('configtest', 'nginx'), ['/run/ha-setup-lab/ha1/etc/init.d/nginx configtest']);
});

const dropped = { blockingChains: ['inet filter input'], peers: [], ipv6: false };
const argvs = (o: AllowOptions, kind: 'iptables' | 'nftables') => allowVrrpSteps({ kind, running: true }, o).map((s) => [...s.argv, ...(s.saveTo ? ['>', s.saveTo.path] : [])].join(' '));

test('iptables rules persist the distribution\'s way: Debian needs iptables-persistent, RHEL iptables-services', () => {
  const debian = { ...dropped, family: 'debian' as const, boot: { boots: true, systemd: true, packageManager: 'apt' as const, loader: false } };
  assert.deepEqual(argvs(debian, 'iptables'), [
    'env DEBIAN_FRONTEND=noninteractive apt-get install -y iptables-persistent',
    'iptables -I INPUT 1 -p vrrp -j ACCEPT',
    'iptables-save > /etc/iptables/rules.v4',
  ]);
  assert.deepEqual(argvs({ ...debian, boot: { ...debian.boot, loader: true } }, 'iptables'), ['iptables -I INPUT 1 -p vrrp -j ACCEPT', 'iptables-save > /etc/iptables/rules.v4']);
  const rhel = { ...dropped, family: 'rhel' as const, boot: { boots: true, systemd: true, packageManager: 'dnf' as const, loader: false } };
  assert.deepEqual(argvs(rhel, 'iptables'), ['dnf install -y iptables-services', 'iptables -I INPUT 1 -p vrrp -j ACCEPT', 'iptables-save > /etc/sysconfig/iptables', 'systemctl enable iptables']);
  // CentOS 7 without systemd as PID 1 (a container): yum, and no systemctl.
  assert.deepEqual(argvs({ ...rhel, boot: { ...rhel.boot, systemd: false, packageManager: 'yum' } }, 'iptables'), ['yum install -y iptables-services', 'iptables -I INPUT 1 -p vrrp -j ACCEPT', 'iptables-save > /etc/sysconfig/iptables']);
  // A node that never boots (a lab node): saved, nothing installed.
  assert.deepEqual(argvs({ ...debian, boot: { ...debian.boot, boots: false } }, 'iptables'), ['iptables -I INPUT 1 -p vrrp -j ACCEPT', 'iptables-save > /etc/iptables/rules.v4']);
});

test('nftables: /etc/nftables.conf (Debian) or /etc/sysconfig/nftables.conf (RHEL), and nftables.service enabled', () => {
  const rhel = { ...dropped, family: 'rhel' as const, boot: { boots: true, systemd: true, packageManager: 'dnf' as const, loader: false } };
  assert.deepEqual(argvs(rhel, 'nftables'), ['nft insert rule inet filter input meta l4proto vrrp accept', 'nft list ruleset > /etc/sysconfig/nftables.conf', 'systemctl enable nftables']);
  assert.deepEqual(argvs({ ...rhel, family: 'debian', boot: { ...rhel.boot, loader: true } }, 'nftables'), ['nft insert rule inet filter input meta l4proto vrrp accept', 'nft list ruleset > /etc/nftables.conf']);
});

test('what loads saved rules at boot is read from the node: the loader file for iptables, systemctl for nftables', async () => {
  // RHEL: iptables-services is not installed in an empty root.
  const root = new LocalHost('/nonexistent-wp4-root');
  assert.equal((await readFirewallBoot(root, { kind: 'iptables', running: true }, { boots: true, systemd: true, family: 'rhel', packageManager: 'dnf' })).loader, false);
  const host = new RecordedHost([{ argv: ['systemctl', 'is-enabled', '--quiet', 'nftables'], result: { exitCode: 0 } }]);
  assert.equal((await readFirewallBoot(host, { kind: 'nftables', running: true }, { boots: true, systemd: true, family: 'debian', packageManager: 'apt' })).loader, true);
  assert.deepEqual(host.calls, [['systemctl', 'is-enabled', '--quiet', 'nftables']]);
  // A lab node is never asked (nothing of it boots).
  const lab = new RecordedHost([]);
  assert.equal((await readFirewallBoot(lab, { kind: 'nftables', running: true }, { boots: false, systemd: true, family: 'debian', packageManager: 'apt' })).loader, null);
  assert.deepEqual(lab.calls, []);
  assert.equal(formatStep({ argv: ['ufw', 'allow', 'to', '224.0.0.18', 'proto', 'vrrp'], why: '' }, nodeShell(labNodeHost('ha1'))), 'ha-setup lab exec ha1 -- ufw allow to 224.0.0.18 proto vrrp');
});
