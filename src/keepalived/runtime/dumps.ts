/**
 * keepalived's own account of itself: the stats (SIGUSR2), data (SIGUSR1) and JSON
 * (SIGRTMIN+2, builds with --enable-json) dumps it writes to its tmp dir on a signal.
 *
 * The signal goes to the parent, which forwards it to its children; the VRRP child
 * writes keepalived.stats / keepalived.data / keepalived.json (the parent writes
 * keepalived_parent.data). We know the dump is the one we asked for when the file changes
 * (mtime or inode: the JSON file is written to a temp file and renamed) after the signal.
 *
 * The parsers are pure and accept every version's layout we know of (1.3.5 .. 2.4.x).
 */
import type { Host } from '../../host/types.js';
import type { KeepalivedProcess, RuntimeFs } from './process.js';
import { releaseHas } from '../releases.js';

// ---------------------------------------------------------------------------------------
// Secrets

/**
 * A password read from a dump. It prints and serialises as "********" so that it cannot
 * leak into a report or --json output by accident; `reveal()` gives the value to a check
 * that compares it with the configuration.
 */
export class SecretString {
  readonly secret = true as const;
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  /** keepalived 2.4.0+ prints "********" instead of the password. */
  get masked(): boolean {
    return /^\*+$/.test(this.#value);
  }
  toString(): string {
    return '********';
  }
  toJSON(): string {
    return '********';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretString(********)';
  }
}

// ---------------------------------------------------------------------------------------
// Stats dump

export interface VrrpInstanceStats {
  name: string;
  advertisementsReceived: number;
  advertisementsSent: number;
  becameMaster: number;
  releasedMaster: number;
  packetErrors: { length: number; ttl: number; invalidType: number; advertisementInterval: number; addressList: number };
  /** typeMismatch/failure are null in builds without VRRP auth. */
  authErrors: { invalidType: number; typeMismatch: number | null; failure: number | null };
  /** 2.4.0+ (auth_hmac): null before. */
  authExtensionErrors: { missing: number; malformed: number; unknownKey: number; invalidHmac: number; stale: number; replay: number } | null;
  priorityZero: { received: number; sent: number };
}

/** Parse keepalived.stats: one block per "VRRP Instance: NAME", two-space indented sections. */
export function parseStats(text: string): VrrpInstanceStats[] {
  const out: VrrpInstanceStats[] = [];
  let values: Map<string, number> | null = null;
  let name = '';
  const path: { indent: number; key: string }[] = [];
  const flush = (): void => {
    if (!values) return;
    const v = values;
    const n = (k: string): number => v.get(k) ?? 0;
    const opt = (k: string): number | null => (v.has(k) ? v.get(k)! : null);
    const ext = [...v.keys()].some((k) => k.startsWith('authentication extension errors/'));
    const e = (k: string): number => n(`authentication extension errors/${k}`);
    out.push({
      name,
      advertisementsReceived: n('advertisements/received'),
      advertisementsSent: n('advertisements/sent'),
      becameMaster: n('became master'),
      releasedMaster: n('released master'),
      packetErrors: {
        length: n('packet errors/length'),
        ttl: n('packet errors/ttl'),
        invalidType: n('packet errors/invalid type'),
        advertisementInterval: n('packet errors/advertisement interval'),
        addressList: n('packet errors/address list'),
      },
      authErrors: {
        invalidType: n('authentication errors/invalid type'),
        typeMismatch: opt('authentication errors/type mismatch'),
        failure: opt('authentication errors/failure'),
      },
      authExtensionErrors: ext
        ? { missing: e('missing'), malformed: e('malformed'), unknownKey: e('unknown key'), invalidHmac: e('invalid hmac'), stale: e('stale'), replay: e('replay') }
        : null,
      priorityZero: { received: n('priority zero/received'), sent: n('priority zero/sent') },
    });
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) continue;
    const inst = /^VRRP Instance:\s*(.+)$/.exec(line);
    if (inst) {
      flush();
      name = inst[1]!.trim();
      values = new Map();
      path.length = 0;
      continue;
    }
    if (!values) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^\s*([^:]+):\s*(\S.*)?$/.exec(line);
    if (!m) continue;
    while (path.length && path[path.length - 1]!.indent >= indent) path.pop();
    const key = m[1]!.trim().toLowerCase();
    if (m[2] === undefined) {
      path.push({ indent, key });
      continue;
    }
    // 2.4.0 folds Authentication Extension Errors under Authentication Errors; flatten both ways.
    const parents = path.map((p) => p.key).filter((k) => !(k === 'authentication errors' && path.some((p) => p.key === 'authentication extension errors')));
    values.set([...parents, key].join('/'), Number(m[2]));
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------
// Data dump

export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'DELETED' | string;

export interface VrrpInstanceData {
  name: string;
  version: 2 | 3 | null;
  state: VrrpStateName | null;
  wantstate: VrrpStateName | null;
  vrid: number | null;
  priority: number | null;
  effectivePriority: number | null;
  totalPriority: number | null;
  advertIntervalMs: number | null;
  /** BACKUP, v3: the interval the master announces. */
  masterAdvertIntervalMs: number | null;
  interface: string | null;
  sourceIp: string | null;
  multicastAddress: string | null;
  unicastPeers: string[];
  /** "192.0.2.61/24 dev eth0 scope global" and, 2.2.7+, a trailing "set" when installed. */
  vips: string[];
  /** Only the addresses of `vips` ("192.0.2.61/24"). */
  vipAddresses: string[];
  masterRouter?: string;
  masterPriority?: number;
  authType: string | null;
  password: SecretString | null;
  trackedScripts: { name: string; weight: number | null }[];
  trackedInterfaces: { name: string; weight: number | null }[];
  lastTransition: number | null;
  masterDownTimerUs: number | null;
  preempt: boolean | null;
  /** Every "Key = value" line of the instance, as printed (Password masked). */
  raw: Record<string, string>;
}

export interface DataDump {
  globals: Record<string, string>;
  instances: VrrpInstanceData[];
}

export function parseData(text: string): DataDump {
  const globals: Record<string, string> = {};
  const instances: VrrpInstanceData[] = [];
  let section = '';
  let cur: VrrpInstanceData | null = null;
  let list: { indent: number; into: string[] } | null = null;
  let inScript: number | null = null;
  const lists = new Map<VrrpInstanceData, { scripts: string[]; interfaces: string[] }>();
  const listsOf = (i: VrrpInstanceData): { scripts: string[]; interfaces: string[] } => {
    let l = lists.get(i);
    if (!l) lists.set(i, (l = { scripts: [], interfaces: [] }));
    return l;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) continue;
    const sec = /^-+<\s*(.+?)\s*>-+$/.exec(line.trim());
    if (sec) {
      section = sec[1]!;
      cur = null;
      list = null;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (section === 'Global definitions') {
      const kv = /^(.+?)\s*=\s*(.*)$/.exec(body);
      if (kv) globals[kv[1]!] = kv[2]!;
      continue;
    }
    if (section !== 'VRRP Topology') continue;
    const start = /^VRRP Instance\s*=\s*(.+)$/.exec(body);
    if (start) {
      cur = emptyInstance(start[1]!);
      instances.push(cur);
      list = null;
      continue;
    }
    if (!cur) continue;
    if (list) {
      if (indent > list.indent) {
        list.into.push(body);
        continue;
      }
      list = null;
    }
    // "Virtual IP (1):" (2.1+), "Virtual IP = 1" (1.3.5, 2.0.x), each followed by the deeper-indented entries.
    const header = /^(Virtual IP|Virtual IP Excluded|Unicast Peers?|Tracked scripts|Tracked interfaces|Virtual Routes|Virtual Rules)\s*(?:\(\d+\)\s*:|:|=\s*\d+)$/i.exec(body);
    if (header) {
      const which = header[1]!.toLowerCase();
      const into: string[] =
        which === 'virtual ip'
          ? cur.vips
          : which.startsWith('unicast peer')
            ? cur.unicastPeers
            : which === 'tracked scripts'
              ? listsOf(cur).scripts
              : which === 'tracked interfaces'
                ? listsOf(cur).interfaces
                : [];
      list = { indent, into };
      continue;
    }
    // 1.3.5 prints each tracked script's own block inside the instance ("VRRP Script = chk",
    // then its Command, Interval...): the name is the tracked script, the rest is not the instance's.
    const script = /^VRRP Script\s*=\s*(\S+)$/.exec(body);
    if (script) {
      listsOf(cur).scripts.push(script[1]!);
      inScript = indent;
      continue;
    }
    if (inScript !== null && indent > inScript && !/^(Virtual IP|Interface weight)/.test(body)) continue;
    inScript = null;
    const kv = /^(.+?)\s*=\s*(.*)$/.exec(body);
    if (kv) {
      cur.raw[kv[1]!] = kv[2]!;
      continue;
    }
    const mc = /^Multicast address\s+(\S+)$/.exec(body);
    if (mc) cur.raw['Multicast address'] = mc[1]!;
  }
  for (const inst of instances) finishInstance(inst, lists.get(inst) ?? { scripts: [], interfaces: [] });
  return { globals, instances };
}

function emptyInstance(name: string): VrrpInstanceData {
  return {
    name: name.trim(),
    version: null,
    state: null,
    wantstate: null,
    vrid: null,
    priority: null,
    effectivePriority: null,
    totalPriority: null,
    advertIntervalMs: null,
    masterAdvertIntervalMs: null,
    interface: null,
    sourceIp: null,
    multicastAddress: null,
    unicastPeers: [],
    vips: [],
    vipAddresses: [],
    authType: null,
    password: null,
    trackedScripts: [],
    trackedInterfaces: [],
    lastTransition: null,
    masterDownTimerUs: null,
    preempt: null,
    raw: {},
  };
}

function finishInstance(i: VrrpInstanceData, lists: { scripts: string[]; interfaces: string[] }): void {
  const r = i.raw;
  const int = (k: string): number | null => {
    const m = r[k] !== undefined ? /^-?\d+/.exec(r[k]!) : null;
    return m ? Number(m[0]) : null;
  };
  const v = int('VRRP Version');
  i.version = v === 2 || v === 3 ? v : null;
  i.state = r['State'] ?? null;
  i.wantstate = r['Wantstate'] ?? null;
  i.vrid = int('Virtual Router ID');
  i.priority = int('Priority');
  i.effectivePriority = int('Effective priority');
  i.totalPriority = int('Total priority');
  i.advertIntervalMs = intervalMs(r['Advert interval']);
  i.masterAdvertIntervalMs = intervalMs(r['Master advert int']);
  i.interface = r['Interface'] ?? r['Listening device'] ?? null;
  i.sourceIp = r['Using src_ip'] ?? null;
  i.multicastAddress = r['Multicast address'] ?? null;
  if (r['Master router'] !== undefined) i.masterRouter = r['Master router'];
  const mp = int('Master priority');
  if (mp !== null) i.masterPriority = mp;
  i.authType = r['Authentication type'] ?? null;
  i.password = r['Password'] !== undefined ? new SecretString(r['Password']) : null;
  if (r['Password'] !== undefined) r['Password'] = '********';
  i.vipAddresses = i.vips.map((x) => x.split(/\s+/)[0]!);
  i.trackedScripts = lists.scripts.map(weighted);
  i.trackedInterfaces = lists.interfaces.map(weighted);
  const lt = r['Last transition'] !== undefined ? Number(r['Last transition'].split(/\s+/)[0]) : NaN;
  i.lastTransition = Number.isFinite(lt) ? lt : null;
  i.masterDownTimerUs = int('Master down timer');
  i.preempt = r['Preempt'] !== undefined ? r['Preempt'] === 'enabled' : null;
}

function weighted(line: string): { name: string; weight: number | null } {
  // "chk_nginx weight -20" (2.x), "chk_nginx, weight -20", or just "chk_nginx"
  const m = /^(\S+?),?\s+weight\s+(-?\d+)/.exec(line);
  return m ? { name: m[1]!, weight: Number(m[2]) } : { name: line.split(/[\s,]+/)[0]!, weight: null };
}

/** "1 sec", "1000 milli-sec", "0.50 sec" -> ms. */
function intervalMs(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(milli-sec|ms|sec|s)?/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === 'milli-sec' || m[2] === 'ms' ? n : Math.round(n * 1000);
}

// ---------------------------------------------------------------------------------------
// JSON dump

export const JSON_STATES: Record<number, VrrpStateName> = { 0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT', 97: 'STOP', 98: 'DELETED' };

export interface JsonInstance {
  name: string;
  state: VrrpStateName | null;
  wantstate: VrrpStateName | null;
  version: number | null;
  vrid: number | null;
  priority: number | null;
  effectivePriority: number | null;
  masterPriority: number | null;
  advertIntervalMs: number | null;
  masterAdvertIntervalMs: number | null;
  interface: string | null;
  vips: string[];
  trackScripts: string[];
  authType: number | null;
  password: SecretString | null;
  nopreempt: boolean | null;
  lastTransition: number | null;
  stats: Omit<VrrpInstanceStats, 'name'>;
  /** The object as keepalived wrote it (auth_data replaced by "********"). */
  raw: { data: Record<string, unknown>; stats: Record<string, unknown> };
}

/** Parse keepalived.json: `[{data, stats}]`, or `{"vrrp": [...]}` with json_version 2. */
export function parseJsonDump(text: string): JsonInstance[] {
  const parsed: unknown = JSON.parse(text);
  const list: unknown[] = Array.isArray(parsed) ? parsed : Array.isArray((parsed as { vrrp?: unknown })?.vrrp) ? ((parsed as { vrrp: unknown[] }).vrrp) : [];
  return list.map((entry) => {
    const data = ((entry as { data?: unknown }).data ?? {}) as Record<string, unknown>;
    const stats = ((entry as { stats?: unknown }).stats ?? {}) as Record<string, unknown>;
    const num = (o: Record<string, unknown>, k: string): number | null => (typeof o[k] === 'number' ? (o[k] as number) : null);
    const s = (k: string): number => num(stats, k) ?? 0;
    const bool = (k: string): boolean | null => (typeof data[k] === 'boolean' ? (data[k] as boolean) : typeof data[k] === 'number' ? data[k] !== 0 : null);
    const stateOf = (k: string): VrrpStateName | null => {
      const n = num(data, k);
      return n === null ? null : (JSON_STATES[n] ?? String(n));
    };
    const version = num(data, 'version');
    // adver_int is in seconds (float); master_adver_int likewise.
    const secs = (k: string): number | null => {
      const n = num(data, k);
      return n === null ? null : Math.round(n * 1000);
    };
    const ext = Object.keys(stats).some((k) => k.startsWith('auth_ext_'));
    const e = (k: string): number => num(stats, `auth_ext_${k}`) ?? 0;
    const authData = typeof data.auth_data === 'string' ? data.auth_data : null;
    return {
      name: String(data.iname ?? ''),
      state: stateOf('state'),
      wantstate: stateOf('wantstate'),
      version,
      vrid: num(data, 'vrid'),
      priority: num(data, 'base_priority'),
      effectivePriority: num(data, 'effective_priority'),
      masterPriority: num(data, 'master_priority'),
      advertIntervalMs: secs('adver_int'),
      masterAdvertIntervalMs: secs('master_adver_int'),
      interface: typeof data.ifp_ifname === 'string' ? data.ifp_ifname : null,
      vips: Array.isArray(data.vips) ? data.vips.map(String) : [],
      trackScripts: Array.isArray(data.track_script) ? data.track_script.map(String) : [],
      authType: num(data, 'auth_type'),
      password: authData !== null ? new SecretString(authData) : null,
      nopreempt: bool('nopreempt'),
      lastTransition: num(data, 'last_transition'),
      stats: {
        advertisementsReceived: s('advert_rcvd'),
        advertisementsSent: s('advert_sent'),
        becameMaster: s('become_master'),
        releasedMaster: s('release_master'),
        packetErrors: {
          length: s('packet_len_err'),
          ttl: s('ip_ttl_err'),
          invalidType: s('invalid_type_rcvd'),
          advertisementInterval: s('advert_interval_err'),
          addressList: s('addr_list_err'),
        },
        authErrors: { invalidType: s('invalid_authtype'), typeMismatch: num(stats, 'authtype_mismatch'), failure: num(stats, 'auth_failure') },
        authExtensionErrors: ext ? { missing: e('missing'), malformed: e('malformed'), unknownKey: e('unknown_key'), invalidHmac: e('invalid_hmac'), stale: e('stale'), replay: e('replay') } : null,
        priorityZero: { received: s('pri_zero_rcvd'), sent: s('pri_zero_sent') },
      },
      raw: { data: authData !== null ? { ...data, auth_data: '********' } : data, stats },
    };
  });
}

// ---------------------------------------------------------------------------------------
// Triggering the dumps

export type DumpKind = 'stats' | 'data' | 'json';
export type SignalName = 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | 'STATS_CLEAR' | 'JSON';

export const DUMP_FILE: Record<DumpKind, string> = { stats: 'keepalived.stats', data: 'keepalived.data', json: 'keepalived.json' };
const DUMP_SIGNAL: Record<DumpKind, SignalName> = { stats: 'STATS', data: 'DATA', json: 'JSON' };
/** What `--signum` does not exist to tell us (1.3.5, CentOS 7): the classic signals. */
const FALLBACK_SIGNAL: Partial<Record<SignalName, string>> = { STOP: 'TERM', RELOAD: 'HUP', DATA: 'USR1', STATS: 'USR2' };

export interface SignalInfo {
  name: SignalName;
  /** A number ("36") or a name ("USR2") for `kill -s`; null: this build has no such dump. */
  signal: string | null;
  source: 'signum' | 'fallback' | 'unavailable';
}

/** `keepalived --signum=NAME` (1.4.0+), else the classic signal for DATA/STATS/RELOAD/STOP. */
export async function keepalivedSignal(host: Host, name: SignalName): Promise<SignalInfo> {
  const r = await host.exec('keepalived', [`--signum=${name}`], { why: `which signal asks keepalived for ${name}`, timeoutMs: 5000 });
  const n = r.stdout.trim();
  if (r.exitCode === 0 && /^\d+$/.test(n)) return { name, signal: n, source: 'signum' };
  // 1.3.5 has no --signum; "Unknown sigfunc JSON" means a build without JSON (no fallback).
  const fb = FALLBACK_SIGNAL[name];
  return fb ? { name, signal: fb, source: 'fallback' } : { name, signal: null, source: 'unavailable' };
}

export interface DumpResult {
  kind: DumpKind;
  /** Where the file was read (as seen from here). */
  path: string;
  text: string | null;
  /** The file changed after our signal (false: an older dump, or none). */
  fresh: boolean;
  signal: SignalInfo;
  waitedMs: number;
  error: string | null;
}

export interface DumpOptions {
  /** Where the dump is read (default: the host's machine, host.runtimeFs()). */
  fs?: RuntimeFs;
  /** How long to wait for the file to be rewritten (default 1000 ms; 3000 ms over ssh). */
  timeoutMs?: number;
  pollMs?: number;
  /** Pre-resolved signal (saves one exec per dump). */
  signal?: SignalInfo;
  /** The running release: before 2.2.5 the dumps go to /tmp, not $TMPDIR (releases.ts dumpsHonourTmpdir). */
  release?: string | null;
}

type DumpProcess = Pick<KeepalivedProcess, 'pid' | 'tmpDirOnHost'> & Partial<Pick<KeepalivedProcess, 'slashTmpOnHost'>>;

/** The directory the daemon writes its dumps to, as read from here. */
export function dumpDirOnHost(kp: DumpProcess, release: string | null | undefined): string {
  const fixedTmp = release && !releaseHas(release, 'dumpsHonourTmpdir');
  return (fixedTmp ? (kp.slashTmpOnHost ?? '/tmp') : kp.tmpDirOnHost).replace(/\/$/, '');
}

/** Ask the running keepalived for one dump and read it once it has been rewritten. */
export async function requestDump(host: Host, kp: DumpProcess, kind: DumpKind, opts: DumpOptions = {}): Promise<DumpResult> {
  const rfs = opts.fs ?? host.runtimeFs();
  const path = `${dumpDirOnHost(kp, opts.release)}/${DUMP_FILE[kind]}`;
  const signal = opts.signal ?? (await keepalivedSignal(host, DUMP_SIGNAL[kind]));
  const base = { kind, path, signal };
  if (signal.signal === null) return { ...base, text: null, fresh: false, waitedMs: 0, error: `this keepalived build has no ${DUMP_SIGNAL[kind]} dump` };
  const before = await rfs.stat(path);
  const started = Date.now();
  const k = await host.exec('kill', ['-s', signal.signal, String(kp.pid)], { why: `ask keepalived (pid ${kp.pid}) for its ${kind} dump` });
  if (k.exitCode !== 0) {
    return { ...base, text: null, fresh: false, waitedMs: 0, error: (k.stderr.trim() || `kill exited with status ${k.exitCode}`) };
  }
  // Over ssh each look is a round trip (~150-300 ms): allow for the two looks that must agree.
  const timeoutMs = opts.timeoutMs ?? (rfs.remote ? 3000 : 1000);
  const pollMs = opts.pollMs ?? (rfs.remote ? 0 : 20);
  let last: { mtimeMs: number; size: number } | null = null;
  for (;;) {
    const st = await rfs.stat(path);
    const changed = st !== null && (before === null || st.mtimeMs !== before.mtimeMs || st.ino !== before.ino);
    if (changed) {
      // Written with stdio: wait until two polls agree, so we do not read half a file.
      if (last && last.mtimeMs === st.mtimeMs && last.size === st.size && st.size > 0) {
        const bytes = await rfs.readFile(path);
        return { ...base, text: bytes ? new TextDecoder().decode(bytes) : null, fresh: true, waitedMs: Date.now() - started, error: null };
      }
      last = { mtimeMs: st.mtimeMs, size: st.size };
    }
    if (Date.now() - started > timeoutMs) break;
    await sleep(pollMs);
  }
  const bytes = await rfs.readFile(path);
  return {
    ...base,
    text: bytes ? new TextDecoder().decode(bytes) : null,
    fresh: false,
    waitedMs: Date.now() - started,
    error: `${path} was not rewritten within ${timeoutMs} ms of the signal`,
  };
}

export interface RuntimeDumps {
  stats: VrrpInstanceStats[] | null;
  data: DataDump | null;
  json: JsonInstance[] | null;
  results: DumpResult[];
}

/** Stats, data and (when built in) JSON, one after the other (they are written by one process). */
export async function readAllDumps(host: Host, kp: DumpProcess, opts: DumpOptions & { json?: boolean } = {}): Promise<RuntimeDumps> {
  const stats = await requestDump(host, kp, 'stats', opts);
  // Before 2.0.9 the data dump is written 0666 into /tmp, VRRP password included: asking for
  // it would leave the password readable by every local user. The stats hold no secret.
  const data = releaseHas(opts.release ?? null, 'dumpsWorldReadable')
    ? { kind: 'data' as const, path: `${dumpDirOnHost(kp, opts.release)}/${DUMP_FILE.data}`, text: null, fresh: false, waitedMs: 0, signal: { name: 'DATA' as const, signal: null, source: 'unavailable' as const }, error: `keepalived ${opts.release} writes its data dump world-readable (mode 0666) with the VRRP password: not requested` }
    : await requestDump(host, kp, 'data', opts);
  const results = [stats, data];
  let json: JsonInstance[] | null = null;
  if (opts.json !== false) {
    const j = await requestDump(host, kp, 'json', opts);
    results.push(j);
    if (j.fresh && j.text) {
      try {
        json = parseJsonDump(j.text);
      } catch (e) {
        j.error = `keepalived.json: ${(e as Error).message}`;
      }
    }
  }
  return {
    stats: stats.fresh && stats.text ? parseStats(stats.text) : null,
    data: data.fresh && data.text ? parseData(data.text) : null,
    json,
    results,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
