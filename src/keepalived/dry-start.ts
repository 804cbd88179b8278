/**
 * A short dry start of keepalived on a file, for the releases without `-t` (1.3.5): run
 * `keepalived -f FILE --dont-fork --log-console --log-detail --vrrp` with private pid files
 * for a few seconds in a throw-away network namespace whose interfaces are veth pairs that
 * reach nothing, then SIGTERM, and read what it printed the way the 1.3.5 recording reads
 * (reference keepalived-recordings/1.3.5/configtest.txt):
 * - `Truncating auth_pass`, `Unknown keyword 'foo'`: logged, keepalived runs on;
 * - `VRRP Error : VRID not valid ...` + `Keepalived_vrrp exited with permanent error CONFIG`;
 * - a block never closed: no message at all, and no VRRP instance starts (no sockpool, no
 *   state line);
 * - `pid N exited due to segmentation fault`: the VRRP child crashed on the file.
 *
 * Nothing leaves the namespace: its links are veth pairs with both ends inside, VIPs and
 * gratuitous ARPs stay there. 1.3.5 always logs to syslog too: /dev/log is covered by
 * /dev/null in the private mount namespace `ip netns exec` makes, so the node's log does not
 * show a keepalived start that never was. Every process left in the namespace is killed and
 * the namespace and the pid-file directory are removed, whatever happened.
 */
import type { Host } from '../host/types.js';
import { t, type MessageKey } from '../i18n/index.js';
import { parseLogLine } from './runtime/logs.js';
import { releaseHas } from './releases.js';
import { WARNING_TEXT, type ConfigTestFinding, type ConfigTestOutcome } from './config-test.js';

export interface DryStartOptions {
  /** The release that runs the file (`--no-syslog` only where it has one). */
  release: string | null;
  /** The interfaces the file names, each with the node's own addresses on it (CIDR). */
  interfaces: { name: string; addresses: string[] }[];
  /** How long keepalived runs before SIGTERM (the recording used 3 s). */
  durationMs?: number;
  /** The keepalived to run (default: the one on PATH). */
  binary?: string;
  /** Name prefix of the throw-away namespace. */
  netnsPrefix?: string;
}

export interface DryStartResult {
  /** false: no namespace could be made (not root, no `ip netns`): nothing ran. */
  ran: boolean;
  /** Why it did not run. */
  reason: string | null;
  outcome: ConfigTestOutcome;
  findings: ConfigTestFinding[];
  /** What keepalived printed (stdout and stderr). */
  output: string;
  argv: string[];
}

const DEFAULT_DURATION_MS = 3000;
/** Lines of a daemon start that say something about the file (besides parseLogLine's config-error kinds). */
const FILE_PROBLEM = /Unsafe permissions found for script|Disabling track script|track script \S+ not found|Script user '[^']*' does not exist|Unable to set default user|SECURITY VIOLATION|WARNING - interface \S+ for vrrp_instance/;
/** An instance that started: its socket pool, or a state line. */
const INSTANCE_STARTED = /VRRP sockpool: \[|(?:VRRP_Instance)?\([^)]+\):? (?:Entering|Transition to) (?:MASTER|BACKUP|FAULT) STATE/;

let counter = 0;

/** The argv of the dry start (recording's form, private pid files in `dir`). */
export function dryStartArgv(binary: string, path: string, dir: string, release: string | null): string[] {
  return [
    binary, '-f', path, '--dont-fork', '--log-console', '--log-detail', '--vrrp',
    ...(releaseHas(release, 'noSyslogOption') ? ['--no-syslog'] : []),
    '-p', `${dir}/keepalived.pid`, '-r', `${dir}/vrrp.pid`, '-c', `${dir}/checkers.pid`,
  ];
}

function finding(severity: 'error' | 'warning', rule: string, key: MessageKey, params: Record<string, unknown>, raw: string, file: string | null = null, line: number | null = null): ConfigTestFinding {
  return { severity, rule, path: file && line ? `${file}:${line}` : '', message: t(key, params), suggestion: t(`${key}.fix` as MessageKey, params), file, line, raw };
}

/** What a dry start's output says about the file. Pure: the 1.3.5 recording is read with it. */
export function classifyDryStart(output: string, release: string | null): { outcome: ConfigTestOutcome; findings: ConfigTestFinding[] } {
  const findings: ConfigTestFinding[] = [];
  let crashed = false;
  let exitedOnConfig = false;
  const seen = new Set<string>();
  for (const raw of output.split('\n')) {
    const e = parseLogLine(raw);
    const message = e?.message ?? raw.trim();
    if (!message || seen.has(message)) continue;
    if (e?.kind === 'vrrp-child-crashed') {
      crashed = true;
      continue;
    }
    if (e?.kind === 'config-error-exit') {
      exitedOnConfig = true;
      findings.push(finding('error', 'dry-start-exit', 'keepalived.dryStart.exited', { release: release ?? '?', error: e.details.error }, message));
      seen.add(message);
      continue;
    }
    if (e?.kind === 'config-error' || FILE_PROBLEM.test(message)) {
      seen.add(message);
      const file = typeof e?.details.file === 'string' ? e.details.file : null;
      const line = typeof e?.details.line === 'number' ? e.details.line : null;
      const severity = WARNING_TEXT.test(message) ? 'warning' : 'error';
      findings.push(finding(severity, 'dry-start', 'keepalived.dryStart.message', { message }, message, file, line));
    }
  }
  if (crashed) {
    findings.push(finding('error', 'dry-start-crashed', 'keepalived.dryStart.crashed', { release: release ?? '?' }, 'segmentation fault'));
    return { outcome: 'crashed', findings };
  }
  if (exitedOnConfig) return { outcome: 'fatal', findings };
  if (!INSTANCE_STARTED.test(output)) {
    findings.push(finding('error', 'dry-start-no-instance', 'keepalived.dryStart.noInstance', { release: release ?? '?' }, ''));
  }
  return { outcome: findings.length ? 'problems' : 'ok', findings };
}

/** Run the dry start of `path` (a path on the host's system) and read it. */
export async function dryStart(host: Host, path: string, opts: DryStartOptions): Promise<DryStartResult> {
  const ns = `${opts.netnsPrefix ?? 'ha-setup-dry'}-${process.pid}-${++counter}`;
  const run = (argv: string[], why: string, timeoutMs = 10_000) => host.exec(argv[0]!, argv.slice(1), { why, timeoutMs });
  const made = await run(['ip', 'netns', 'add', ns], 'a throw-away network namespace for a dry start of keepalived');
  if (made.exitCode !== 0) {
    return { ran: false, reason: (made.stderr || made.stdout).trim() || `ip netns add exited ${made.exitCode}`, outcome: 'unavailable', findings: [], output: '', argv: [] };
  }
  let dir: string | null = null;
  try {
    for (const [i, iface] of opts.interfaces.entries()) {
      // Both ends stay in the namespace: nothing the daemon sends leaves it.
      const peer = `hsd${i}`;
      await run(['ip', '-n', ns, 'link', 'add', iface.name, 'type', 'veth', 'peer', 'name', peer], 'an interface for the dry start that reaches nothing');
      for (const a of iface.addresses) await run(['ip', '-n', ns, 'addr', 'add', a, 'dev', iface.name], 'the node address, inside the throw-away namespace only');
      await run(['ip', '-n', ns, 'link', 'set', peer, 'up'], 'bring the dry-start interface up');
      await run(['ip', '-n', ns, 'link', 'set', iface.name, 'up'], 'bring the dry-start interface up');
    }
    const tmp = await run(['mktemp', '-d', '/tmp/ha-setup-dry.XXXXXX'], 'private pid files for the dry start');
    dir = tmp.exitCode === 0 ? tmp.stdout.trim() : null;
    if (!dir) return { ran: false, reason: tmp.stderr.trim() || 'mktemp failed', outcome: 'unavailable', findings: [], output: '', argv: [] };
    const argv = dryStartArgv(opts.binary ?? 'keepalived', path, dir, opts.release);
    const r = await host.exec(
      'ip',
      ['netns', 'exec', ns, 'env', `TMPDIR=${dir}`, 'sh', '-c', 'mount --bind /dev/null /dev/log 2>/dev/null; exec "$@"', 'sh', ...argv],
      { why: 'a dry start of keepalived on the new file (this release has no -t)', timeoutMs: opts.durationMs ?? DEFAULT_DURATION_MS },
    );
    const output = `${r.stdout}\n${r.stderr}`.trim();
    return { ran: true, reason: null, ...classifyDryStart(output, opts.release), output, argv };
  } finally {
    const pids = await run(['ip', 'netns', 'pids', ns], 'what is left in the throw-away namespace');
    const left = pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p));
    if (left.length) await run(['kill', '-KILL', ...left], 'stop what the dry start left behind');
    await run(['ip', 'netns', 'delete', ns], 'remove the throw-away namespace');
    if (dir) await run(['rm', '-rf', dir], 'remove the dry start\'s pid files');
  }
}
