// A re-run on a configured node: its defaults are what is configured (so taking them changes
// nothing), the VRID follows the group on the wire for the VIP, and a running keepalived is
// reloaded (or not touched at all) instead of restarted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LocalHost } from '../../src/host/local.js';
import { buildPlan } from '../../src/setup/plan.js';
import { applyPlan } from '../../src/setup/apply.js';
import { validateAnswers, type Answers } from '../../src/setup/answers.js';
import { carriedOver, existingAnswers } from '../../src/setup/existing.js';
import { proposeVrid } from '../../src/setup/probe.js';
import { DEFAULTS } from '../../src/defaults.js';
import type { ServiceControl } from '../../src/system/service-control.js';
import type { Facts } from '../../src/system/facts.js';
import { factsFor } from '../helpers/facts.js';
import { tempDir } from '../helpers/paths.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const opts = { filesOnly: false, installMethod: 'package' as const, installSource: null };
const running = (facts: Facts): Facts => ({ ...facts, keepalived: { ...facts.keepalived, running: true, pid: 42, pids: [42] } });

function answers(facts: Facts, extra: Record<string, unknown> = {}): Answers {
  return validateAnswers(
    { role: 'backup', interface: 'eth0', vip: '192.0.2.50/24', vrid: 51, authPass: 'lab51pw', routerId: 'ha2', peers: ['192.0.2.12'], email: 'ops@example.com', checkUrl: 'http://127.0.0.1/health', ...extra },
    facts.interfaces,
  );
}

/** A node configured by setup with `a`: the files apply writes, under a temporary root. */
async function configuredNode(facts: Facts, a: Answers): Promise<LocalHost> {
  const root = tempDir();
  roots.push(root);
  const host = new LocalHost(root);
  await host.writeFileAtomic('/etc/passwd', `root:x:0:0::/root:/bin/sh\n${DEFAULTS.scriptUser}:x:999:999::/:/sbin/nologin\n`, { mode: 0o644 });
  const plan = await buildPlan(host, facts, a, { ...opts, filesOnly: true });
  await applyPlan(plan, host, {} as ServiceControl, { step: (_l, fn) => fn(), warn: () => {}, testConfig: async () => null, install: async () => {} });
  return host;
}

test('the answers a configured node was set up with are read back from its keepalived.conf and answers file', async () => {
  const facts = factsFor('debian13');
  const a = answers(facts);
  const host = await configuredNode(facts, a);
  assert.deepEqual(await existingAnswers(host, DEFAULTS.paths.config), a);
  // Under nopreempt both nodes start as BACKUP: the role comes from the answers file.
  const b = answers(facts, { role: 'master', nopreempt: true, priority: 150 });
  const nopreempt = await configuredNode(facts, b);
  assert.equal((await existingAnswers(nopreempt, DEFAULTS.paths.config)).role, 'MASTER');
});

test('a hand edit of keepalived.conf after setup wins over the answers file: it is what keepalived runs', async () => {
  const facts = factsFor('debian13');
  const host = await configuredNode(facts, answers(facts));
  const text = (await host.readFile(DEFAULTS.paths.config))!;
  await host.writeFileAtomic(DEFAULTS.paths.config, text.replace('priority 100', 'priority 90'), { mode: 0o600 });
  assert.equal((await existingAnswers(host, DEFAULTS.paths.config)).priority, 90);
});

test('what was given wins; what was not is carried over, except where a given answer makes it meaningless', () => {
  const was: Partial<Answers> = { role: 'BACKUP', vip: '192.0.2.50/24', vrid: 51, priority: 100, authPass: 'lab51pw', email: 'ops@example.com', routerId: 'ha2' };
  assert.deepEqual(carriedOver(was, {}), was);
  assert.deepEqual(carriedOver(was, { authPass: 'new12345' }).authPass, undefined);
  // Another role: that role's default priority, not this one's.
  assert.equal(carriedOver(was, { role: 'master' }).priority, undefined);
  assert.equal(carriedOver(was, { role: 'backup' }).priority, 100);
  // Another VIP: the VRID of that VIP, not this one's; the same VIP with another prefix keeps it.
  assert.equal(carriedOver(was, { vip: '192.0.2.60/24' }).vrid, undefined);
  assert.equal(carriedOver(was, { vip: '192.0.2.50/25' }).vrid, 51);
});

test('the group on the wire that advertises our VIP gives the VRID, whatever the VIP would derive', () => {
  const master = { vrid: 51, addresses: ['192.0.2.50'], src: '192.0.2.11' };
  const other = { vrid: 50, addresses: ['192.0.2.99'], src: '192.0.2.20' };
  assert.deepEqual(proposeVrid(50, '192.0.2.50', [master]), { vrid: 51, conflict: null, ours: master });
  assert.deepEqual(proposeVrid(50, '192.0.2.50', [other, master]), { vrid: 51, conflict: null, ours: master });
  // Without our VIP on the wire: the derived one, unless another group uses it.
  assert.equal(proposeVrid(50, '192.0.2.50', []).vrid, 50);
  assert.deepEqual(proposeVrid(50, '192.0.2.50', [other]), { vrid: 51, conflict: other, ours: null });
});

test('a running keepalived: the same answers plan nothing, a new check script alone needs no keepalived step, a config change is a reload', async () => {
  const facts = running(factsFor('debian13'));
  const a = answers(facts);
  const host = await configuredNode(facts, a);
  const was = await existingAnswers(host, DEFAULTS.paths.config);
  const same = await buildPlan(host, facts, a, { ...opts, previous: was });
  assert.deepEqual(same.steps, []);

  const script = await buildPlan(host, facts, answers(facts, { checkUrl: 'http://127.0.0.1/other' }), { ...opts, previous: was });
  assert.deepEqual(script.steps.map((s) => (s.kind === 'write' ? s.path : s.kind)), [DEFAULTS.paths.checkScript, DEFAULTS.paths.answers]);

  const config = await buildPlan(host, facts, answers(facts, { priority: 90 }), { ...opts, previous: was });
  const services = config.steps.filter((s) => s.kind === 'service').map((s) => (s as { op: string }).op);
  assert.deepEqual(services, ['enable', 'reload']);
  assert.ok(!config.notes.includes('setup.note.instanceRecreated'));

  // Changes keepalived re-creates the instance for, even on a reload: the plan says the VIP moves once.
  for (const change of [{ vrid: 52 }, { peers: [] }]) {
    const p = await buildPlan(host, facts, answers(facts, change), { ...opts, previous: was });
    assert.ok(p.notes.includes('setup.note.instanceRecreated'), JSON.stringify(change));
  }
  // keepalived not running: it is (re)started.
  const stopped = await buildPlan(host, { ...facts, keepalived: { ...facts.keepalived, running: false } }, a, { ...opts, previous: was });
  assert.deepEqual(stopped.steps.filter((s) => s.kind === 'service').map((s) => (s as { op: string }).op), ['enable', 'restart']);
});

test('several VIPs: all in the one instance, read back as they were given, a re-plan changes nothing; given VIPs replace them all', async () => {
  const facts = factsFor('debian13');
  const a = answers(facts, { vip: ['192.0.2.50/24', '192.0.2.51/24', '192.0.2.52'] });
  assert.deepEqual(a.extraVips, ['192.0.2.51/24', '192.0.2.52/24']);
  const host = await configuredNode(facts, a);
  const conf = (await host.readFile(DEFAULTS.paths.config))!;
  const block = /virtual_ipaddress \{([^}]*)\}/.exec(conf)?.[1] ?? '';
  assert.deepEqual(block.trim().split('\n').map((l) => l.trim().split(/\s+/)[0]), ['192.0.2.50/24', '192.0.2.51/24', '192.0.2.52/24']);
  const was = await existingAnswers(host, DEFAULTS.paths.config);
  assert.deepEqual(was, a);
  const again = await buildPlan(host, facts, answers(facts, carriedOver(was, { vip: undefined })), { ...opts, filesOnly: true });
  assert.deepEqual(again.steps.map((s) => s.kind === 'write' ? s.path : s.kind), []);
  assert.equal(carriedOver(was, { vip: ['192.0.2.60/24'] }).extraVips, undefined);
  assert.deepEqual(carriedOver(was, {}).extraVips, ['192.0.2.51/24', '192.0.2.52/24']);
});

test('one VIP: the answers file is the one setup always wrote (no empty list of extra VIPs)', async () => {
  const facts = factsFor('debian13');
  const host = await configuredNode(facts, answers(facts));
  const saved = JSON.parse((await host.readFile(DEFAULTS.paths.answers))!) as Record<string, unknown>;
  assert.equal('extraVips' in saved, false);
});
