import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { PlanHost } from '../../src/host/plan.js';
import { buildPlan, type Plan } from '../../src/setup/plan.js';
import { applyPlan } from '../../src/setup/apply.js';
import { validateAnswers, type Answers } from '../../src/setup/answers.js';
import { installKeepalived } from '../../src/keepalived/install/index.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { silentProgress } from '../../src/ui/progress.js';
import type { ServiceControl } from '../../src/system/service-control.js';
import type { Facts } from '../../src/system/facts.js';
import { factsFor } from '../helpers/facts.js';
import { tempDir } from '../helpers/paths.js';

const opts = { filesOnly: false, installMethod: 'package' as const, installSource: null };

function answers(facts: Facts, extra: Record<string, unknown> = {}): Answers {
  return validateAnswers({ role: 'master', interface: 'eth0', vip: '192.0.2.50/24', authPass: 'k3pAl1ve', routerId: 'ha1', ...extra }, facts.interfaces);
}

const execs = (plan: Plan) => plan.steps.filter((s) => s.kind === 'exec').map((s) => (s as { argv: string[] }).argv);
const FIREWALL_TOOLS = ['firewall-cmd', 'iptables', 'iptables-save', 'ip6tables', 'nft', 'ufw'];
const firewallExecs = (plan: Plan) => execs(plan).filter((a) => FIREWALL_TOOLS.includes(a[0]!));

/** Run the plan through a recording host to see the exact commands, installs included. */
async function recordedCommands(plan: Plan, facts: Facts, root: string): Promise<string[][]> {
  const rec = new PlanHost(new LocalHost(root));
  const noServices = {} as ServiceControl;
  await applyPlan({ ...plan, steps: plan.steps.filter((s) => s.kind !== 'service') }, rec, noServices, {
    step: (_l, fn) => fn(),
    warn: () => {},
    testConfig: async () => null,
    install: async (method, source) => void (await installKeepalived(rec, facts.distro, { method, source: source ?? undefined }, silentProgress())),
  });
  return rec.actions.filter((a) => a.kind === 'exec').map((a) => (a as { command: string[] }).command);
}

test('a missing keepalived is installed with the distribution\'s package manager, exact argv per family', async () => {
  const cases: Array<[string, string[]]> = [
    ['centos7', ['yum', 'install', '-y', 'keepalived']],
    ['rocky9', ['dnf', 'install', '-y', 'keepalived']],
    ['opensuse15', ['zypper', '--non-interactive', 'install', 'keepalived']],
    ['debian13', ['apt-get', 'install', '-y', 'keepalived']],
  ];
  for (const [release, argv] of cases) {
    const root = tempDir();
    const facts = factsFor(release, { keepalived: { installed: false, path: null, version: null, running: false, pid: null, pids: [] } });
    const plan = await buildPlan(new LocalHost(root), facts, answers(facts), opts);
    assert.equal(plan.steps[0]!.kind, 'install', release);
    const commands = await recordedCommands(plan, facts, root);
    assert.ok(commands.some((c) => c.join(' ') === argv.join(' ')), `${release}: ${JSON.stringify(commands)}`);
  }
});

test('the VRRP firewall rule per firewall, exact argv, only when VRRP is blocked', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  // firewalld without vrrp: fake only firewall-cmd's answer (no firewalld runs here).
  const withFirewall = (kind: Facts['firewall']['kind'], release: string) => factsFor(release, { firewall: { kind, running: true } });
  const fakeHost = (stdout: string) =>
    Object.assign(Object.create(host), {
      exec: async (cmd: string, args: string[]) => ({ command: [cmd, ...args], exitCode: 0, stdout, stderr: '', notFound: false, timedOut: false }),
    });
  const fwd = withFirewall('firewalld', 'rocky9');
  const plan = await buildPlan(fakeHost('public (active)\n  services: ssh\n  protocols: \n'), fwd, answers(fwd), opts);
  assert.deepEqual(firewallExecs(plan), [
    ['firewall-cmd', '--permanent', '--add-protocol=vrrp'],
    ['firewall-cmd', '--add-protocol=vrrp'],
  ]);
  const allowed = await buildPlan(fakeHost('public (active)\n  services: ssh\n  protocols: vrrp\n'), fwd, answers(fwd), opts);
  assert.deepEqual(firewallExecs(allowed), []);

  const ipt = withFirewall('iptables', 'centos7');
  const iptPlan = await buildPlan(fakeHost('-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n'), ipt, answers(ipt), opts);
  assert.deepEqual(firewallExecs(iptPlan), [['iptables', '-I', 'INPUT', '1', '-p', 'vrrp', '-j', 'ACCEPT'], ['iptables-save']]);

  const ufw = withFirewall('ufw', 'ubuntu24');
  const ufwPlan = await buildPlan(fakeHost('Status: active\n'), ufw, answers(ufw, { peers: ['192.0.2.12'] }), opts);
  assert.deepEqual(firewallExecs(ufwPlan), [['ufw', 'allow', 'from', '192.0.2.12', 'proto', 'vrrp']]);
});

test('the generated config: explicit priority, FAULT on a failed check, unicast that cannot fall back to multicast', async () => {
  const facts = factsFor('debian13');
  const plan = await buildPlan(new LocalHost(tempDir()), facts, answers(facts, { peers: ['192.0.2.12'] }), opts);
  const { config } = await parseConfigText(plan.files.config);
  const vi = config.vrrpInstances[0]!;
  assert.equal(vi.state, 'MASTER');
  assert.equal(vi.priority, 150);
  assert.equal(vi.unicastSrcIp, '192.0.2.11');
  assert.deepEqual(vi.unicastPeer, ['192.0.2.12']);
  assert.ok(vi.extra.some((s) => s.keyword === 'unicast_fault_no_peer'));
  assert.equal(config.vrrpScripts[0]!.weight, 0);
  assert.equal(config.globalDefs!.enableScriptSecurity, true);
  assert.ok(!plan.files.config.includes('vrrp_strict'));
});

test('nopreempt is written with state BACKUP on both nodes, never with state MASTER', async () => {
  const facts = factsFor('debian13');
  const plan = await buildPlan(new LocalHost(tempDir()), facts, answers(facts, { nopreempt: true }), opts);
  const { config } = await parseConfigText(plan.files.config);
  assert.equal(config.vrrpInstances[0]!.state, 'BACKUP');
  assert.equal(config.vrrpInstances[0]!.nopreempt, true);
  assert.equal(config.vrrpInstances[0]!.priority, 150);
});

test('nginx listening on the VIP itself adds ip_nonlocal_bind, persistently', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'etc/nginx/conf.d'), { recursive: true });
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), 'http { include /etc/nginx/conf.d/*.conf; }\n');
  writeFileSync(join(root, 'etc/nginx/conf.d/site.conf'), 'server {\n    listen 192.0.2.50:80;\n}\n');
  const facts = factsFor('debian13');
  const plan = await buildPlan(new LocalHost(root), facts, answers(facts), opts);
  const sysctl = plan.steps.find((s) => s.kind === 'write' && s.path === '/etc/sysctl.d/90-ha-setup-nonlocal-bind.conf');
  assert.ok(sysctl && sysctl.kind === 'write' && sysctl.content.includes('net.ipv4.ip_nonlocal_bind = 1'));
  assert.ok(execs(plan).some((a) => a.join(' ') === 'sysctl -p /etc/sysctl.d/90-ha-setup-nonlocal-bind.conf'));
  const without = await buildPlan(new LocalHost(tempDir()), facts, answers(facts), opts);
  assert.ok(!without.steps.some((s) => s.kind === 'write' && s.path.includes('sysctl')));
});

test('a second run with the same answers plans nothing', async () => {
  const root = tempDir();
  const host = new LocalHost(root);
  const facts = factsFor('debian13', { systemd: false, keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: true, pid: 10, pids: [10] } });
  const a = answers(facts);
  const first = await buildPlan(host, facts, a, opts);
  assert.ok(first.steps.length > 0);
  await applyPlan({ ...first, steps: first.steps.filter((s) => s.kind === 'write') }, host, {} as ServiceControl, {
    step: (_l, fn) => fn(),
    warn: () => {},
    testConfig: async () => null,
    install: async () => {},
  });
  const second = await buildPlan(host, facts, a, opts);
  assert.deepEqual(second.steps, []);
  assert.ok(second.unchanged.includes('/etc/keepalived/keepalived.conf'));
});
