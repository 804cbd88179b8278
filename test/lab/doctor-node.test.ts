// doctor on one real node: keepalived + nginx in a throw-away namespace dd-n1, the config
// written by the real `ha-setup setup --root`, doctor through the built CLI inside the
// namespace. Then one fault at a time, each seen by the right check with its fix.
// Needs root, keepalived, nginx, curl, nft, tcpdump and iproute2 (.ci/run installs them);
// run `node scripts/build.mjs` first (`npm test` does).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { makeNodeNamespace, removeNamespace } from '../helpers/netns.js';
import { NetnsHost } from '../../src/host/netns.js';
import { renderLabNginxConf } from '../../src/lab/node-files.js';
import { NODE_DIRS, NODE_PATHS } from '../../src/lab/paths.js';
import { readProcStat, terminate } from '../../src/lab/procs.js';

const NS = `dd-n1-${process.pid}`;
const VIP = '192.0.2.60';
let root = '';
let conf = '';
let log = '';
let script = '';
const started: Array<{ pid: number; startTime: string }> = [];
let nginxPid = 0;

interface JsonReport {
  node: string;
  durationMs: number;
  checks: Array<{ id: string; status: string; summary: string; details: string[]; fix: { explain: string; commands: string[] } | null }>;
  summary: { ok: number; warn: number; fail: number; skip: number; error: number };
  fixes?: Array<{ id: string; applied: boolean; actions: string[]; error: string | null }>;
}

/** A daemon in the namespace, detached, output to a file; its pid is the daemon's own (ip netns exec and env exec in place). */
async function startDaemon(argv: string[], out: string): Promise<number> {
  const fd = openSync(out, 'a', 0o640);
  try {
    const child = spawn('ip', ['netns', 'exec', NS, ...argv], { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    const st = await readProcStat(child.pid!);
    assert.ok(st, `${argv[0]} did not start`);
    started.push({ pid: child.pid!, startTime: st.startTime });
    return child.pid!;
  } finally {
    closeSync(fd);
  }
}

async function until(what: string, timeoutMs: number, ok: () => Promise<boolean> | boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function doctor(...args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await runCli(['doctor', '--json', '--config', conf, '--log', log, ...args], { netns: NS, timeoutMs: 60_000 });
  assert.ok(r.stdout.trim().startsWith('{'), `doctor printed no JSON: ${r.stdout}\n${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const status = (report: JsonReport, id: string) => report.checks.find((c) => c.id === id);
const inNs = (...argv: string[]) => execa('ip', ['netns', 'exec', NS, ...argv]);

before(async () => {
  const listed = String((await execa('ip', ['netns', 'list'])).stdout);
  assert.ok(!listed.split('\n').some((l) => l.split(' ')[0] === NS), `${NS} exists already`);
  makeNodeNamespace('dd-n1', '192.0.2.61/24');
  root = tempDir('dd-node-');
  chmodSync(root, 0o755); // nginx's workers (www-data) read the page under it
  const setup = await runCli(['setup', '--root', root, '--yes', '--role', 'master', '--interface', 'eth0', '--vip', `${VIP}/24`, '--auth-pass', 's3cret51', '--no-install'], { netns: NS });
  assert.equal(setup.code, 0, setup.stderr + setup.stdout);
  conf = join(root, 'etc/keepalived/keepalived.conf');
  script = join(root, 'etc/keepalived/check_nginx.sh');
  // setup --root writes the path the target machine will use; this node's files live under root.
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('script /etc/keepalived/check_nginx.sh', `script ${script}`), { mode: 0o600 });
  const host = new NetnsHost(NS, root);
  for (const dir of NODE_DIRS) await host.mkdir(dir, 0o755);
  await host.writeFileAtomic(NODE_PATHS.nginxConf, renderLabNginxConf(host), { mode: 0o644 });
  await host.writeFileAtomic(`${NODE_PATHS.webRoot}/index.html`, 'dd-n1\n', { mode: 0o644 });
  log = host.runtimePath(NODE_PATHS.keepalivedLog);
  const p = (x: string) => host.runtimePath(x);
  nginxPid = await startDaemon(['nginx', '-c', p(NODE_PATHS.nginxConf), '-e', p(NODE_PATHS.nginxErrorLog), '-g', 'daemon off;'], p('/var/log/nginx/stdout.log'));
  await startDaemon(
    ['env', `TMPDIR=${p(NODE_PATHS.tmpDir)}`, 'keepalived', '--dont-fork', '--vrrp', '--log-console', '--log-detail', '--no-syslog', '-f', conf, '-p', p(NODE_PATHS.keepalivedPid), '-r', p(NODE_PATHS.vrrpPid), '-c', p(NODE_PATHS.checkersPid), '-b', p(NODE_PATHS.bfdPid)],
    log,
  );
  await until('nginx answering', 5000, async () => (await inNs('curl', '-s', '-o', '/dev/null', '--max-time', '1', 'http://127.0.0.1/').catch(() => null)) !== null);
  await until('keepalived MASTER', 10_000, () => readFileSync(log, 'utf8').includes('Entering MASTER STATE'));
});

after(async () => {
  for (const d of started.reverse()) await terminate(d.pid, d.startTime, 3000);
  removeNamespace(NS);
  removeNamespace(`${NS}-peer`);
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a healthy node: the node checks pass', async () => {
  const { code, report } = await doctor();
  for (const id of ['keepalived-installed', 'keepalived-running', 'config-valid', 'nginx-running', 'check-script', 'election', 'firewall-vrrp', 'vip-reachable', 'priority']) {
    assert.equal(status(report, id)?.status, 'ok', `${id}: ${JSON.stringify(status(report, id))}`);
  }
  assert.equal(status(report, 'systemd-order')?.status, 'skip'); // PID 1 is not systemd here
  assert.deepEqual(report.checks.filter((c) => c.status === 'fail'), []);
  assert.ok(code === 0 || code === 1, `exit ${code}`);
  // How long it takes (target 3 x advert_int + 1 s) is a figure of bench/doctor.ts, not asserted here.
});

test('a world-writable check script: check-script fails with the chmod fix, and --fix --yes repairs it', async () => {
  chmodSync(script, 0o777);
  const broken = await doctor('--check', 'check-script');
  assert.equal(broken.code, 2);
  const c = status(broken.report, 'check-script')!;
  assert.equal(c.status, 'fail');
  assert.match(c.summary, /mode 0777/);
  assert.deepEqual(c.fix?.commands, [`chown root:root ${script}`, `chmod 0755 ${script}`]);
  // Without a terminal and without --yes, --fix says what it would do and changes nothing.
  const asked = await runCli(['doctor', '--check', 'check-script', '--fix', '--config', conf, '--log', log], { netns: NS });
  assert.equal(asked.code, 2);
  assert.match(asked.stderr, /--fix --yes/);
  assert.equal(statSync(script).mode & 0o7777, 0o777);
  // doctor on this machine's "/" audits its repairs in /var/log/ha-setup: here that is a
  // tmpfs of the command's own mount namespace (ip netns exec makes one), read back before it goes.
  const AUDIT_MARK = '--- audit log ---';
  const run = await execa('ip', ['netns', 'exec', NS, 'sh', '-c', `mount -t tmpfs none /var/log && "$@"; rc=$?; echo '${AUDIT_MARK}' >&2; cat /var/log/ha-setup/ha-setup.log >&2; exit $rc`, 'sh', 'node', cliPath, 'doctor', '--json', '--config', conf, '--log', log, '--check', 'check-script', '--fix', '--yes'], { reject: false, env: { NO_COLOR: '1', LANG: 'C.UTF-8' } });
  const fixed = { code: run.exitCode, report: JSON.parse(String(run.stdout)) as JsonReport };
  assert.equal(fixed.code, 0, JSON.stringify(fixed.report));
  const audit = String(run.stderr).split(AUDIT_MARK)[1] ?? '';
  assert.match(audit, new RegExp(` doctor exec chmod 0755 ${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} exit=0 `), audit);
  assert.deepEqual(fixed.report.fixes, [{ id: 'check-script', applied: true, actions: [`$ chown root:root ${script}`, `$ chmod 0755 ${script}`], error: null }]);
  assert.equal(status(fixed.report, 'check-script')?.status, 'ok');
  assert.equal(statSync(script).mode & 0o7777, 0o755);
});

test('an nft rule dropping VRRP: firewall-vrrp fails with the nft insert command; after running it, it passes', async () => {
  await inNs('nft', 'add', 'table', 'inet', 'dd');
  await inNs('nft', 'add', 'chain', 'inet', 'dd', 'input', '{ type filter hook input priority 0; policy accept; }');
  await inNs('nft', 'add', 'rule', 'inet', 'dd', 'input', 'ip', 'protocol', 'vrrp', 'drop');
  try {
    const broken = await doctor('--check', 'firewall-vrrp');
    const c = status(broken.report, 'firewall-vrrp')!;
    assert.equal(c.status, 'fail', JSON.stringify(c));
    assert.equal(c.fix?.commands[0], 'nft insert rule inet dd input meta l4proto vrrp accept');
    await inNs(...c.fix!.commands[0]!.split(' '));
    const fixed = await doctor('--check', 'firewall-vrrp');
    assert.equal(status(fixed.report, 'firewall-vrrp')?.status, 'ok');
  } finally {
    await inNs('nft', 'delete', 'table', 'inet', 'dd').catch(() => null);
  }
});

test('nginx stopped: nginx-running fails and says how to start it', async () => {
  const entry = started.find((d) => d.pid === nginxPid)!;
  assert.ok(await terminate(entry.pid, entry.startTime, 3000));
  const { report } = await doctor('--check', 'nginx-running');
  const c = status(report, 'nginx-running')!;
  assert.equal(c.status, 'fail');
  assert.match(c.summary, /not running/);
  assert.ok(c.fix?.commands.includes('nginx -t'));
});
