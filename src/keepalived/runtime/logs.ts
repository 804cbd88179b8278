/**
 * keepalived's log: where the running daemon writes it, the last lines of it, and what
 * each known line means. Message texts differ across versions (1.x `VRRP_Instance(X)` and
 * `(X): ` prefixes, 2.0-2.3.2, 2.3.3+ with `from %s` and rate limiting); the table below
 * recognises all of them and turns them into structured events.
 */
import type { Host } from '../../host/types.js';
import type { KeepalivedProcess, RuntimeFs } from './process.js';

export type LogEventKind =
  | 'state'
  | 'invalid-password'
  | 'auth-type-mismatch'
  | 'ah-mismatch'
  | 'invalid-auth-type'
  | 'advert-interval-mismatch'
  | 'advert-interval-updated'
  | 'advert-interval-adjusted'
  | 'ttl-invalid'
  | 'ttl-out-of-range'
  | 'wrong-version'
  | 'bad-length'
  | 'invalid-packet-type'
  | 'address-count-mismatch'
  | 'vip-set-mismatch'
  | 'bad-checksum'
  | 'cast-mismatch'
  | 'unicast-source-not-peer'
  | 'owner-dropping'
  | 'old-unicast-checksum'
  | 'bogus-packet'
  | 'sync-instance-needed'
  | 'advert-ignored'
  | 'master-set'
  | 'master-changed'
  | 'receive-timeout'
  | 'lower-priority-advert'
  | 'forcing-election'
  | 'higher-priority-advert'
  | 'same-priority-higher-ip'
  | 'equal-priority-own-ip'
  | 'priority-change'
  | 'priority-zero-sent'
  | 'priority-zero-received'
  | 'vips-set'
  | 'vips-removed'
  | 'gratuitous-arp'
  | 'fault-no-src-address'
  | 'script-returning'
  | 'script-succeeded'
  | 'script-failed'
  | 'script-timed-out'
  | 'script-exited'
  | 'script-reload'
  | 'security-violation'
  | 'unknown-vrid'
  | 'vrid-clash'
  | 'interface-missing'
  | 'already-running'
  | 'tmpdir-invalid'
  | 'starting'
  | 'stopping'
  | 'stopped'
  | 'reloading'
  | 'reloaded'
  | 'config-error'
  | 'config-error-exit'
  | 'vrrp-child-crashed';

export interface LogEvent {
  kind: LogEventKind;
  /** The vrrp_instance the line is about, when it names one. */
  instance: string | null;
  /** Sender address (2.3.3+ packet errors, priority messages). */
  from: string | null;
  /** Kind-specific values, e.g. { state: 'MASTER' }, { mine: 2, received: 1, unit: 'sec' }. */
  details: Record<string, string | number | boolean | string[]>;
  /** The message without time, host and ident. */
  message: string;
  /** Time text as printed (format depends on the source), null when absent. */
  time: string | null;
  /** Syslog ident, e.g. Keepalived_vrrp. */
  ident: string | null;
  pid: number | null;
}

export interface LogLinePrefix {
  time: string | null;
  host: string | null;
  ident: string | null;
  pid: number | null;
  message: string;
}

const CONSOLE_TIME = /^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4}): (.*)$/;
const SYSLOG = /^((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: (.*)$/;

/** Split a log line into time / host / ident / message (console, file, syslog, journalctl short/short-iso). */
export function splitLogPrefix(line: string): LogLinePrefix {
  const text = line.replace(/\r?\n$/, '');
  const c = CONSOLE_TIME.exec(text);
  if (c) return { time: c[1]!, host: null, ident: null, pid: null, message: c[2]! };
  const s = SYSLOG.exec(text);
  if (s) return { time: s[1]!, host: s[2]!, ident: s[3]!, pid: s[4] ? Number(s[4]) : null, message: s[5]! };
  return { time: null, host: null, ident: null, pid: null, message: text.trim() };
}

type Rule = {
  kind: LogEventKind;
  re: RegExp;
  /** Names of the capture groups after the instance group, in order. */
  fields?: string[];
  extra?: Record<string, string | number | boolean>;
};

// `(?<i>...)` is filled by the instance prefix: "(X) ", "(X): " or "VRRP_Instance(X) ".
const I = String.raw`(?:VRRP_Instance)?\((?<i>[^)]+)\):? `;
// An IPv4/IPv6 address, not the '.', ':' or '!' that follows it in the message.
const ADDR = String.raw`[0-9A-Fa-f.:]*[0-9A-Fa-f]`;
const FROM = String.raw`(?: from (?<from>${ADDR}))?`;

const RULES: Rule[] = [
  { kind: 'state', re: re(String.raw`${I}(?<phase>Entering|Transition to) (?<state>MASTER|BACKUP|FAULT) STATE(?<init> \(init\))?`) },
  { kind: 'fault-no-src-address', re: re(String.raw`${I}entering FAULT state \(src address not configured\)`) },
  { kind: 'invalid-password', re: re(String.raw`${I}received an invalid passwd${FROM}!`) },
  { kind: 'auth-type-mismatch', re: re(String.raw`${I}received a (?<received>\d+) auth${FROM}, expecting (?<expected>\d+)!`) },
  { kind: 'ah-mismatch', re: re(String.raw`${I}(?<what>Received AH header but auth type not AH|No AH header but auth type is AH)${FROM}`) },
  { kind: 'invalid-auth-type', re: re(String.raw`${I}Invalid auth type${FROM}: (?<authType>\d+)`) },
  {
    kind: 'advert-interval-mismatch',
    re: re(String.raw`${I}advertisement interval mismatch(?: with (?<from>\S+))? mine=(?<mine>\d+) sec rcv(?:'d|ed)=(?<received>-?\d+) sec`),
    extra: { unit: 'sec' },
  },
  {
    kind: 'advert-interval-mismatch',
    re: re(String.raw`${I}advertisement interval mismatch(?: with (?<from>\S+))? ours = (?<mine>\d+) centi-sec rcv'd=(?<received>-?\d+) centi-sec`),
    extra: { unit: 'centi-sec' },
  },
  { kind: 'advert-interval-updated', re: re(String.raw`${I}advertisement interval updated from (?<fromMs>\d+)ms to (?<toMs>\d+)ms by master`) },
  { kind: 'advert-interval-adjusted', re: re(String.raw`${I}VRRPv(?<version>[23]) advertisement interval (?<detail>.+)`) },
  { kind: 'ttl-invalid', re: re(String.raw`${I}invalid (?:TTL/HL|ttl)${FROM}\.? (?:Received )?(?<received>\d+) and expect (?<expected>\d+)`) },
  { kind: 'ttl-out-of-range', re: re(String.raw`${I}TTL/HL (?<received>\d+)(?: from (?<from>\S+))? not in range \[?(?<min>\d+)(?: -|,) (?<max>\d+)\]?`) },
  { kind: 'wrong-version', re: re(String.raw`${I}wrong (?:VRRP )?version${FROM}\. Received (?<received>\d+) and expect (?<expected>\d+)`) },
  { kind: 'bad-length', re: re(String.raw`${I}vrrp packet${FROM} too (?<what>\S+), length (?<length>\d+) and expect (?<expected>\d+)`) },
  { kind: 'bad-length', re: re(String.raw`${I}ip_tot_len mismatch against received length(?: from (?<from>\S+?))?\. (?<length>\d+) and received (?<expected>\d+)`) },
  { kind: 'invalid-packet-type', re: re(String.raw`${I}Invalid packet type${FROM}\. (?<received>\d+) and expect (?<expected>\d+)`) },
  { kind: 'address-count-mismatch', re: re(String.raw`${I}received an unexpected ip number count (?<received>\d+), expected (?<expected>\d+)!`) },
  { kind: 'address-count-mismatch', re: re(String.raw`${I}expected (?<expected>\d+) VIPs but received (?<received>\d+)`) },
  {
    kind: 'vip-set-mismatch',
    re: re(String.raw`${I}ip address associated with VRID (?<vrid>\d+) not present in (?:MASTER advert ?|advert from (?<from>\S+)): ?(?<addresses>.*)`),
  },
  { kind: 'bad-checksum', re: re(String.raw`${I}Invalid VRRPv(?<version>[23]) checksum${FROM}`) },
  { kind: 'cast-mismatch', re: re(String.raw`${I}Expected (?<expected>uni|multi)cast packet but received (?<received>uni|multi)cast packet${FROM}`) },
  { kind: 'unicast-source-not-peer', re: re(String.raw`${I}unicast source address (?<from>\S+) not a unicast peer`) },
  { kind: 'owner-dropping', re: re(String.raw`${I}Dropping packet\(s\) from (?<from>\S+) since we are address owner`) },
  { kind: 'old-unicast-checksum', re: re(String.raw`${I}Setting unicast VRRPv3 checksum to old version`) },
  { kind: 'bogus-packet', re: re(String.raw`bogus VRRP packet received on (?<interface>\S+) !!!`) },
  { kind: 'sync-instance-needed', re: re(String.raw`Sync instance needed on (?<interface>\S+) !!!`) },
  // 1.x, after a rejected advert: a backup "ignoring received advertisment...", a master "Dropping received VRRP packet...".
  { kind: 'advert-ignored', re: re(String.raw`${I}(?<what>ignoring received advertisment|Dropping received VRRP packet)\.\.\.`) },
  // 2.3.3+: which master a backup follows.
  { kind: 'master-set', re: re(String.raw`${I}master set to (?<from>${ADDR})`) },
  { kind: 'master-changed', re: re(String.raw`${I}master changed from (?<previous>${ADDR}) to (?<from>${ADDR})`) },
  { kind: 'receive-timeout', re: re(String.raw`${I}Receive advertisement timeout`) },
  { kind: 'lower-priority-advert', re: re(String.raw`${I}received lower priority \((?<priority>\d+)\) advert from (?<from>\S+) - discarding`) },
  {
    kind: 'forcing-election',
    re: re(String.raw`${I}Received advert from (?<from>\S+) with lower priority (?<priority>\d+), ours (?<ours>\d+), forcing new election`),
  },
  { kind: 'higher-priority-advert', re: re(String.raw`${I}Master received advert from (?<from>\S+) with higher priority (?<priority>\d+), ours (?<ours>\d+)`) },
  // 1.x names no sender.
  { kind: 'higher-priority-advert', re: re(String.raw`${I}Received advert with higher priority (?<priority>\d+), ours (?<ours>\d+)`) },
  { kind: 'forcing-election', re: re(String.raw`${I}forcing a new MASTER election`) },
  {
    kind: 'same-priority-higher-ip',
    re: re(String.raw`${I}Master received advert from (?<from>\S+) with same priority (?<priority>\d+) but higher IP address than ours`),
  },
  { kind: 'equal-priority-own-ip', re: re(String.raw`${I}WARNING - equal priority advert received from remote host with our IP address`) },
  { kind: 'priority-change', re: re(String.raw`${I}Changing effective priority from (?<fromPriority>\d+) to (?<toPriority>\d+)`) },
  { kind: 'priority-zero-sent', re: re(String.raw`${I}sent 0 priority`) },
  // 1.x: "setting protocol VIPs." / "removing protocol VIPs.".
  { kind: 'vips-set', re: re(String.raw`${I}setting (?:protocol )?VIPs\.?`) },
  { kind: 'vips-removed', re: re(String.raw`${I}removing (?:protocol )?VIPs\.?`) },
  { kind: 'priority-zero-received', re: re(String.raw`${I}(?:Backup received priority 0 advertisement|Master received priority 0 message)`) },
  { kind: 'gratuitous-arp', re: re(String.raw`(?:${I})?Sending(?:/queueing)? gratuitous ARPs? on (?<interface>\S+) for (?<address>\S+)`) },
  { kind: 'script-returning', re: re(String.raw`Script \`(?<script>[^\`]+)\` now returning (?<status>-?\d+)`) },
  { kind: 'script-succeeded', re: re(String.raw`VRRP_Script\((?<script>[^)]+)\) succeeded`) },
  { kind: 'script-failed', re: re(String.raw`VRRP_Script\((?<script>[^)]+)\) failed(?: \((?:exited with status (?<status>-?\d+)|due to signal (?<signal>\d+))\))?`) },
  { kind: 'script-timed-out', re: re(String.raw`VRRP_Script\((?<script>[^)]+)\) timed[_ ]out`) },
  // 1.x logs every failing run: "/etc/keepalived/check_nginx.sh exited with status 1".
  { kind: 'script-exited', re: re(String.raw`(?<script>[^\s(]*/\S*) exited with status (?<status>-?\d+)$`) },
  { kind: 'script-reload', re: re(String.raw`VRRP_Script\((?<script>[^)]+)\) considered (?<result>successful|unsuccessful) on reload`) },
  { kind: 'security-violation', re: re(String.raw`SECURITY VIOLATION - (?<detail>.+)`) },
  { kind: 'unknown-vrid', re: re(String.raw`Unknown VRID\((?<vrid>\d+)\) received on interface\((?<interface>[^)]+)\)`) },
  { kind: 'vrid-clash', re: re(String.raw`(?<first>\S+) and (?<second>\S+) both use VRID (?<vrid>\d+) with IPv(?<family>[46]) on interface (?<interface>\S+)`) },
  { kind: 'interface-missing', re: re(String.raw`WARNING - interface (?<interface>\S+) for vrrp_instance (?<i>\S+) doesn't exist`) },
  { kind: 'already-running', re: re(String.raw`daemon is already running`) },
  { kind: 'tmpdir-invalid', re: re(String.raw`Environment TMPDIR=(?<dir>.*) not a directory`) },
  { kind: 'starting', re: re(String.raw`Starting Keepalived v(?<version>\S+)`) },
  { kind: 'stopping', re: re(String.raw`Stopping$`) },
  { kind: 'stopped', re: re(String.raw`Stopped(?: Keepalived v(?<version>\S+).*)?$`) },
  { kind: 'reloading', re: re(String.raw`Reloading(?: \.\.\.)?$`) },
  { kind: 'reloaded', re: re(String.raw`Reload complete`) },
  // What a daemon start says about its file (1.3.5 has no -t: the dry start is read with these).
  { kind: 'config-error', re: re(String.raw`(?:\((?:(?<file>[^)]+): )?Line (?<line>\d+)\) )?(?<detail>Unknown keyword '[^']*'|Truncating auth_pass to \d+ characters|There are \d+ missing '\}'s or extra '\{'s|VRRP Error : .*|number '[^']*' outside range.*)`) },
  { kind: 'config-error', re: re(String.raw`(?:\((?:(?<file>[^)]+): )?Line (?<line>\d+)\) )?${I}(?<detail>the virtual (?:router )?id must be set!?|VRID '[^']*' not valid.*)`) },
  // 1.3.5 "Keepalived_vrrp exited with permanent error CONFIG", 2.x "pid N exited with permanent error CONFIG".
  { kind: 'config-error-exit', re: re(String.raw`(?:Keepalived_(?<process>\w+)|pid \d+) exited with permanent error (?<error>\w+)`) },
  { kind: 'vrrp-child-crashed', re: re(String.raw`pid (?<pid>\d+) exited due to (?<signalName>segmentation fault|signal)`) },
];

function re(source: string): RegExp {
  return new RegExp(`^${source}`);
}

const NUMERIC = new Set(['line', 'pid', 'received', 'expected', 'mine', 'priority', 'ours', 'fromPriority', 'toPriority', 'status', 'signal', 'vrid', 'version', 'authType', 'length', 'min', 'max', 'fromMs', 'toMs', 'family']);

/** Classify one log line (any of the prefixes splitLogPrefix knows). null: not a line we know. */
export function parseLogLine(line: string): LogEvent | null {
  const prefix = splitLogPrefix(line);
  const message = prefix.message;
  for (const rule of RULES) {
    const m = rule.re.exec(message);
    if (!m) continue;
    const groups = { ...(m.groups ?? {}) };
    const details: LogEvent['details'] = { ...(rule.extra ?? {}) };
    for (const [k, v] of Object.entries(groups)) {
      if (v === undefined || k === 'i' || k === 'from') continue;
      if (k === 'init') details.init = true;
      else if (k === 'addresses') details.addresses = v.split(/[\s,]+/).filter(Boolean);
      else if (k === 'result') details.successful = v === 'successful';
      else details[k] = NUMERIC.has(k) && /^-?\d+$/.test(v) ? Number(v) : v;
    }
    if (rule.kind === 'state' && details.init === undefined) details.init = false;
    return {
      kind: rule.kind,
      instance: groups.i ?? null,
      from: groups.from ?? null,
      details,
      message,
      time: prefix.time,
      ident: prefix.ident,
      pid: prefix.pid,
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Reading the log

export type LogSource = 'log-file' | 'console-file' | 'journal' | 'syslog-file' | 'none';

export interface KeepalivedLog {
  source: LogSource;
  /** The file read, or the journalctl argv. */
  where: string | null;
  lines: string[];
  events: LogEvent[];
  /**
   * When the file was last written (ms since the epoch), for file sources. Console output of
   * 1.x carries no times of its own: a log written just now says its last lines are current.
   */
  modifiedAt?: number | null;
}

export interface ReadLogOptions {
  /** How many of the most recent lines to keep (default 500). */
  lines?: number;
  /** Where the daemon's files are read (default: the host's machine, host.runtimeFs()). */
  fs?: RuntimeFs;
  procRoot?: string;
}

const SYSLOG_FILES = ['/var/log/syslog', '/var/log/messages'];
const TAIL_BYTES = 2 * 1024 * 1024;

/**
 * The recent keepalived log lines of this host, from the first source that has some:
 * the daemon's --log-file, its stdout when that is a file (console output redirected),
 * the journal, then /var/log/syslog or /var/log/messages filtered on Keepalived.
 */
export async function readKeepalivedLog(
  host: Host,
  kp: Pick<KeepalivedProcess, 'pid' | 'logTarget' | 'otherMountNamespace'> | null,
  opts: ReadLogOptions = {},
): Promise<KeepalivedLog> {
  const rfs = opts.fs ?? host.runtimeFs();
  const proc = opts.procRoot ?? '/proc';
  const n = opts.lines ?? 500;
  const tailOf = async (path: string, filter?: (l: string) => boolean): Promise<string[] | null> => {
    const bytes = await rfs.readTail(path, TAIL_BYTES);
    if (!bytes) return null;
    const lines = new TextDecoder().decode(bytes).split('\n');
    if (bytes.length === TAIL_BYTES) lines.shift(); // first line is cut
    const kept = lines.filter((l) => l.trim() !== '' && (!filter || filter(l)));
    return kept.slice(-n);
  };
  const result = (source: LogSource, where: string | null, lines: string[], modifiedAt: number | null = null): KeepalivedLog => ({
    source,
    where,
    lines,
    events: lines.map(parseLogLine).filter((e): e is LogEvent => e !== null),
    modifiedAt,
  });
  const mtime = async (path: string) => (await rfs.stat(path))?.mtimeMs ?? null;

  if (kp?.logTarget.file) {
    const path = kp.otherMountNamespace ? `${proc}/${kp.pid}/root${kp.logTarget.file}` : kp.logTarget.file;
    const lines = await tailOf(path);
    if (lines) return result('log-file', kp.logTarget.file, lines, await mtime(path));
  }
  if (kp?.logTarget.stdoutFile) {
    // /proc/PID/fd/1 is the open file itself: right across mount namespaces, even if renamed.
    const lines = await tailOf(`${proc}/${kp.pid}/fd/1`);
    if (lines) return result('console-file', kp.logTarget.stdoutFile, lines, await mtime(`${proc}/${kp.pid}/fd/1`));
  }
  if (!kp || kp.logTarget.syslog || kp.logTarget.journal) {
    for (const args of [
      ['-u', 'keepalived', '-n', String(n), '-o', 'short-iso', '--no-pager', '-q'],
      ['-t', 'Keepalived', '-t', 'Keepalived_vrrp', '-n', String(n), '-o', 'short-iso', '--no-pager', '-q'],
    ]) {
      const r = await host.exec('journalctl', args, { why: 'recent keepalived log lines', timeoutMs: 10000 });
      if (r.exitCode !== 0) break;
      const lines = r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('-- '));
      if (lines.length) return result('journal', `journalctl ${args.join(' ')}`, lines);
    }
    for (const path of SYSLOG_FILES) {
      const lines = await tailOf(path, (l) => /\bKeepalived(?:_\w+)?(?:\[\d+\])?:/.test(l));
      if (lines && lines.length) return result('syslog-file', path, lines);
    }
  }
  return result('none', null, []);
}
