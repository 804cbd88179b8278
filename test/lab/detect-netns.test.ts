import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { tempDir } from '../helpers/paths.js';
import { NetnsHost } from '../../src/host/netns.js';
import { gatherFacts } from '../../src/system/facts.js';
import { findProcessesInOurNetns } from '../../src/system/services.js';

// Needs root: it creates network namespaces. Two nodes, each with its own keepalived.
const NODES = [
  { ns: `dt-a-${process.pid}`, ifname: 'dt-va', addr: '192.0.2.11/24', prio: 150 },
  { ns: `dt-b-${process.pid}`, ifname: 'dt-vb', addr: '192.0.2.12/24', prio: 100 },
] as const;

function conf(ifname: string, prio: number): string {
  return [
    'global_defs {', '  router_id dt_detect', '}',
    'vrrp_instance VI_1 {', '  state BACKUP', `  interface ${ifname}`, '  virtual_router_id 51', `  priority ${prio}`, '  advert_int 1',
    '  authentication {', '    auth_type PASS', '    auth_pass dtpass', '  }',
    '  virtual_ipaddress {', '    192.0.2.50/24', '  }', '}', '',
  ].join('\n');
}

async function ip(...args: string[]) {
  await execa('ip', args);
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

test('detect through a NetnsHost sees its own keepalived and not the other node\'s', { timeout: 60_000 }, async () => {
  assert.equal(process.getuid?.(), 0, 'this lab test needs root (network namespaces)');
  const dir = tempDir('ha-setup-detect-lab-');
  const children: ChildProcess[] = [];
  const created: string[] = [];
  try {
    for (const n of NODES) {
      await ip('netns', 'add', n.ns);
      created.push(n.ns);
    }
    await ip('-n', NODES[0]!.ns, 'link', 'add', 'dt-va', 'type', 'veth', 'peer', 'name', 'dt-vb', 'netns', NODES[1]!.ns);
    for (const n of NODES) {
      await ip('-n', n.ns, 'addr', 'add', n.addr, 'dev', n.ifname);
      await ip('-n', n.ns, 'link', 'set', 'lo', 'up');
      await ip('-n', n.ns, 'link', 'set', n.ifname, 'up');
    }
    const pidFiles: Record<string, string> = {};
    for (const n of NODES) {
      const nodeDir = join(dir, n.ns);
      mkdirSync(join(nodeDir, 'etc/keepalived'), { recursive: true });
      mkdirSync(join(nodeDir, 'tmp'), { recursive: true });
      const confPath = join(nodeDir, 'etc/keepalived/keepalived.conf');
      writeFileSync(confPath, conf(n.ifname, n.prio));
      pidFiles[n.ns] = join(nodeDir, 'keepalived.pid');
      const child = spawn(
        'ip',
        ['netns', 'exec', n.ns, 'keepalived', '--dont-fork', '--vrrp', '--no-syslog', '--log-console', '-f', confPath, '-p', pidFiles[n.ns]!, '-r', join(nodeDir, 'vrrp.pid')],
        { stdio: 'ignore', env: { ...process.env, TMPDIR: join(nodeDir, 'tmp') } },
      );
      children.push(child);
    }
    for (const n of NODES) assert.ok(await waitFor(() => existsSync(pidFiles[n.ns]!), 10_000), `${n.ns} keepalived wrote its pid file`);
    const pidA = Number(readFileSync(pidFiles[NODES[0]!.ns]!, 'utf8').trim());
    const pidB = Number(readFileSync(pidFiles[NODES[1]!.ns]!, 'utf8').trim());
    assert.notEqual(pidA, pidB);

    const hostA = new NetnsHost(NODES[0]!.ns, join(dir, NODES[0]!.ns));
    const facts = await gatherFacts(hostA);
    assert.equal(facts.keepalived.running, true);
    assert.equal(facts.keepalived.pid, pidA, "dt-a's main keepalived process");
    assert.ok(!facts.keepalived.pids.includes(pidB), "dt-b's keepalived is not dt-a's");
    assert.ok(facts.keepalived.installed);
    assert.match(facts.keepalived.version ?? '', /^\d+\.\d+/);
    // Interfaces come from inside dt-a, not from the machine's root namespace.
    assert.deepEqual(facts.interfaces.map((i) => i.name).sort(), ['dt-va', 'lo']);
    assert.deepEqual(facts.interfaces.find((i) => i.name === 'dt-va')!.ipv4.filter((a) => a !== '192.0.2.50/24'), ['192.0.2.11/24']);
    assert.equal(facts.interfacesSource, 'ip');
    assert.equal(facts.scope.host, 'netns');

    const inB = await findProcessesInOurNetns(new NetnsHost(NODES[1]!.ns, join(dir, NODES[1]!.ns)), 'keepalived');
    assert.ok(inB!.some((p) => p.pid === pidB));
    assert.ok(!inB!.some((p) => p.pid === pidA));
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    for (const ns of created) await execa('ip', ['netns', 'del', ns], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }
});
