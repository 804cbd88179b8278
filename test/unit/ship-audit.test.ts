import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { AUDIT_LOG_PATH, AuditLog, REDACTED, auditOf, auditedHost, redact, secretsInArgv, sinkFor } from '../../src/audit/log.js';
import { tempDir } from '../helpers/paths.js';

function auditedTempHost(argv: string[] = []) {
  const root = tempDir('ship-audit-');
  const inner = new LocalHost(root);
  const log = new AuditLog({ node: 'local', sink: sinkFor(inner)!, run: { command: 'setup', argv } });
  const host = auditedHost(inner, log);
  const read = () => (existsSync(join(root, AUDIT_LOG_PATH)) ? readFileSync(join(root, AUDIT_LOG_PATH), 'utf8') : '');
  return { root, host, log, read };
}

test('redact: auth_pass values, --auth-pass arguments, authPass JSON fields, marked secrets', () => {
  assert.equal(redact('    auth_pass k3pAl1ve'), `    auth_pass ${REDACTED}`);
  assert.equal(redact('auth_pass "k3p Al1"'), `auth_pass ${REDACTED}`);
  assert.equal(redact('ha-setup setup --auth-pass k3pAl1ve --yes'), `ha-setup setup --auth-pass ${REDACTED} --yes`);
  assert.equal(redact('--auth-pass=k3pAl1ve'), `--auth-pass=${REDACTED}`);
  assert.equal(redact('{"role":"master","authPass":"k3p\\"Al1","vrid":50}'), `{"role":"master","authPass":"${REDACTED}","vrid":50}`);
  assert.equal(redact('curl -u admin:hunter22 http://x', ['hunter22']), `curl -u admin:${REDACTED} http://x`);
  assert.deepEqual(secretsInArgv(['--auth-pass', 'a1', '--auth-pass=b2', '--vip', '192.0.2.50/24']), ['a1', 'b2']);
});

test('an audited LocalHost logs each write with path, mode, backup and why; the password never appears', async () => {
  const { host, read, root } = auditedTempHost(['setup', '--auth-pass', 'k3pAl1ve', '--yes']);
  await host.writeFileAtomic('/etc/keepalived/keepalived.conf', 'auth_pass k3pAl1ve\n', { mode: 0o600, why: 'the VRRP instance' });
  await host.writeFileAtomic('/etc/keepalived/keepalived.conf', 'auth_pass k3pAl1ve\n', { mode: 0o600, why: 'unchanged: not logged' });
  await host.writeFileAtomic('/etc/keepalived/keepalived.conf', 'auth_pass n3wPass1\n', { mode: 0o600, why: 'new password' });
  await host.exec('echo', ['auth_pass', 'k3pAl1ve'], { why: 'a command holding the password' });
  await host.exec('false', [], { why: 'a command that fails' });
  await host.mkdir('/etc/ha-setup', 0o755);
  await host.remove('/etc/ha-setup');
  const lines = read().trimEnd().split('\n');
  const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z local setup /;
  for (const l of lines) assert.match(l, stamp);
  assert.match(lines[0]!, / run ha-setup setup --auth-pass \*{8} --yes$/);
  assert.match(lines[1]!, / write \/etc\/keepalived\/keepalived\.conf mode=0600 why="the VRRP instance"$/);
  assert.match(lines[2]!, / write \/etc\/keepalived\/keepalived\.conf mode=0600 backup=\/etc\/keepalived\/keepalived\.conf\.bak-\d{8}T\d{6}Z why="new password"$/);
  assert.match(lines[3]!, / exec echo auth_pass \*{8} exit=0 why="a command holding the password"$/);
  assert.match(lines[4]!, / exec false exit=1 why="a command that fails"$/);
  assert.match(lines[5]!, / mkdir \/etc\/ha-setup mode=0755$/);
  assert.match(lines[6]!, / remove \/etc\/ha-setup$/);
  assert.equal(lines.length, 7);
  assert.ok(!read().includes('k3pAl1ve'));
  assert.ok(!read().includes('n3wPass1'));
  assert.equal(statSync(join(root, AUDIT_LOG_PATH)).mode & 0o777, 0o600);
});

test('a value marked secret is redacted from every later line', async () => {
  const { host, read } = auditedTempHost();
  auditOf(host)!.markSecret('wizard-typed');
  await host.exec('echo', ['--password', 'x', 'wizard-typed'], { why: 'holds wizard-typed' });
  assert.ok(!read().includes('wizard-typed'));
  assert.match(read(), /exec echo --password \*{8} \*{8} exit=0 why="holds \*{8}"/);
});

test('the decorator keeps what the host is: instanceof, resolvePath, label and root', () => {
  const { host, root } = auditedTempHost();
  assert.ok(host instanceof LocalHost);
  assert.equal(host.resolvePath('/etc/x'), join(root, 'etc/x'));
  assert.equal(host.kind, 'local');
  assert.equal(host.label, 'local');
});

test('a run that only reads leaves no log', async () => {
  const { host, read, root } = auditedTempHost();
  await host.readFile('/etc/hostname');
  await host.stat('/etc');
  await host.readDir('/');
  assert.equal(read(), '');
  assert.ok(!existsSync(join(root, '/var/log/ha-setup')));
});

test('a log that cannot be written is reported once, and the run goes on', async () => {
  const errors: Error[] = [];
  const root = tempDir('ship-audit-');
  const log = new AuditLog({ node: 'x', sink: () => Promise.reject(new Error('read-only file system')), onError: (e) => errors.push(e) });
  const host = auditedHost(new LocalHost(root), log);
  await host.writeFileAtomic('/a', 'a', { mode: 0o644 });
  await host.writeFileAtomic('/b', 'b', { mode: 0o644 });
  assert.equal(readFileSync(join(root, 'b'), 'utf8'), 'b');
  assert.equal(errors.length, 1);
});
