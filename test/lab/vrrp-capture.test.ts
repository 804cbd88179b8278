/**
 * Real keepalived 2.2.7 in two network namespaces (vr-a, vr-b) joined by a bridge in a
 * third (vr-br): what captureVrrp sees on the wire, which process findKeepalived picks,
 * and what the dumps and the log say after a password mismatch. Then the same pair as
 * VRRPv3. Addresses: 192.0.2.21, 192.0.2.22, VIPs 192.0.2.61 / 192.0.2.63.
 *
 * HA_SETUP_RECORD_FIXTURES=1 also writes what was captured to test/fixtures/{vrrp,runtime}/
 * (the unit tests decode those recordings).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NetnsHost } from '../../src/host/netns.js';
import { captureVrrp, summarizeCapture, type CaptureResult } from '../../src/vrrp/capture.js';
import { findKeepalived, findAllKeepalived } from '../../src/keepalived/runtime/process.js';
import { requestDump, parseStats, parseData, parseJsonDump, keepalivedSignal } from '../../src/keepalived/runtime/dumps.js';
import { readKeepalivedLog } from '../../src/keepalived/runtime/logs.js';
import { fixturesDir, tempDir } from '../helpers/paths.js';

const NS = { br: `vr-br-${process.pid}`, a: `vr-a-${process.pid}`, b: `vr-b-${process.pid}` } as const;
const ADDR = { a: '192.0.2.21', b: '192.0.2.22' } as const;
const RECORD = process.env.HA_SETUP_RECORD_FIXTURES === '1';

type Node = 'a' | 'b';
let dir = '';
const started: Partial<Record<Node, number>> = {};

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function nsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

function removeNamespaces(): void {
  for (const n of [NS.a, NS.b, NS.br]) {
    if (nsExists(n)) {
      try {
        ip('netns', 'del', n);
      } catch {
        /* already gone */
      }
    }
  }
}

function procState(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

const alive = (pid: number): boolean => {
  const s = procState(pid);
  return s !== null && s !== 'Z' && s !== 'X';
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function nodeDir(n: Node): string {
  return join(dir, n);
}

function writeConf(n: Node, opts: { version: 2 | 3; password?: string }): void {
  const prio = n === 'a' ? 150 : 100;
  const auth = opts.password ? `  authentication {\n    auth_type PASS\n    auth_pass ${opts.password}\n  }\n` : '';
  const v3 = opts.version === 3;
  writeFileSync(
    join(nodeDir(n), 'keepalived.conf'),
    `global_defs {
  router_id vr_${n}
  script_user root
  enable_script_security
}
vrrp_script chk_true {
  script "/bin/true"
  interval 1
  weight -20
}
vrrp_instance VI_${v3 ? 63 : 61} {
  state BACKUP
  interface eth0
  virtual_router_id ${v3 ? 63 : 61}
  version ${opts.version}
  priority ${prio}
  advert_int ${v3 ? '0.5' : '1'}
${auth}  virtual_ipaddress {
    192.0.2.${v3 ? 63 : 61}/24
  }
  track_script {
    chk_true
  }
}
`,
  );
}

function startKeepalived(n: Node): number {
  const d = nodeDir(n);
  const log = openSync(join(d, 'keepalived.log'), 'w');
  // detached = setsid; `ip netns exec` and `env` exec in place, so the pid is keepalived's.
  const child = spawn(
    'ip',
    ['netns', 'exec', NS[n], 'env', `TMPDIR=${join(d, 'tmp')}`, 'keepalived', '--dont-fork', '--vrrp', '--log-console', '--log-detail', '--no-syslog',
      '-f', join(d, 'keepalived.conf'), '-p', join(d, 'keepalived.pid'), '-r', join(d, 'vrrp.pid'), '-c', join(d, 'checkers.pid'), '-b', join(d, 'bfd.pid')],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  started[n] = child.pid!;
  return child.pid!;
}

async function stopKeepalived(n: Node): Promise<void> {
  const pid = started[n];
  if (!pid) return;
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  const t0 = Date.now();
  while (alive(pid) && Date.now() - t0 < 5000) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  delete started[n];
}

const logOf = (n: Node): string => readFileSync(join(nodeDir(n), 'keepalived.log'), 'utf8');

function record(sub: 'vrrp' | 'runtime', name: string, data: string | Uint8Array): void {
  if (!RECORD) return;
  mkdirSync(join(fixturesDir, sub), { recursive: true });
  writeFileSync(join(fixturesDir, sub, name), data);
}

/** Lab paths in recorded text would name this machine's temp dir: replace them. */
function scrub(text: string): string {
  return text.split(dir).join('/lab');
}

const host = (n: Node) => new NetnsHost(NS[n], nodeDir(n));

before(() => {
  removeNamespaces();
  dir = tempDir('vr-lab-');
  for (const n of ['a', 'b'] as const) mkdirSync(join(nodeDir(n), 'tmp'), { recursive: true });
  ip('netns', 'add', NS.br);
  ip('netns', 'add', NS.a);
  ip('netns', 'add', NS.b);
  ip('-n', NS.br, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', NS.br, 'link', 'set', 'br0', 'up');
  for (const n of ['a', 'b'] as const) {
    ip('-n', NS.br, 'link', 'add', `v${n}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS[n]);
    ip('-n', NS.br, 'link', 'set', `v${n}`, 'master', 'br0', 'up');
    ip('-n', NS[n], 'link', 'set', 'lo', 'up');
    ip('-n', NS[n], 'addr', 'add', `${ADDR[n]}/24`, 'dev', 'eth0');
    ip('-n', NS[n], 'link', 'set', 'eth0', 'up');
  }
});

after(async () => {
  try {
    await stopKeepalived('a');
    await stopKeepalived('b');
  } finally {
    removeNamespaces();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

test('VRRPv2: capture, process discovery, dumps and logs after a password mismatch', async (t) => {
  writeConf('a', { version: 2, password: 'labpass1' });
  writeConf('b', { version: 2, password: 'labpass1' });
  const pidA = startKeepalived('a');
  const pidB = startKeepalived('b');
  const t0 = Date.now();
  await waitFor('vr-a to become MASTER', () => /\(VI_61\) Entering MASTER STATE/.test(logOf('a')), 10000);
  t.diagnostic(`vr-a MASTER after ${Date.now() - t0} ms`);

  await t.test('captureVrrp in vr-b sees vr-a adverts', async () => {
    const r = await captureVrrp(host('b'), { iface: 'eth0', durationMs: 3500, peers: [ADDR.a] });
    t.diagnostic(`capture: ${r.adverts.length} adverts in ${r.durationMs} ms, counters ${JSON.stringify(r.counters)}`);
    assert.equal(r.tcpdumpMissing, false);
    assert.equal(r.error, null);
    assert.ok(r.pcap && r.pcap.length > 24);
    const fromA = r.adverts.filter((x) => x.src === ADDR.a);
    assert.ok(fromA.length >= 2, `expected >= 2 adverts from vr-a, got ${fromA.length}`);
    for (const a of fromA) {
      assert.equal(a.version, 2);
      assert.equal(a.vrid, 61);
      assert.equal(a.priority, 150);
      assert.equal(a.authType, 1);
      assert.equal(a.authData, 'labpass1');
      assert.deepEqual(a.addresses, ['192.0.2.61']);
      assert.equal(a.checksumOk, true);
      assert.equal(a.checksumVariant, 'v2');
      assert.equal(a.ttl, 255);
      assert.equal(a.dst, '224.0.0.18');
      assert.equal(a.multicast, true);
      assert.equal(a.advertIntervalMs, 1000);
    }
    const s = summarizeCapture(r, { peers: [ADDR.a] });
    const sender = s.senders.find((x) => x.src === ADDR.a)!;
    assert.equal(sender.knownPeer, true);
    assert.ok(sender.measuredIntervalMs !== null && Math.abs(sender.measuredIntervalMs - 1000) < 200, `measured ${sender.measuredIntervalMs}`);
    assert.deepEqual(s.silentPeers, []);
    record('vrrp', 'v2-pass-eth0.pcap', r.pcap!);
  });

  await t.test('captureVrrp reports a missing interface as an error', async () => {
    const r = await captureVrrp(host('b'), { iface: 'nosuch0', durationMs: 1500 });
    assert.equal(r.tcpdumpMissing, false);
    assert.match(r.error ?? '', /nosuch0/);
    assert.deepEqual(r.adverts, []);
  });

  await t.test('findKeepalived picks the process of its own namespace', async () => {
    const ka = await findKeepalived(host('a'));
    const kb = await findKeepalived(host('b'));
    assert.ok(ka && kb);
    assert.equal(ka.pid, pidA);
    assert.notEqual(ka.pid, pidB);
    assert.equal(kb.pid, pidB);
    assert.equal(ka.vrrpPid, Number(readFileSync(join(nodeDir('a'), 'vrrp.pid'), 'utf8').trim()));
    assert.equal(ka.configFile, join(nodeDir('a'), 'keepalived.conf'));
    assert.equal(ka.tmpDir, join(nodeDir('a'), 'tmp'));
    assert.equal(ka.tmpDirSource, 'TMPDIR');
    assert.equal(ka.logTarget.console, true);
    assert.equal(ka.logTarget.syslog, false);
    assert.equal(ka.logTarget.stdoutFile, join(nodeDir('a'), 'keepalived.log'));
    assert.equal((await findAllKeepalived(host('a'))).length, 1);
  });

  await t.test('stats, data and JSON dumps of the healthy backup', async () => {
    const kb = (await findKeepalived(host('b')))!;
    const stats = await requestDump(host('b'), kb, 'stats');
    t.diagnostic(`stats dump after ${stats.waitedMs} ms`);
    assert.equal(stats.error, null);
    assert.equal(stats.fresh, true);
    assert.equal(stats.signal.signal, '12');
    const st = parseStats(stats.text!);
    assert.equal(st.length, 1);
    assert.equal(st[0]!.name, 'VI_61');
    assert.ok(st[0]!.advertisementsReceived > 0);
    assert.equal(st[0]!.authErrors.failure, 0);
    record('runtime', 'stats-2.2.7-backup.txt', stats.text!);

    const data = await requestDump(host('b'), kb, 'data');
    assert.equal(data.fresh, true);
    const d = parseData(data.text!);
    const inst = d.instances[0]!;
    assert.equal(inst.state, 'BACKUP');
    assert.equal(inst.masterRouter, ADDR.a);
    assert.equal(inst.masterPriority, 150);
    assert.equal(inst.password?.reveal(), 'labpass1');
    record('runtime', 'data-2.2.7-backup.txt', scrub(data.text!));

    const json = await requestDump(host('b'), kb, 'json');
    assert.equal(json.fresh, true);
    const j = parseJsonDump(json.text!);
    assert.equal(j[0]!.state, 'BACKUP');
    assert.equal(j[0]!.vrid, 61);
    record('runtime', 'json-2.2.7-backup.json', json.text!);
  });

  await t.test('password mismatch: auth failures counted, logged, both sides MASTER', async () => {
    writeConf('b', { version: 2, password: 'otherpw2' });
    const kb = (await findKeepalived(host('b')))!;
    const reload = await keepalivedSignal(host('b'), 'RELOAD');
    const k = await host('b').exec('kill', ['-s', reload.signal!, String(kb.pid)]);
    assert.equal(k.exitCode, 0);
    await waitFor('invalid passwd in vr-b log', () => /received an invalid passwd!/.test(logOf('b')), 5000);
    const stats = await requestDump(host('b'), kb, 'stats');
    const st = parseStats(stats.text!)[0]!;
    assert.ok(st.authErrors.failure! > 0, `failure counter ${st.authErrors.failure}`);

    const log = await readKeepalivedLog(host('b'), kb);
    assert.equal(log.source, 'console-file');
    const bad = log.events.filter((e) => e.kind === 'invalid-password');
    assert.ok(bad.length > 0);
    assert.equal(bad[0]!.instance, 'VI_61');
    assert.equal(bad[0]!.from, null); // 2.2.7 does not name the sender

    // split brain: vr-b times out and becomes MASTER too; both now advertise
    await waitFor('vr-b to become MASTER', () => /\(VI_61\) Entering MASTER STATE/.test(logOf('b')), 8000);
    // Both "masters" advertise irregularly: each invalid advert a node receives re-arms its
    // own advert timer (gaps of 1-8 s seen on 2.2.7), so gather captures until both show up.
    const adverts: CaptureResult['adverts'] = [];
    let r: CaptureResult | null = null;
    for (let i = 0; i < 5; i++) {
      r = await captureVrrp(host('a'), { iface: 'eth0', durationMs: 3000 });
      adverts.push(...r.adverts);
      if (adverts.some((x) => x.src === ADDR.a) && adverts.some((x) => x.src === ADDR.b)) break;
    }
    const s = summarizeCapture({ adverts });
    assert.deepEqual(s.senders.map((x) => x.src).sort(), [ADDR.a, ADDR.b]);
    assert.deepEqual(s.conflictingVrids, [61]);
    assert.equal(s.senders.find((x) => x.src === ADDR.b)!.authData, 'otherpw2');

    const after = await requestDump(host('b'), kb, 'stats');
    record('runtime', 'stats-2.2.7-password-mismatch.txt', after.text!);
    if (r?.adverts.some((x) => x.src === ADDR.a) && r.adverts.some((x) => x.src === ADDR.b)) record('vrrp', 'v2-password-mismatch-eth0.pcap', r.pcap!);
    record('runtime', 'log-2.2.7-password-mismatch.log', scrub(logOf('b')));
    record('runtime', 'log-2.2.7-master.log', scrub(logOf('a')));
  });

  await stopKeepalived('a');
  await stopKeepalived('b');
});

test('VRRPv3: adverts carry centiseconds and an IPv4 pseudo-header checksum', async (t) => {
  writeConf('a', { version: 3 });
  writeConf('b', { version: 3 });
  startKeepalived('a');
  startKeepalived('b');
  await waitFor('vr-a to become MASTER (v3)', () => /\(VI_63\) Entering MASTER STATE/.test(logOf('a')), 10000);
  const r = await captureVrrp(host('b'), { iface: 'any', durationMs: 2000 });
  t.diagnostic(`v3 capture on any: ${r.adverts.length} adverts, linktype ${r.linktype}`);
  assert.equal(r.error, null);
  assert.equal(r.linktype, 276); // tcpdump 4.99 -i any: LINUX_SLL2
  const fromA = r.adverts.filter((x) => x.src === ADDR.a);
  assert.ok(fromA.length >= 2, `expected >= 2 v3 adverts, got ${fromA.length}`);
  for (const a of fromA) {
    assert.equal(a.version, 3);
    assert.equal(a.vrid, 63);
    assert.equal(a.priority, 150);
    assert.equal(a.advertIntervalMs, 500);
    assert.equal(a.authType, null);
    assert.deepEqual(a.addresses, ['192.0.2.63']);
    assert.equal(a.checksumOk, true);
    assert.equal(a.checksumVariant, 'v3-pseudo-header');
    assert.notEqual(a.direction, 'outgoing');
  }
  const kb = (await findKeepalived(host('b')))!;
  const data = await requestDump(host('b'), kb, 'data');
  const inst = parseData(data.text!).instances[0]!;
  assert.equal(inst.version, 3);
  assert.equal(inst.advertIntervalMs, 500);
  assert.equal(inst.masterAdvertIntervalMs, 500);
  record('vrrp', 'v3-any-sll2.pcap', r.pcap!);
  record('runtime', 'data-2.2.7-v3-backup.txt', scrub(data.text!));
  await stopKeepalived('a');
  await stopKeepalived('b');
});
