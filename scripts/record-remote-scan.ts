/**
 * Records real output of REMOTE_KEEPALIVED_SCRIPT and REMOTE_PID_FILES_SCRIPT for the unit
 * tests (test/fixtures/runtime/remote-scan-*.txt): a keepalived started in a throw-away
 * network namespace (rs-scan, 192.0.2.0/24 only) with TMPDIR, console output to a file and
 * a config path holding a space; the scripts run with `sh` inside that namespace, as the
 * remote session of an ssh host would. Once with base64, once with a PATH without it (the
 * od fallback). Needs root and keepalived. Removes what it made, and stops only the
 * keepalived it started.
 *
 *   sudo node --import tsx scripts/record-remote-scan.ts
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REMOTE_KEEPALIVED_SCRIPT, REMOTE_PID_FILES_SCRIPT } from '../src/keepalived/runtime/remote.js';
import { makeNodeNamespace } from '../test/helpers/netns.js';

const NS = 'rs-scan';
const out = join(import.meta.dirname, '..', 'test', 'fixtures', 'runtime');
const dir = mkdtempSync('/tmp/rs-scan-');
const conf = join(dir, 'conf dir', 'keepalived.conf');
const tmp = join(dir, 'tmp');
const consoleFile = join(dir, 'keepalived.out');
const pids = { p: join(dir, 'keepalived.pid'), r: join(dir, 'vrrp.pid'), c: join(dir, 'checkers.pid') };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The script in the namespace; `path`: the PATH it runs with (else ours). */
function runScript(script: string, args: string[], path?: string): string {
  const env = path ? ['env', `PATH=${path}`] : [];
  return execFileSync('ip', ['netns', 'exec', NS, ...env, '/bin/sh', '-c', script, 'sh', ...args], { encoding: 'utf8' });
}

const ns = makeNodeNamespace(NS, '192.0.2.201/24');
let child: ReturnType<typeof spawn> | undefined;
try {
  mkdirSync(join(dir, 'conf dir'), { recursive: true });
  mkdirSync(tmp);
  writeFileSync(
    conf,
    `global_defs {\n  router_id rs-scan\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 201\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.250/24\n  }\n}\n`,
  );
  const argv = ['--dont-fork', '--log-console', '-D', '-f', conf, '-p', pids.p, '-r', pids.r, '-c', pids.c];
  // fd 1 to a file: keepalived's console output lands there (what doctor reads as the log).
  // sh, ip netns exec and env each exec the next: child.pid is keepalived's own.
  child = spawn('sh', ['-c', 'ns=$1 tmp=$2 out=$3; shift 3; exec ip netns exec "$ns" env TMPDIR="$tmp" keepalived "$@" > "$out" 2>&1', 'sh', NS, tmp, consoleFile, ...argv], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50 && !existsSync(pids.r); i++) await sleep(100);
  await sleep(500);
  const scan = runScript(REMOTE_KEEPALIVED_SCRIPT, ['keepalived']);
  const pidFiles = runScript(REMOTE_PID_FILES_SCRIPT, [pids.r, pids.c, join(dir, 'missing.pid')]);
  // The od fallback: a PATH holding every tool the script uses except base64.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['readlink', 'tr', 'od', 'head']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
  const scanOd = runScript(REMOTE_KEEPALIVED_SCRIPT, ['keepalived'], bin);
  const started = child.pid;
  writeFileSync(join(out, 'remote-scan-base64.txt'), scan);
  writeFileSync(join(out, 'remote-scan-od.txt'), scanOd);
  writeFileSync(join(out, 'remote-pid-files.txt'), pidFiles);
  process.stdout.write(`started ${started}; vrrp child ${readFileSync(pids.r, 'utf8').trim()}\n${scan}\n${scanOd}\n${pidFiles}\n`);
} finally {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, sleep(5000)]);
  }
  ns.remove();
  rmSync(dir, { recursive: true, force: true });
}
