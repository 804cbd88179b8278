/**
 * Each node check on recorded facts: the healthy case and at least one way it fails.
 * Configs are real (../shared/samples, the file `ha-setup setup` wrote in a dd- namespace);
 * command outputs are recorded from this machine (test/fixtures/doctor).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { keepalivedInstalled } from '../../checks/keepalived-installed.js';
import { keepalivedRunning } from '../../checks/keepalived-running.js';
import { configValid } from '../../checks/config-valid.js';
import { nginxRunning, urlInScript } from '../../checks/nginx-running.js';
import { checkScript, scriptPathProblems, scriptUserFor, asUserArgv, droppedScriptLines } from '../../checks/check-script.js';
import { firewallVrrp } from '../../checks/firewall-vrrp.js';
import { cloudMulticast } from '../../checks/cloud-multicast.js';
import { priority } from '../../checks/priority.js';
import { election } from '../../checks/election.js';
import { vipReachable, vipDropRules } from '../../checks/vip-reachable.js';
import { nftVrrpStatus } from '../../src/firewall/vrrp.js';
import { LocalHost } from '../../src/host/local.js';
import { NetnsHost } from '../../src/host/netns.js';
import { throwAwayNamespace } from '../helpers/netns.js';
import { advertsFromCapture, type CaptureResult } from '../../src/vrrp/capture.js';
import { parseConfigText } from '../../src/keepalived/parse.js';
import { fakeContext, FakeServices, fixture, keepalivedProcess, RecordedHost, sample } from './doctor-fake-context.js';
import { readFileSync } from 'node:fs';
import { applyFixes, runChecks } from '../../src/doctor/run.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';

const setupMaster = fixture('doctor', 'setup-master.conf');
const work = tempDir('dd-checks-');
after(() => rmSync(work, { recursive: true, force: true }));

/** The capture recorded in a lab: 192.0.2.21 advertising vrid 61 at priority 150. */
function recordedCapture(): CaptureResult {
  const bytes = new Uint8Array(readFileSync(join(fixturesDir, 'vrrp', 'v2-pass-eth0.pcap')));
  const d = advertsFromCapture(bytes);
  return { iface: 'eth0', adverts: d.adverts, undecoded: d.undecoded, tcpdumpMissing: false, error: null, durationMs: 3300, linktype: d.linktype, counters: { captured: d.adverts.length, receivedByFilter: null, droppedByKernel: null }, pcap: bytes };
}

/** setup-master.conf as a node of the recorded capture's group (vrid 61). */
const asGroup61 = (state: 'MASTER' | 'BACKUP', prio: number) => setupMaster.replace('state MASTER', `state ${state}`).replace('virtual_router_id 60', 'virtual_router_id 61').replace('priority 150', `priority ${prio}`);

// ---- keepalived-installed ------------------------------------------------------------

test('keepalived-installed: ok with version; fail with the install command; 1.3.5 says how its files are checked without -t', async () => {
  const ok = await keepalivedInstalled.run(await fakeContext({ facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: true, pid: 1, pids: [1] } } }));
  assert.equal(ok.status, 'ok');
  assert.match(ok.summary, /2\.2\.7/);
  const missing = await keepalivedInstalled.run(await fakeContext({ facts: { keepalived: { installed: false, path: null, version: null, running: false, pid: null, pids: [] } } }));
  assert.equal(missing.status, 'fail');
  assert.deepEqual(missing.fix?.commands, ['ha-setup install', 'apt-get install -y keepalived']);
  const old = await keepalivedInstalled.run(await fakeContext({ facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '1.3.5', running: true, pid: 1, pids: [1] } } }));
  assert.equal(old.status, 'ok');
  assert.match(old.details.join('\n'), /keepalived 1\.3\.5 has no -t \(it came in 2\.0\.4\): doctor checks the file with ha-setup's validator for 1\.3\.5; setup also gives each new file a short dry start/);
});

// ---- keepalived-running ---------------------------------------------------------------

test('keepalived-running: ok with the daemon; fail with how to start it per init system; skip without root', async () => {
  const ok = await keepalivedRunning.run(await fakeContext({ keepalived: keepalivedProcess() }));
  assert.equal(ok.status, 'ok');
  const logLines = fixture('runtime', 'log-2.2.7-master.log').split('\n').filter(Boolean);
  const down = await keepalivedRunning.run(await fakeContext({ keepalived: null, logLines, facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } } }));
  assert.equal(down.status, 'fail');
  assert.deepEqual(down.fix?.commands, ['service keepalived start']);
  assert.ok(down.details.some((d) => d.includes(logLines.at(-1)!.trim().slice(0, 30))));
  const systemd = await keepalivedRunning.run(await fakeContext({ services: new FakeServices('systemd'), facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: false, pid: null, pids: [] } } }));
  assert.deepEqual(systemd.fix?.commands, ['systemctl enable --now keepalived']);
  const orphan = await keepalivedRunning.run(await fakeContext({ keepalived: keepalivedProcess({ childPids: [] }) }));
  assert.equal(orphan.status, 'fail');
  const noRoot = await keepalivedRunning.run(await fakeContext({ facts: { keepalived: { installed: true, path: '/usr/sbin/keepalived', version: '2.2.7', running: null, pid: null, pids: [] } } }));
  assert.equal(noRoot.status, 'skip');
  // The repair is plan steps for the applier: under systemd enable, then start.
  const steps = async (services: FakeServices) => (await keepalivedRunning.fixSteps!(await fakeContext({ services }))).map((s) => (s.kind === 'service' ? `${s.op} ${s.name}` : s.kind));
  assert.deepEqual(await steps(new FakeServices('systemd')), ['enable keepalived', 'start keepalived']);
  // elsewhere no enable step: the init script starts it
  assert.deepEqual(await steps(new FakeServices('sysv')), ['start keepalived']);
});

// ---- config-valid --------------------------------------------------------------------

test('config-valid: the file setup wrote is clean; a sample with warnings warns with file:line; a VIP that is a node address fails', async () => {
  const tested = { ran: true, version: '2.2.7', exitCode: 0, outcome: 'ok' as const, findings: [], stderr: '' };
  const ok = await configValid.run(await fakeContext({ config: setupMaster, configTest: tested }));
  assert.equal(ok.status, 'ok', JSON.stringify(ok));
  const warn = await configValid.run(await fakeContext({ config: sample('tutorial-003-1.conf') }));
  assert.equal(warn.status, 'warn');
  assert.ok(warn.details.some((d) => /keepalived\.conf:\d+ .*\[auth-pass-length\]/.test(d)), warn.details.join('\n'));
  assert.ok(warn.fix && warn.fix.commands.includes('keepalived -t -f /etc/keepalived/keepalived.conf'));
  const clash = await configValid.run(
    await fakeContext({
      config: sample('tutorial-001-1.conf'),
      facts: { interfaces: [{ name: 'eth0', up: true, ipv4: ['192.168.200.16/24'], ipv6: [], mac: null, default: true, loopback: false }] },
    }),
  );
  assert.equal(clash.status, 'fail');
  assert.ok(clash.details.some((d) => /keepalived\.conf:\d+ .*vip-is-node-address/.test(d)));
  const none = await configValid.run(await fakeContext({ config: null }));
  assert.equal(none.status, 'fail');
  assert.deepEqual(none.fix?.commands, ['ha-setup setup']);
  const t5 = await configValid.run(
    await fakeContext({
      config: setupMaster,
      configTest: {
        ran: true,
        version: '2.2.7',
        exitCode: 5,
        outcome: 'problems',
        stderr: fixture('doctor', 'keepalived-t-insecure-2.2.7.stderr.txt'),
        findings: [{ severity: 'error', rule: 'keepalived-t', path: '', message: 'x', suggestion: '', file: null, line: null, raw: fixture('doctor', 'keepalived-t-insecure-2.2.7.stderr.txt').trim() }],
      },
    }),
  );
  assert.equal(t5.status, 'fail');
  assert.ok(t5.details.some((d) => d.includes('Disabling track script chk_nginx due to insecure')));
});

// ---- nginx-running -------------------------------------------------------------------

test('nginx-running: answers over HTTP (real curl to a local server), not running, running but silent', async () => {
  const server = createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const script = join(work, 'check_http.sh');
    writeFileSync(script, `#!/bin/sh\n# asks http://ignored.example/ in a comment\ncurl --silent --output /dev/null 'http://127.0.0.1:${port}/health'\n`, { mode: 0o755 });
    const conf = setupMaster.replace('/etc/keepalived/check_nginx.sh', script);
    const running = { installed: true, path: '/usr/sbin/nginx', version: '1.22.1', running: true, pid: 100 };
    const ok = await nginxRunning.run(await fakeContext({ config: conf, facts: { nginx: running } }));
    assert.equal(ok.status, 'ok', JSON.stringify(ok));
    assert.match(ok.summary, new RegExp(`127\\.0\\.0\\.1:${port}/health.*HTTP 204`));
    const stopped = await nginxRunning.run(await fakeContext({ config: conf, facts: { nginx: { ...running, running: false, pid: null } } }));
    assert.equal(stopped.status, 'fail');
    assert.deepEqual(stopped.fix?.commands, ['nginx -t', 'service nginx start']);
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    const silent = await nginxRunning.run(await fakeContext({ config: conf, facts: { nginx: running } }));
    assert.equal(silent.status, 'fail');
    assert.match(silent.summary, /does not answer/);
  } finally {
    server.close();
  }
  assert.equal(urlInScript(fixture('..', '..', 'templates', 'check_nginx.sh').replace('{{url}}', 'http://127.0.0.1/')), 'http://127.0.0.1/');
});

// ---- check-script --------------------------------------------------------------------

test('check-script: root-owned 0755 script that exits 0 is ok; 0777 fails and its fix steps repair it; exit 1 fails; dropped by keepalived fails', async () => {
  const dir = join(work, 'keepalived');
  mkdirSync(dir, { mode: 0o755 });
  const script = join(dir, 'check_nginx.sh');
  writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  chmodSync(script, 0o755);
  const conf = setupMaster.replace('/etc/keepalived/check_nginx.sh', script);
  const ok = await checkScript.run(await fakeContext({ config: conf }));
  assert.equal(ok.status, 'ok', JSON.stringify(ok));

  chmodSync(script, 0o777);
  const ctx = await fakeContext({ config: conf });
  const insecure = await checkScript.run(ctx);
  assert.equal(insecure.status, 'fail');
  assert.match(insecure.summary, /writable by group or others \(mode 0777\)/);
  assert.deepEqual(insecure.fix?.commands, [`chown root:root ${script}`, `chmod 0755 ${script}`]);
  const fixed = await applyFixes(ctx, [checkScript], await runChecks(ctx, [checkScript]), { confirm: async () => true, freshContext: () => ctx });
  assert.deepEqual(fixed.fixes.map((f) => f.actions), [[`$ chown root:root ${script}`, `$ chmod 0755 ${script}`]]);
  assert.equal((await checkScript.run(await fakeContext({ config: conf }))).status, 'ok');

  writeFileSync(script, '#!/bin/sh\nexit 7\n');
  const failing = await checkScript.run(await fakeContext({ config: conf }));
  assert.equal(failing.status, 'fail');
  assert.match(failing.summary, /returns 7 right now/);

  writeFileSync(script, '#!/bin/sh\nexit 0\n');
  const log = ['Mon Nov 23 10:53:18 2026: Starting Keepalived v2.2.7 (01/16,2022)', 'Mon Nov 23 10:53:18 2026: Disabling track script chk_nginx due to insecure'];
  const dropped = await checkScript.run(await fakeContext({ config: conf, logLines: log }));
  assert.equal(dropped.status, 'fail');
  assert.deepEqual(dropped.fix?.commands, ['service keepalived restart']);

  const missing = await checkScript.run(await fakeContext({ config: setupMaster.replace('/etc/keepalived/check_nginx.sh', join(work, 'nope.sh')) }));
  assert.equal(missing.status, 'fail');
  assert.match(missing.summary, /does not exist/);

  const untracked = await checkScript.run(await fakeContext({ config: sample('tutorial-001-2.conf') }));
  assert.equal(untracked.status, 'fail');
});

test('check-script helpers: directory rules, script user resolution, runuser argv, dropped lines', async () => {
  const fs = new LocalHost('/');
  // /tmp is world-writable but sticky: accepted, as keepalived accepts it.
  assert.deepEqual((await scriptPathProblems(fs, '/bin/sh')).map((p) => p.kind), []);
  const open = join(work, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  writeFileSync(join(open, 's.sh'), '#!/bin/sh\n', { mode: 0o755 });
  assert.deepEqual((await scriptPathProblems(fs, join(open, 's.sh'))).map((p) => p.kind), ['dir-writable']);
  const parsed = await parseConfigText(setupMaster);
  const s = parsed.config.vrrpScripts[0]!;
  assert.deepEqual(scriptUserFor(parsed.config, s, true), { user: 'root', group: null, source: 'global' });
  const noUser = await parseConfigText(setupMaster.replace('    script_user root\n', ''));
  assert.deepEqual(scriptUserFor(noUser.config, noUser.config.vrrpScripts[0]!, false), { user: null, group: null, source: 'default' });
  assert.equal(scriptUserFor(noUser.config, noUser.config.vrrpScripts[0]!, true).user, 'keepalived_script');
  assert.deepEqual(asUserArgv('keepalived_script', null, ['/etc/keepalived/check_nginx.sh']), ['runuser', '-u', 'keepalived_script', '--', '/etc/keepalived/check_nginx.sh']);
  assert.deepEqual(droppedScriptLines(['Disabling track script x due to insecure', 'Starting Keepalived v2.2.7', 'VRRP_Script(chk) succeeded']), []);
});

test('check-script: runs the script as its (unprivileged) script user and catches what root does not see', async () => {
  const dir = tempDir('dd-user-');
  try {
    chmodSync(dir, 0o755);
    const script = join(dir, 'check.sh');
    // Readable and executable by root only: root runs it, nobody cannot.
    writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
    chmodSync(script, 0o700);
    const conf = setupMaster.replace('/etc/keepalived/check_nginx.sh', script).replace('script_user root', 'script_user nobody');
    const r = await checkScript.run(await fakeContext({ config: conf }));
    assert.equal(r.status, 'fail', JSON.stringify(r));
    assert.match(r.summary, /cannot run as nobody/);
    assert.ok(r.details.some((d) => /ran as nobody \(`runuser -u nobody -- /.test(d)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- firewall-vrrp -------------------------------------------------------------------

test('firewall-vrrp: nft drop gives the exact persistent commands; accepted is ok; unknown skips', async () => {
  const dropped = nftVrrpStatus(fixture('firewall', 'nft-vrrp-dropped.txt'));
  // systemd cannot run here: nftables.service is answered as not enabled, so its enable step follows the save.
  const host = new RecordedHost([{ argv: ['systemctl', 'is-enabled', '--quiet', 'nftables'], result: { exitCode: 1 } }]);
  const ctx = await fakeContext({ host, config: setupMaster, firewall: dropped, facts: { firewall: { kind: 'nftables', running: true } } });
  const r = await firewallVrrp.run(ctx);
  assert.equal(r.status, 'fail');
  assert.deepEqual(r.fix?.commands, [
    'nft insert rule inet filter input meta l4proto vrrp accept',
    "{ printf '#!/usr/sbin/nft -f\\nflush ruleset\\n\\n'; nft list ruleset; } > /etc/nftables.conf",
    'systemctl enable nftables',
  ]);
  assert.deepEqual(host.calls, [['systemctl', 'is-enabled', '--quiet', 'nftables']]);
  assert.ok(r.details.some((d) => /capture still shows/.test(d)));
  const ok = await firewallVrrp.run(await fakeContext({ firewall: nftVrrpStatus(fixture('firewall', 'nft-vrrp-accepted.txt')), facts: { firewall: { kind: 'nftables', running: true } } }));
  assert.equal(ok.status, 'ok');
  const unknown = await firewallVrrp.run(await fakeContext({ firewall: { allowed: null, evidence: null, blockingChains: [] } }));
  assert.equal(unknown.status, 'skip');
});

// ---- cloud-multicast -----------------------------------------------------------------

test('cloud-multicast: multicast on Alibaba Cloud fails; unicast there is ok; off-cloud ok; unknown skips', async () => {
  const ali = { vendor: 'alibaba' as const, multicast: false, evidence: 'sys_vendor=Alibaba Cloud' };
  const fail = await cloudMulticast.run(await fakeContext({ config: setupMaster, facts: { cloud: ali } }));
  assert.equal(fail.status, 'fail');
  assert.match(fail.fix!.explain, /unicast_peer/);
  const unicast = setupMaster.replace('    track_script {', '    unicast_src_ip 192.0.2.11\n    unicast_peer {\n        192.0.2.12\n    }\n    track_script {');
  assert.equal((await cloudMulticast.run(await fakeContext({ config: unicast, facts: { cloud: ali } }))).status, 'ok');
  assert.equal((await cloudMulticast.run(await fakeContext({ config: setupMaster }))).status, 'ok');
  assert.equal((await cloudMulticast.run(await fakeContext({ config: setupMaster, facts: { cloud: { vendor: 'kvm', multicast: null, evidence: null } } }))).status, 'skip');
});

// ---- priority ------------------------------------------------------------------------

test('priority: 255 and implied 255 fail; a BACKUP above the captured master fails; below it is ok; equal warns', async () => {
  assert.equal((await priority.run(await fakeContext({ config: setupMaster.replace('priority 150', 'priority 255') }))).status, 'fail');
  const implied = await priority.run(await fakeContext({ config: sample('tutorial-001-1.conf').replace(/ *priority 100.*\n/, '') }));
  assert.equal(implied.status, 'fail');
  assert.match(implied.summary, /no priority/);
  const capture = recordedCapture();
  const above = await priority.run(await fakeContext({ config: asGroup61('BACKUP', 200), capture }));
  assert.equal(above.status, 'fail');
  assert.match(above.summary, /192\.0\.2\.21 150/);
  assert.equal((await priority.run(await fakeContext({ config: asGroup61('BACKUP', 100), capture }))).status, 'ok');
  assert.equal((await priority.run(await fakeContext({ config: asGroup61('BACKUP', 150), capture }))).status, 'warn');
  assert.equal((await priority.run(await fakeContext({ config: asGroup61('MASTER', 120), capture }))).status, 'fail');
  assert.equal((await priority.run(await fakeContext({ config: setupMaster }))).status, 'ok');
});

// ---- election ------------------------------------------------------------------------

test('election: ha-setup\'s weight-0 check moves the VIP; no track_script fails; a small weight fails against the captured peer', async () => {
  const ok = await election.run(await fakeContext({ config: setupMaster }));
  assert.equal(ok.status, 'ok', JSON.stringify(ok));
  assert.ok(ok.details.some((d) => /chk_nginx fails here: priority FAULT/.test(d)));
  const untracked = await election.run(await fakeContext({ config: sample('tutorial-001-2.conf') }));
  assert.equal(untracked.status, 'fail');
  assert.match(untracked.summary, /nothing tracks nginx/);
  // This node MASTER 170 with weight -20 against the recorded peer at 150: 150 = 150, stays.
  const weighted = asGroup61('MASTER', 170).replace('weight 0', 'weight -20');
  const r = await election.run(await fakeContext({ config: weighted, capture: recordedCapture() }));
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /^170 - 20 = 150 = 150: the VIP stays on a master whose nginx is down/);
  assert.match(r.fix!.explain, /weight -21/);
  // Without a capture the peer's priority is assumed (ha-setup default 100): a warning, not a failure.
  const assumed = await election.run(await fakeContext({ config: setupMaster.replace('weight 0', 'weight -20') }));
  assert.equal(assumed.status, 'warn');
  assert.match(assumed.summary, /^150 - 20 = 130 > 100/);
  const nopreempt = await election.run(await fakeContext({ config: setupMaster.replace('    advert_int 1\n', '    advert_int 1\n    nopreempt\n') }));
  assert.equal(nopreempt.status, 'fail');
  assert.match(nopreempt.summary, /nopreempt has no effect/);
});

// ---- vip-reachable -------------------------------------------------------------------

test('vip-reachable: vrrp_strict with keepalived\'s recorded nft drop table fails; nginx on the VIP without nonlocal bind fails', async () => {
  const ruleset = fixture('doctor', 'nft-ruleset-vrrp-dropped-and-strict.txt');
  assert.deepEqual(vipDropRules(ruleset, ['192.0.2.60']), ['ip saddr @vips drop', 'ip daddr @vips drop']);
  assert.deepEqual(vipDropRules(ruleset, ['192.0.2.6']), []);
  const strict = setupMaster.replace('    enable_script_security\n', '    enable_script_security\n    vrrp_strict\n');
  // The real nft, iptables and sysctl, in a namespace of this test's own (the machine's rules are not ours).
  const ns = throwAwayNamespace();
  after(() => ns.remove());
  const root = tempDir('dd-nginx-');
  after(() => rmSync(root, { recursive: true, force: true }));
  const host = new NetnsHost(ns.name, root);
  ns.run(['nft', '-f', '-'], ruleset);
  const r = await vipReachable.run(await fakeContext({ config: strict, host }));
  assert.equal(r.status, 'fail');
  assert.ok(r.details.includes('  ip daddr @vips drop'), JSON.stringify(r.details));
  // keepalived's table gone, a drop of VRRP itself left: nothing drops the VIP yet, vrrp_strict would.
  ns.run(['nft', 'flush', 'ruleset']);
  ns.run(['nft', '-f', '-'], fixture('firewall', 'nft-vrrp-dropped.txt'));
  const latent = await vipReachable.run(await fakeContext({ config: strict, host }));
  assert.equal(latent.status, 'warn');
  ns.run(['nft', 'flush', 'ruleset']);

  mkdirSync(join(root, 'etc/nginx/conf.d'), { recursive: true });
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), 'http { include /etc/nginx/conf.d/*.conf; }\n');
  writeFileSync(join(root, 'etc/nginx/conf.d/site.conf'), 'server {\n    listen 192.0.2.60:80;\n}\n');
  ns.run(['sysctl', '-q', '-w', 'net.ipv4.ip_nonlocal_bind=0']);
  const fail = await vipReachable.run(await fakeContext({ config: setupMaster, host }));
  assert.equal(fail.status, 'fail');
  // --root: the file goes under the root (whose etc/sysctl.d does not exist yet).
  assert.deepEqual(fail.fix?.commands, [
    `mkdir -p ${root}/etc/sysctl.d && echo 'net.ipv4.ip_nonlocal_bind = 1' > ${root}/etc/sysctl.d/90-ha-setup-nonlocal-bind.conf`,
    `sysctl -p ${root}/etc/sysctl.d/90-ha-setup-nonlocal-bind.conf`,
  ]);
  assert.equal((await vipReachable.run(await fakeContext({ config: setupMaster, host, holds: ['192.0.2.60'] }))).status, 'warn');
  ns.run(['sysctl', '-q', '-w', 'net.ipv4.ip_nonlocal_bind=1']);
  assert.equal((await vipReachable.run(await fakeContext({ config: setupMaster, host }))).status, 'ok');
  assert.equal((await vipReachable.run(await fakeContext({ config: setupMaster }))).status, 'ok');
});
