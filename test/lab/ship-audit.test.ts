import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { makeNodeNamespace } from '../helpers/netns.js';

// setup needs an interface: it runs inside a throw-away namespace holding eth0 =
// 192.0.2.11/24, with --root so that every file (and the audit log) lands in a temp dir.
let ns: ReturnType<typeof makeNodeNamespace>;
before(() => {
  ns = makeNodeNamespace('sp-audit', '192.0.2.11/24');
});
after(() => ns.remove());

const PASSWORD = 'Zq7wX9pL';
const args = ['--role', 'master', '--interface', 'eth0', '--vip', '192.0.2.50/24', '--auth-pass', PASSWORD, '--yes'];
const logOf = (root: string) => join(root, 'var/log/ha-setup/ha-setup.log');

test('--dry-run writes no audit log', async () => {
  const root = tempDir('sp-audit-');
  const r = await runCli(['--root', root, 'setup', ...args, '--dry-run'], { netns: ns.name });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(logOf(root)));
});

test('a setup run logs every file it wrote, with mode and why, and never the password', async () => {
  const root = tempDir('sp-audit-');
  const r = await runCli(['--root', root, '--json', 'setup', ...args], { netns: ns.name });
  assert.equal(r.code, 0, r.stderr);
  const changed = (JSON.parse(r.stdout) as { changedFiles: string[] }).changedFiles;
  assert.ok(changed.includes('/etc/keepalived/keepalived.conf'), changed.join(' '));
  const log = readFileSync(logOf(root), 'utf8');
  const lines = log.trimEnd().split('\n');
  assert.match(lines[0]!, /^\S+Z local setup run ha-setup --root \S+ --json setup .*--auth-pass \*{8} --yes$/);
  for (const file of changed) {
    const line = lines.find((l) => l.includes(` write ${file} `));
    assert.ok(line, `no log line for ${file}:\n${log}`);
    assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z local setup write \S+ mode=0[0-7]{3} (backup=\S+ )?why=".+"$/);
  }
  assert.match(log, /write \/etc\/keepalived\/keepalived\.conf mode=0600 /);
  // The configuration really holds the password; the log does not.
  assert.match(readFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'utf8'), new RegExp(PASSWORD));
  assert.ok(!log.includes(PASSWORD), log);

  // The same answers again change nothing, so no write is logged a second time.
  const again = await runCli(['--root', root, 'setup', ...args], { netns: ns.name });
  assert.equal(again.code, 0, again.stderr);
  const writesAfter = readFileSync(logOf(root), 'utf8').split('\n').filter((l) => / write \/etc\/keepalived\/keepalived\.conf /.test(l));
  assert.equal(writesAfter.length, 1);
  assert.ok(!readFileSync(logOf(root), 'utf8').includes(PASSWORD));
});
