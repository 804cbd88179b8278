import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NetnsHost } from '../../src/host/netns.js';
import { LocalHost } from '../../src/host/local.js';
import { PlanHost } from '../../src/host/plan.js';
import { configTest, classifyExit } from '../../src/keepalived/config-test.js';
import { parseKeepalivedVersion } from '../../src/keepalived/version.js';
import { releaseHas } from '../../src/keepalived/releases.js';
import { tempDir } from '../helpers/paths.js';
import { createNetns, deleteNetns, TEST_IFACE } from './keepalived-netns.js';

const conf = (opts: { pass?: string; script?: string; scriptUser?: string } = {}) => `global_defs {
    router_id t1
    enable_script_security
    script_user ${opts.scriptUser ?? 'root'}
}
vrrp_script chk_nginx {
    script "${opts.script ?? '/bin/true'}"
    interval 2
    weight -20
}
vrrp_instance VI_1 {
    state BACKUP
    interface ${TEST_IFACE}
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass ${opts.pass ?? 's3cret51'}
    }
    virtual_ipaddress {
        192.0.2.50/24
    }
    track_script {
        chk_nginx
    }
}
`;

let ns = '';
let root = '';
let host: NetnsHost;
const PATH = '/etc/keepalived/keepalived.conf';

before(() => {
  ns = createNetns('ctest');
  root = tempDir('ka-ctest-');
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  host = new NetnsHost(ns, root);
});
after(() => {
  if (ns) deleteNetns(ns);
  if (root) rmSync(root, { recursive: true, force: true });
});

const write = (text: string) => writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), text, { mode: 0o600 });

test('version and exit codes: 2.0.7-2.1.5 use 3/4/5, 2.2.0+ use 4/5/6, 2.2.5-2.2.7 may die with 143', () => {
  assert.equal(parseKeepalivedVersion('Keepalived v2.2.7 (01/16,2022)\n'), '2.2.7');
  assert.equal(classifyExit('2.1.5', 3), 'fatal');
  assert.equal(classifyExit('2.1.5', 4), 'problems');
  assert.equal(classifyExit('2.1.5', 5), 'security');
  assert.equal(classifyExit('2.2.0', 4), 'fatal');
  assert.equal(classifyExit('2.2.0', 5), 'problems');
  assert.equal(classifyExit('2.2.0', 6), 'security');
  assert.equal(classifyExit('2.2.7', 143, 'Terminated\n'), 'terminated-bug');
  // 2.2.8 has no self-kill: a -t killed by a signal is a crash, never a pass.
  assert.equal(classifyExit('2.2.8', 143), 'crashed');
  assert.equal(classifyExit('2.1.5', 139), 'crashed');
  assert.equal(classifyExit('2.2.7', 0), 'ok');
});

test('a valid file passes keepalived -t', async () => {
  write(conf());
  const r = await configTest(host, PATH);
  assert.equal(r.ran, true);
  assert.equal(r.outcome, 'ok');
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.findings, []);
});

test('keepalived -t lines become findings with file and line (auth_pass truncation)', async () => {
  write(conf({ pass: 't9rveMP0Z9S1' }));
  const r = await configTest(host, PATH);
  assert.equal(r.outcome, 'problems');
  assert.equal(r.exitCode, 5);
  assert.equal(r.findings.length, 1);
  const f = r.findings[0]!;
  assert.equal(f.file, join(root, PATH));
  assert.equal(f.line, 19);
  assert.match(f.message, /Truncating auth_pass to 8 characters/);
});

test('a script that exists only under --root is reported as such, not as a config error', async () => {
  mkdirSync(join(root, 'etc/keepalived/scripts'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/scripts/check_nginx.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  write(conf({ script: '/etc/keepalived/scripts/check_nginx.sh' }));
  const r = await configTest(host, PATH);
  assert.equal(r.exitCode, 5, 'keepalived itself cannot find it on this machine');
  assert.equal(r.outcome, 'ok');
  assert.deepEqual(r.findings.map((f) => f.rule), ['keepalived-t-script-elsewhere']);
  assert.match(r.findings[0]!.message, /script chk_nginx \(\/etc\/keepalived\/scripts\/check_nginx\.sh\) is not on this machine/);
});

test('a script missing everywhere stays a problem', async () => {
  write(conf({ script: '/etc/keepalived/scripts/nope.sh' }));
  const r = await configTest(host, PATH);
  assert.equal(r.outcome, 'problems');
  assert.match(r.findings[0]!.raw, /Disabling track script chk_nginx since not found\/accessible/);
});

test('keepalived 2.2.5-2.2.7 killing itself for a non-root script user is reported as that bug', async (t) => {
  const v = await host.exec('keepalived', ['-v']);
  const version = parseKeepalivedVersion(v.stdout + v.stderr)!;
  write(conf({ scriptUser: 'nobody' }));
  const r = await configTest(host, PATH);
  if (releaseHas(version, 'configTestSelfKill')) {
    assert.equal(r.exitCode, 143);
    assert.equal(r.outcome, 'terminated-bug');
    assert.ok(r.findings.some((f) => f.rule === 'keepalived-t-terminated'));
  } else {
    t.diagnostic(`keepalived ${version} does not have the -t self-kill bug`);
    assert.notEqual(r.outcome, 'terminated-bug');
  }
});

test('a missing file is an error (-e), not a silent pass', async () => {
  const r = await configTest(new LocalHost(root), '/etc/keepalived/missing.conf');
  assert.equal(r.outcome, 'fatal');
  assert.equal(r.exitCode, 4);
});

test('a dry-run host runs nothing, so keepalived -t is reported unavailable', async () => {
  const r = await configTest(new PlanHost(new LocalHost(root)), PATH);
  assert.equal(r.ran, false);
  assert.equal(r.outcome, 'unavailable');
});
