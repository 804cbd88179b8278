/**
 * systemd-order. PID 1 here is not systemd, so `systemctl` cannot run: its answers are
 * recorded (systemd 252, Debian 12) and the test asserts the exact argv doctor uses.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { systemdOrder, parseSystemctlShow } from '../../checks/systemd-order.js';
import { fakeContext, RecordedHost } from './doctor-fake-context.js';
import { applyFixes, runChecks } from '../../src/doctor/run.js';
import { auditedHostFor, auditOf } from '../../src/audit/log.js';
import { repoRoot, tempDir } from '../helpers/paths.js';

// What the check must run, spelled out here (not imported): a change to it fails the run test below.
const ARGV = ['systemctl', 'show', '-p', 'LoadState', '-p', 'After', '-p', 'Requires', '-p', 'BindsTo', 'keepalived.service'];
const root = tempDir('dd-systemd-');
after(() => rmSync(root, { recursive: true, force: true }));

const withShow = (stdout: string, exitCode = 0) => new RecordedHost([{ argv: ARGV, result: { stdout, exitCode } }], root);

test('parseSystemctlShow reads KEY=value lines', () => {
  const o = parseSystemctlShow('LoadState=loaded\nAfter=network-online.target nginx.service system.slice\nRequires=sysinit.target\nBindsTo=\n');
  assert.deepEqual(o, { loadState: 'loaded', after: ['network-online.target', 'nginx.service', 'system.slice'], requires: ['sysinit.target'], bindsTo: [] });
});

test('ordered after nginx: ok; not ordered: warn with the drop-in commands; no unit: fail; BindsTo: warn', async () => {
  const sd = { systemd: true };
  const okHost = withShow('LoadState=loaded\nAfter=nginx.service network-online.target\nRequires=sysinit.target\nBindsTo=\n');
  const ok = await systemdOrder.run(await fakeContext({ host: okHost, facts: sd }));
  assert.equal(ok.status, 'ok');
  assert.deepEqual(okHost.calls, [ARGV], 'the check runs exactly this and nothing else');
  const missing = await systemdOrder.run(await fakeContext({ host: withShow('LoadState=loaded\nAfter=network-online.target basic.target\nRequires=\nBindsTo=\n'), facts: sd }));
  assert.equal(missing.status, 'warn');
  assert.deepEqual(missing.fix?.commands, [
    // --root: the drop-in is written under the root the check looked at.
    `mkdir -p ${root}/etc/systemd/system/keepalived.service.d && printf '%s\\n' '[Unit]' After=nginx.service Wants=nginx.service > ${root}/etc/systemd/system/keepalived.service.d/ha-setup.conf`,
    'systemctl daemon-reload',
  ]);
  const noUnit = await systemdOrder.run(await fakeContext({ host: withShow('LoadState=not-found\nAfter=\nRequires=\nBindsTo=\n'), facts: sd }));
  assert.equal(noUnit.status, 'fail');
  const binds = await systemdOrder.run(await fakeContext({ host: withShow('LoadState=loaded\nAfter=nginx.service\nRequires=\nBindsTo=nginx.service\n'), facts: sd }));
  assert.equal(binds.status, 'warn');
  assert.match(binds.summary, /BindsTo=nginx\.service/);
});

test('skipped where PID 1 is not systemd (as on this machine)', async () => {
  const ctx = await fakeContext({ facts: { systemd: false } });
  const applies = await systemdOrder.applies!(ctx);
  assert.equal(typeof applies, 'string');
  assert.match(String(applies), /not systemd/);
  assert.equal(await systemdOrder.applies!(await fakeContext({ facts: { systemd: true } })), true);
});

test('doctor --fix: the drop-in and the reload go through the audited applying host and land in the node\'s audit log', async () => {
  const fixRoot = tempDir('dd-systemd-fix-');
  after(() => rmSync(fixRoot, { recursive: true, force: true }));
  const sd = { systemd: true };
  const unordered = 'LoadState=loaded\nAfter=network-online.target basic.target\nRequires=\nBindsTo=\n';
  const reading = new RecordedHost([{ argv: ARGV, result: { stdout: unordered } }], fixRoot);
  const ctx = await fakeContext({ host: reading, facts: sd });
  const first = await runChecks(ctx, [systemdOrder]);
  assert.equal(first.checks[0]!.status, 'warn');
  const applying = new RecordedHost([{ argv: ['systemctl', 'daemon-reload'], result: {} }], fixRoot);
  const audited = auditedHostFor(applying, (e) => assert.fail(e));
  const done = await applyFixes(ctx, [systemdOrder], first, {
    confirm: async () => true,
    freshContext: () => ctx,
    applyWith: { host: audited, services: ctx.services },
  });
  await auditOf(audited)!.flush();
  assert.deepEqual(done.fixes.map((f) => [f.id, f.applied, f.error]), [['systemd-order', true, null]]);
  assert.equal(done.fixes[0]!.actions[1], '$ systemctl daemon-reload');
  // The reading host changed nothing; the applying one ran the reload.
  assert.deepEqual(reading.calls, [ARGV, ARGV]);
  assert.deepEqual(applying.calls, [['systemctl', 'daemon-reload']]);
  const dropIn = 'etc/systemd/system/keepalived.service.d/ha-setup.conf';
  assert.equal(readFileSync(join(fixRoot, dropIn), 'utf8'), readFileSync(join(repoRoot, 'templates/keepalived-after-nginx.conf'), 'utf8'));
  const log = readFileSync(join(fixRoot, 'var/log/ha-setup/ha-setup.log'), 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(log.map((l) => l.split(' ').slice(3, 5).join(' ')), ['run ha-setup', `write /${dropIn}`, 'exec systemctl']);
  assert.match(log[2]!, /exec systemctl daemon-reload exit=0 why="make systemd read the drop-in"$/);
});
