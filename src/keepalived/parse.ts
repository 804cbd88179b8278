/**
 * keepalived.conf -> KeepalivedConfig. Reading (comments, includes, definitions,
 * conditionals) is in load.ts, braces in blocks.ts; this module maps statements onto the
 * typed model. Whatever it cannot type is kept as a generic statement, and a word
 * keepalived would not know is reported as an unknown keyword at its line; parsing
 * always continues.
 */
import type { Host } from '../host/types.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';
import { DiagnosticList, type Diagnostic, type SourcePos } from './diagnostics.js';
import { loadLines } from './load.js';
import { buildTree, type ParsedStatement } from './blocks.js';
import {
  AUTHENTICATION_KEYWORDS,
  GLOBAL_DEFS_KEYWORDS,
  TOP_LEVEL_KEYWORDS,
  VRRP_GLOBAL_KEYWORDS,
  VRRP_INSTANCE_KEYWORDS,
  VRRP_SCRIPT_KEYWORDS,
  VRRP_SYNC_GROUP_KEYWORDS,
  VRRP_TRACK_PROCESS_KEYWORDS,
  isVrrpGlobal,
  keywordLike,
} from './keywords.js';
import {
  emptyConfig,
  emptyGlobalDefs,
  emptySyncGroup,
  emptyTrackProcess,
  emptyVirtualIp,
  emptyVrrpInstance,
  emptyVrrpScript,
  type Authentication,
  type KeepalivedConfig,
  type ScriptUser,
  type Statement,
  type TrackEntry,
  type VirtualIp,
} from './model.js';

export interface ParseResult {
  config: KeepalivedConfig;
  diagnostics: Diagnostic[];
  /** Every file read: the main file first, then included ones in reading order. */
  files: string[];
  /** Model path (as used in validator findings) -> where it was written. */
  locations: Map<string, SourcePos>;
}

export interface ParseOptions {
  /** keepalived's `-i` config id, for `@id` / `@^id` lines. */
  configId?: string;
}

/** Read and parse `path` (a path on the host's system, e.g. /etc/keepalived/keepalived.conf). */
export async function parseConfig(host: Host, path: string, opts: ParseOptions = {}): Promise<ParseResult> {
  const st = await host.stat(path).catch(() => null);
  if (st && !st.isFile) {
    throw new UserError({ field: 'config', value: path, accepted: t('keepalived.parse.fileMissingAccepted'), reason: t(st.isDirectory ? 'keepalived.parse.includeDirectory' : 'keepalived.parse.includeNotFile', { file: path }), exitCode: EXIT.failure });
  }
  const text = await host.readFile(path);
  if (text === null) {
    throw new UserError({
      field: 'config',
      value: path,
      accepted: t('keepalived.parse.fileMissingAccepted'),
      reason: t('keepalived.parse.fileMissing', { path }),
      exitCode: EXIT.failure,
    });
  }
  return parseText(host, path, text, opts);
}

/**
 * Parse configuration text that is not (yet) a file, e.g. a rendered config. `file` is
 * the name used in diagnostics and the base for relative includes, read through `host`
 * when one is given.
 */
export async function parseConfigText(text: string, opts: ParseOptions & { file?: string; host?: Host } = {}): Promise<ParseResult> {
  return parseText(opts.host ?? noFiles, opts.file ?? '/etc/keepalived/keepalived.conf', text, opts);
}

async function parseText(host: Host, path: string, text: string, opts: ParseOptions): Promise<ParseResult> {
  const diagnostics = new DiagnosticList();
  const { lines, files } = await loadLines(host, path, diagnostics, { configId: opts.configId, text });
  const tree = buildTree(lines, diagnostics);
  const builder = new ModelBuilder(diagnostics);
  const config = builder.build(tree);
  return { config, diagnostics: diagnostics.items, files, locations: builder.locations };
}

/** Without a host, includes find nothing (and say so). */
const noFiles: Host = {
  kind: 'plan',
  label: 'text',
  root: '/',
  runtimePath: (p) => p,
  commandPath: (p) => p,
  treeOnly: true,
  runtimeFs: () => ({ readFile: async () => null, readLink: async () => null, readDir: async () => [], stat: async () => null, readTail: async () => null }),
  netns: async () => null,
  ownInterfaces: async () => null,
  exec: async (cmd, args) => ({ command: [cmd, ...args], exitCode: 127, stdout: '', stderr: '', notFound: true, timedOut: false }),
  readFile: async () => null,
  writeFileAtomic: async (path) => ({ path, changed: false, backup: null }),
  exists: async () => false,
  stat: async () => null,
  modifiedAt: async () => null,
  readDir: async () => [],
  remove: async () => undefined,
  mkdir: async () => undefined,
  dryRun: true,
  appendFile: async () => undefined,
  createExclusive: async () => false,
  machine: () => noFiles,
  runtimeView: () => noFiles,
};

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

function plain(s: ParsedStatement): Statement {
  return { keyword: s.keyword, args: [...s.args], block: s.block ? s.block.map(plain) : null };
}

class ModelBuilder {
  readonly locations = new Map<string, SourcePos>();

  constructor(private readonly diagnostics: DiagnosticList) {}

  build(tree: ParsedStatement[]): KeepalivedConfig {
    const config = emptyConfig();
    for (const s of tree) {
      switch (s.keyword) {
        case 'global_defs':
          if (!this.needBlock(s)) config.other.push(plain(s));
          else this.globalDefs(config, s);
          break;
        case 'vrrp_script':
        case 'vrrp_track_process':
        case 'vrrp_instance':
        case 'vrrp_sync_group': {
          const name = s.args[0];
          if (!this.needBlock(s) || !name) {
            if (!name) this.diagnostics.add('error', 'missing-name', s.pos, 'keepalived.parse.missingName', { keyword: s.keyword });
            config.other.push(plain(s));
            break;
          }
          if (s.keyword === 'vrrp_script') config.vrrpScripts.push(this.vrrpScript(name, s));
          else if (s.keyword === 'vrrp_track_process') config.vrrpTrackProcesses.push(this.trackProcess(name, s));
          else if (s.keyword === 'vrrp_instance') config.vrrpInstances.push(this.instance(name, s));
          else config.vrrpSyncGroups.push(this.syncGroup(name, s));
          break;
        }
        case 'virtual_server':
          this.locations.set(`virtual_server[${config.virtualServers.length}]`, s.pos);
          config.virtualServers.push(plain(s));
          break;
        default:
          this.unknown(s, TOP_LEVEL_KEYWORDS);
          this.locations.set(`other[${config.other.length}]`, s.pos);
          config.other.push(plain(s));
      }
    }
    return config;
  }

  private needBlock(s: ParsedStatement): s is ParsedStatement & { block: ParsedStatement[] } {
    if (s.block !== null) return true;
    this.diagnostics.add('error', 'missing-block', s.pos, 'keepalived.parse.missingBlock', { keyword: s.keyword });
    return false;
  }

  private unknown(s: ParsedStatement, known: ReadonlySet<string>): void {
    if (known.has(s.keyword)) return;
    // Only a word that could be a keyword is quoted: never the rest of a line, nor a line
    // that is no keyword at all (a password hash, a pasted sentence).
    if (keywordLike(s.keyword)) this.diagnostics.add('warning', 'unknown-keyword', s.pos, 'keepalived.parse.unknownKeyword', { keyword: s.keyword });
    else this.diagnostics.add('warning', 'unknown-keyword', s.pos, 'keepalived.parse.unknownLine');
  }

  private at(path: string, s: ParsedStatement): void {
    this.locations.set(path, s.pos);
  }

  /** Exactly one argument, or the statement is kept aside (returns null). */
  private single(s: ParsedStatement): string | null {
    if (s.args.length === 1) return s.args[0]!;
    if (s.args.length === 0) this.diagnostics.add('error', 'missing-value', s.pos, 'keepalived.parse.missingValue', { keyword: s.keyword });
    return null;
  }

  private number(s: ParsedStatement): number | null {
    const v = this.single(s);
    if (v === null) return null;
    if (!NUMBER.test(v)) {
      this.diagnostics.add('error', 'not-a-number', s.pos, 'keepalived.parse.notANumber', { keyword: s.keyword, value: v });
      return null;
    }
    return Number(v);
  }

  /** A command line: the rest of the line, quoted or not (keepalived splits it on blanks either way). */
  private command(s: ParsedStatement): string | null {
    if (s.args.length === 0) {
      this.diagnostics.add('error', 'missing-value', s.pos, 'keepalived.parse.missingValue', { keyword: s.keyword });
      return null;
    }
    return s.args.join(' ');
  }

  private user(s: ParsedStatement): ScriptUser | null {
    if (s.args.length === 0 || s.args.length > 2) {
      if (s.args.length === 0) this.diagnostics.add('error', 'missing-value', s.pos, 'keepalived.parse.missingValue', { keyword: s.keyword });
      return null;
    }
    return { user: s.args[0]!, group: s.args[1] ?? null };
  }

  private globalDefs(config: KeepalivedConfig, s: ParsedStatement & { block: ParsedStatement[] }): void {
    const g = config.globalDefs ?? emptyGlobalDefs();
    config.globalDefs = g;
    this.at('global_defs', s);
    for (const c of s.block) {
      const path = `global_defs.${c.keyword}`;
      this.at(path, c);
      let kept = true;
      switch (c.keyword) {
        case 'router_id': {
          const v = this.single(c);
          if (v !== null && !c.block) g.routerId = v;
          else kept = false;
          break;
        }
        case 'notification_email_from':
        case 'smtp_server': {
          const v = this.single(c);
          if (v !== null && !c.block) {
            if (c.keyword === 'smtp_server') g.smtpServer = v;
            else g.notificationEmailFrom = v;
          } else kept = false;
          break;
        }
        case 'smtp_connect_timeout': {
          const v = this.number(c);
          if (v !== null && !c.block) g.smtpConnectTimeout = v;
          else kept = false;
          break;
        }
        case 'notification_email':
          if (c.block && c.args.length === 0 && c.block.every((e) => e.args.length === 0 && !e.block)) {
            g.notificationEmail = [...(g.notificationEmail ?? []), ...c.block.map((e) => e.keyword)];
          } else kept = false;
          break;
        case 'script_user': {
          const v = this.user(c);
          if (v && !c.block) g.scriptUser = v;
          else kept = false;
          break;
        }
        case 'enable_script_security':
          if (c.args.length === 0 && !c.block) g.enableScriptSecurity = true;
          else kept = false;
          break;
        default:
          if (isVrrpGlobal(c.keyword)) {
            this.unknown(c, VRRP_GLOBAL_KEYWORDS);
            g.vrrpGlobals.push(plain(c));
          } else {
            kept = false;
          }
      }
      if (!kept) {
        if (!VRRP_GLOBAL_KEYWORDS.has(c.keyword)) this.unknown(c, GLOBAL_DEFS_KEYWORDS);
        g.extra.push(plain(c));
      }
    }
  }

  private vrrpScript(name: string, s: ParsedStatement & { block: ParsedStatement[] }) {
    const v = emptyVrrpScript(name);
    const base = `vrrp_script[${name}]`;
    this.at(base, s);
    for (const c of s.block) {
      this.at(`${base}.${c.keyword}`, c);
      let kept = !c.block;
      if (kept) {
        switch (c.keyword) {
          case 'script': {
            const cmd = this.command(c);
            if (cmd !== null) v.script = cmd;
            else kept = false;
            break;
          }
          case 'interval':
          case 'timeout':
          case 'fall':
          case 'rise': {
            const n = this.number(c);
            if (n === null) kept = false;
            else v[c.keyword] = n;
            break;
          }
          case 'weight': {
            const w = this.weight(c);
            if (w) {
              v.weight = w.weight;
              v.weightReverse = w.reverse;
            } else kept = false;
            break;
          }
          case 'user': {
            const u = this.user(c);
            if (u) v.user = u;
            else kept = false;
            break;
          }
          case 'init_fail':
            if (c.args.length === 0) v.initFail = true;
            else kept = false;
            break;
          default:
            kept = false;
        }
      }
      if (!kept) {
        this.unknown(c, VRRP_SCRIPT_KEYWORDS);
        v.extra.push(plain(c));
      }
    }
    return v;
  }

  /** `weight N [reverse]` */
  private weight(c: ParsedStatement): { weight: number; reverse: boolean } | null {
    const [n, r, ...rest] = c.args;
    if (n === undefined) {
      this.diagnostics.add('error', 'missing-value', c.pos, 'keepalived.parse.missingValue', { keyword: c.keyword });
      return null;
    }
    if (!NUMBER.test(n)) {
      this.diagnostics.add('error', 'not-a-number', c.pos, 'keepalived.parse.notANumber', { keyword: c.keyword, value: n });
      return null;
    }
    if (rest.length || (r !== undefined && r !== 'reverse')) return null;
    return { weight: Number(n), reverse: r === 'reverse' };
  }

  private trackProcess(name: string, s: ParsedStatement & { block: ParsedStatement[] }) {
    const p = emptyTrackProcess(name);
    const base = `vrrp_track_process[${name}]`;
    this.at(base, s);
    for (const c of s.block) {
      this.at(`${base}.${c.keyword}`, c);
      let kept = !c.block;
      if (kept) {
        if (c.keyword === 'process') {
          const v = this.single(c);
          if (v !== null) p.process = v;
          else kept = false;
        } else if (c.keyword === 'weight' || c.keyword === 'quorum' || c.keyword === 'delay') {
          const n = this.number(c);
          if (n !== null) p[c.keyword] = n;
          else kept = false;
        } else kept = false;
      }
      if (!kept) {
        this.unknown(c, VRRP_TRACK_PROCESS_KEYWORDS);
        p.extra.push(plain(c));
      }
    }
    return p;
  }

  private instance(name: string, s: ParsedStatement & { block: ParsedStatement[] }) {
    const v = emptyVrrpInstance(name);
    const base = `vrrp_instance[${name}]`;
    this.at(base, s);
    for (const c of s.block) {
      const path = `${base}.${c.keyword}`;
      this.at(path, c);
      let kept = true;
      switch (c.keyword) {
        case 'state':
        case 'interface':
        case 'unicast_src_ip':
        case 'mcast_src_ip': {
          const val = c.block ? null : this.single(c);
          if (val === null) kept = false;
          else if (c.keyword === 'state') v.state = val;
          else if (c.keyword === 'interface') v.interface = val;
          else if (c.keyword === 'unicast_src_ip') v.unicastSrcIp = val;
          else v.mcastSrcIp = val;
          break;
        }
        case 'virtual_router_id':
        case 'priority':
        case 'advert_int':
        case 'version':
        case 'preempt_delay': {
          const n = c.block ? null : this.number(c);
          if (n === null) kept = false;
          else if (c.keyword === 'virtual_router_id') v.virtualRouterId = n;
          else if (c.keyword === 'priority') v.priority = n;
          else if (c.keyword === 'advert_int') v.advertInt = n;
          else if (c.keyword === 'version') v.version = n;
          else v.preemptDelay = n;
          break;
        }
        case 'nopreempt':
        case 'smtp_alert':
          if (c.args.length || c.block) kept = false;
          else if (c.keyword === 'nopreempt') v.nopreempt = true;
          else v.smtpAlert = true;
          break;
        case 'authentication': {
          const auth = c.block && c.args.length === 0 ? this.authentication(path, c.block, v.authentication) : null;
          if (auth) v.authentication = auth;
          else kept = false;
          break;
        }
        case 'virtual_ipaddress':
        case 'virtual_ipaddress_excluded': {
          const list = c.block && c.args.length === 0 ? this.vips(path, c.block) : null;
          if (!list) kept = false;
          else if (c.keyword === 'virtual_ipaddress') v.virtualIpaddress.push(...list);
          else v.virtualIpaddressExcluded.push(...list);
          break;
        }
        case 'unicast_peer':
          if (c.block && c.args.length === 0 && c.block.every((e) => e.args.length === 0 && !e.block)) {
            c.block.forEach((e, i) => this.at(`${path}[${i + v.unicastPeer.length}]`, e));
            v.unicastPeer.push(...c.block.map((e) => e.keyword));
          } else kept = false;
          break;
        case 'track_interface':
        case 'track_script':
        case 'track_process': {
          const entries = c.block && c.args.length === 0 ? this.trackEntries(path, c.block) : null;
          if (!entries) kept = false;
          else if (c.keyword === 'track_interface') v.trackInterface.push(...entries);
          else if (c.keyword === 'track_script') v.trackScript.push(...entries);
          else v.trackProcess.push(...entries);
          break;
        }
        case 'notify':
        case 'notify_master':
        case 'notify_backup':
        case 'notify_fault':
        case 'notify_stop': {
          const cmd = c.block ? null : this.command(c);
          if (cmd === null) kept = false;
          else if (c.keyword === 'notify') v.notify = cmd;
          else if (c.keyword === 'notify_master') v.notifyMaster = cmd;
          else if (c.keyword === 'notify_backup') v.notifyBackup = cmd;
          else if (c.keyword === 'notify_fault') v.notifyFault = cmd;
          else v.notifyStop = cmd;
          break;
        }
        default:
          if (c.keyword.startsWith('garp_') && VRRP_INSTANCE_KEYWORDS.has(c.keyword)) v.garp.push(plain(c));
          else kept = false;
      }
      if (!kept) {
        this.unknown(c, VRRP_INSTANCE_KEYWORDS);
        v.extra.push(plain(c));
      }
    }
    return v;
  }

  private authentication(path: string, block: ParsedStatement[], previous: Authentication | null): Authentication {
    const auth: Authentication = previous ?? { authType: null, authPass: null, extra: [] };
    for (const c of block) {
      this.at(`${path}.${c.keyword}`, c);
      const v = c.block ? null : c.keyword === 'auth_type' || c.keyword === 'auth_pass' ? this.single(c) : null;
      if (v !== null && c.keyword === 'auth_type') auth.authType = v;
      else if (v !== null && c.keyword === 'auth_pass') auth.authPass = v;
      else {
        this.unknown(c, AUTHENTICATION_KEYWORDS);
        auth.extra.push(plain(c));
      }
    }
    return auth;
  }

  private vips(path: string, block: ParsedStatement[]): VirtualIp[] | null {
    if (block.some((e) => e.block)) return null;
    return block.map((e, i) => {
      this.at(`${path}[${i}]`, e);
      const vip = emptyVirtualIp(e.keyword);
      for (let k = 0; k < e.args.length; k++) {
        const word = e.args[k]!;
        const value = e.args[k + 1];
        if ((word === 'dev' || word === 'label' || word === 'scope' || word === 'brd') && value !== undefined && vip[word] === null) {
          vip[word] = value;
          k++;
        } else vip.options.push(word);
      }
      return vip;
    });
  }

  private trackEntries(path: string, block: ParsedStatement[]): TrackEntry[] | null {
    const entries: TrackEntry[] = [];
    for (const e of block) {
      if (e.block) return null;
      this.at(`${path}[${e.keyword}]`, e);
      if (e.args.length === 0) {
        entries.push({ name: e.keyword, weight: null, reverse: false });
        continue;
      }
      const [w, n, r, ...rest] = e.args;
      if (w !== 'weight' || n === undefined || !NUMBER.test(n) || rest.length || (r !== undefined && r !== 'reverse')) return null;
      entries.push({ name: e.keyword, weight: Number(n), reverse: r === 'reverse' });
    }
    return entries;
  }

  private syncGroup(name: string, s: ParsedStatement & { block: ParsedStatement[] }) {
    const g = emptySyncGroup(name);
    const base = `vrrp_sync_group[${name}]`;
    this.at(base, s);
    for (const c of s.block) {
      this.at(`${base}.${c.keyword}`, c);
      let kept = true;
      if (c.keyword === 'group' && c.block && c.args.length === 0 && c.block.every((e) => e.args.length === 0 && !e.block)) {
        g.group.push(...c.block.map((e) => e.keyword));
      } else if (c.keyword === 'smtp_alert' && c.args.length === 0 && !c.block) {
        g.smtpAlert = true;
      } else if (['notify', 'notify_master', 'notify_backup', 'notify_fault'].includes(c.keyword) && !c.block) {
        const cmd = this.command(c);
        if (cmd === null) kept = false;
        else if (c.keyword === 'notify') g.notify = cmd;
        else if (c.keyword === 'notify_master') g.notifyMaster = cmd;
        else if (c.keyword === 'notify_backup') g.notifyBackup = cmd;
        else g.notifyFault = cmd;
      } else kept = false;
      if (!kept) {
        this.unknown(c, VRRP_SYNC_GROUP_KEYWORDS);
        g.extra.push(plain(c));
      }
    }
    return g;
  }
}
