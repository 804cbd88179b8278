import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { repoRoot, samplesDir, tempDir } from '../helpers/paths.js';
import { dualMasterA, dualMasterB } from '../helpers/dual-master.js';

const clean = `global_defs {
    router_id ha1
    enable_script_security
    script_user root
}
vrrp_script chk_nginx {
    script "/bin/true"
    interval 2
    weight -60
    fall 2
    rise 2
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass s3cret51
    }
    virtual_ipaddress {
        192.0.2.50/24 dev eth0 label eth0:1
    }
    unicast_peer {
        192.0.2.12
    }
    track_script {
        chk_nginx
    }
}
`;

let root = '';
before(() => {
  execFileSync('node', ['scripts/build.mjs'], { cwd: repoRoot });
  root = tempDir('ka-inspect-');
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), clean);
  // Scripts are looked up under --root too.
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin/true'), '#!/bin/sh\n', { mode: 0o755 });
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('inspect tutorial-003-1.conf reports the auth_pass truncation naming the 8 characters used', async () => {
  const r = await runCli(['inspect', '--config', join(samplesDir, 'tutorial-003-1.conf')]);
  assert.match(r.stdout, /tutorial-003-1\.conf:32:9 VI_1: auth_pass has 12 characters but keepalived uses only the first 8: "t9rveMP0" \[auth-pass-length\]/);
  assert.match(r.stdout, /vrrp_instance VI_1: state BACKUP, interface em1, VRID 10, priority 100, advert_int 1/);
  // The scripts it names do not exist on this machine: errors, so exit 2.
  assert.equal(r.code, 2);
});

test('inspect --json prints the documented shape, absent values null', async () => {
  const r = await runCli(['inspect', '--json', '--config', join(samplesDir, 'tutorial-001-2.conf')]);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), {
    file: join(samplesDir, 'tutorial-001-2.conf'),
    vrrp_instances: [
      {
        name: 'VI_1',
        state: 'MASTER',
        interface: 'eth0',
        virtual_router_id: 55,
        priority: 150,
        advert_int: 1,
        auth_type: 'PASS',
        auth_pass: '1111',
        virtual_ipaddress: ['10.20.0.249/24'],
        unicast_peer: [],
        track_script: [],
        nopreempt: false,
      },
    ],
    vrrp_scripts: [],
    virtual_servers: 0,
    findings: [],
  });
});

test('inspect --root reads /etc/keepalived/keepalived.conf under the root; a clean file exits 0', async () => {
  const r = await runCli(['inspect', '--root', root, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  rmSync(join(root, 'bin/true'));
  const missing = await runCli(['inspect', '--root', root, '--json']);
  writeFileSync(join(root, 'bin/true'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(missing.code, 2);
  assert.deepEqual(JSON.parse(missing.stdout).findings.map((f: { rule: string }) => f.rule), ['script-path']);
  const j = JSON.parse(r.stdout);
  assert.equal(j.file, '/etc/keepalived/keepalived.conf');
  assert.deepEqual(j.vrrp_scripts, [{ name: 'chk_nginx', script: '/bin/true', interval: 2, weight: -60, fall: 2, rise: 2 }]);
  assert.deepEqual(j.vrrp_instances[0].unicast_peer, ['192.0.2.12']);
  assert.deepEqual(j.vrrp_instances[0].track_script, ['chk_nginx']);
});

test('warnings only exit 1; findings carry rule, path and location', async () => {
  const file = join(root, 'warn.conf');
  writeFileSync(file, clean.replace('router_id ha1', 'router_id ha1\n    vrrp_strict'));
  const r = await runCli(['inspect', '--json', '--config', file]);
  assert.equal(r.code, 1);
  const f = JSON.parse(r.stdout).findings;
  assert.deepEqual(
    f.map((x: { rule: string; severity: string; path: string; location: string }) => [x.rule, x.severity, x.path, x.location]),
    [['vrrp-strict', 'warning', 'global_defs.vrrp_strict', `${file}:3:5`]],
  );
});

test('a line of prose is an unknown-keyword finding at its line', async () => {
  const r = await runCli(['inspect', '--json', '--config', join(samplesDir, 'tutorial-000-1.with-prose.conf')]);
  const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule === 'parse/unknown-keyword');
  assert.equal(f.location, `${join(samplesDir, 'tutorial-000-1.with-prose.conf')}:2:1`);
});

test('a missing file is a clear error naming the path', async () => {
  const r = await runCli(['inspect', '--config', '/nonexistent/keepalived.conf']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\/nonexistent\/keepalived\.conf does not exist/);
});

test('inspect speaks Chinese with --lang zh', async () => {
  const r = await runCli(['--lang', 'zh', 'inspect', '--config', join(samplesDir, 'tutorial-003-1.conf')]);
  assert.match(r.stdout, /auth_pass 有 12 个字符，但 keepalived 只使用前 8 个："t9rveMP0"/);
});

test('inspect --help has examples', async () => {
  const r = await runCli(['inspect', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n {2}ha-setup inspect/);
});

test('inspect of a dual-master file says per VIP where it goes when nginx dies on either node (text and --json)', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ha1.conf'), dualMasterA());
  writeFileSync(join(dir, 'ha2.conf'), dualMasterB());
  const text = await runCli(['inspect', '--config', join(dir, 'ha1.conf')]);
  assert.match(text.stdout, /Where each VIP goes \(the peer: assumed to mirror this file; --peer-config FILE reads its own\):/);
  assert.match(text.stdout, /10\.20\.0\.249\/24 \(VI_1\): this node; nginx down on this node: the peer; nginx down on the peer: this node/);
  assert.match(text.stdout, /10\.20\.0\.248\/24 \(VI_2\): the peer; nginx down on this node: the peer; nginx down on the peer: this node/);
  const json = JSON.parse((await runCli(['inspect', '--json', '--config', join(dir, 'ha1.conf'), '--peer-config', join(dir, 'ha2.conf')])).stdout);
  assert.deepEqual(json.vip_placement, {
    peer: { source: 'file', file: join(dir, 'ha2.conf') },
    vips: [
      { vip: '10.20.0.249/24', instance: 'VI_1', holder: 'this', nginx_down: { this: 'peer', peer: 'this' } },
      { vip: '10.20.0.248/24', instance: 'VI_2', holder: 'peer', nginx_down: { this: 'peer', peer: 'this' } },
    ],
  });
  // tutorial-001-4 as published tracks nothing: neither VIP moves when nginx dies.
  const plain = JSON.parse((await runCli(['inspect', '--json', '--config', join(samplesDir, 'tutorial-001-4.conf')])).stdout);
  assert.deepEqual(plain.vip_placement.vips.map((v: { holder: string; nginx_down: object }) => [v.holder, v.nginx_down]), [
    ['this', { this: 'this', peer: 'this' }],
    ['peer', { this: 'peer', peer: 'peer' }],
  ]);
  assert.equal(plain.vip_placement.peer.source, 'mirror');
  const zh = await runCli(['inspect', '--lang', 'zh', '--config', join(dir, 'ha1.conf')]);
  assert.match(zh.stdout, /每个 VIP 的去向/);
});
