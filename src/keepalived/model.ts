/**
 * A typed model of keepalived.conf, limited to what HA setups use. Keywords the model
 * does not type are kept as generic statements (`extra`, `other`), never dropped, so
 * parse -> render -> parse gives back the same model.
 *
 * The model is the configuration as keepalived sees it for one config id: `include`s
 * are inlined, `$NAME` definitions substituted and `@id` lines resolved. It holds plain
 * data only (no source positions), so two models compare with deepEqual; positions live
 * beside it in ParseResult.locations.
 */

/** Any statement: `keyword args...` with an optional `{ ... }` block. */
export interface Statement {
  keyword: string;
  args: string[];
  /** null: no block; []: an empty block `{ }`. */
  block: Statement[] | null;
}

/** `script_user USER [GROUP]`, `user USER [GROUP]`. */
export interface ScriptUser {
  user: string;
  group: string | null;
}

export interface GlobalDefs {
  routerId: string | null;
  notificationEmail: string[] | null;
  notificationEmailFrom: string | null;
  smtpServer: string | null;
  smtpConnectTimeout: number | null;
  scriptUser: ScriptUser | null;
  enableScriptSecurity: boolean;
  /** vrrp_* and garp_* globals (vrrp_strict, vrrp_garp_interval 0, ...), in file order. */
  vrrpGlobals: Statement[];
  extra: Statement[];
}

export interface VrrpScript {
  name: string;
  /** The command line as written (keepalived splits it on spaces itself). */
  script: string | null;
  interval: number | null;
  timeout: number | null;
  weight: number | null;
  /** `weight -20 reverse` */
  weightReverse: boolean;
  fall: number | null;
  rise: number | null;
  user: ScriptUser | null;
  initFail: boolean;
  extra: Statement[];
}

export interface VrrpTrackProcess {
  name: string;
  process: string | null;
  weight: number | null;
  quorum: number | null;
  delay: number | null;
  extra: Statement[];
}

/** One line of virtual_ipaddress: `192.0.2.50/24 dev eth0 label eth0:1 scope global brd ...`. */
export interface VirtualIp {
  /** The address token as written, e.g. "10.20.0.249/24" or "192.168.200.16". */
  address: string;
  dev: string | null;
  label: string | null;
  scope: string | null;
  brd: string | null;
  /** Any further options (`no_track`, `preferred_lft 0`, ...), as written. */
  options: string[];
}

/** `eth1 weight 2`, `chk_nginx weight -20 reverse`, or just a name. */
export interface TrackEntry {
  name: string;
  weight: number | null;
  reverse: boolean;
}

export interface Authentication {
  /** As written; keepalived accepts exactly PASS or AH (case matters). */
  authType: string | null;
  /** As written; keepalived uses only the first 8 characters. */
  authPass: string | null;
  extra: Statement[];
}

export interface VrrpInstance {
  name: string;
  /** As written; keepalived reads exactly MASTER or BACKUP and anything else as BACKUP. */
  state: string | null;
  interface: string | null;
  virtualRouterId: number | null;
  priority: number | null;
  advertInt: number | null;
  version: number | null;
  nopreempt: boolean;
  preemptDelay: number | null;
  authentication: Authentication | null;
  virtualIpaddress: VirtualIp[];
  virtualIpaddressExcluded: VirtualIp[];
  unicastSrcIp: string | null;
  unicastPeer: string[];
  mcastSrcIp: string | null;
  trackInterface: TrackEntry[];
  trackScript: TrackEntry[];
  trackProcess: TrackEntry[];
  notify: string | null;
  notifyMaster: string | null;
  notifyBackup: string | null;
  notifyFault: string | null;
  notifyStop: string | null;
  smtpAlert: boolean;
  /** garp_* keywords of the instance (garp_master_delay 10, ...), in file order. */
  garp: Statement[];
  extra: Statement[];
}

export interface VrrpSyncGroup {
  name: string;
  group: string[];
  notifyMaster: string | null;
  notifyBackup: string | null;
  notifyFault: string | null;
  notify: string | null;
  smtpAlert: boolean;
  extra: Statement[];
}

export interface KeepalivedConfig {
  globalDefs: GlobalDefs | null;
  vrrpScripts: VrrpScript[];
  vrrpTrackProcesses: VrrpTrackProcess[];
  vrrpSyncGroups: VrrpSyncGroup[];
  vrrpInstances: VrrpInstance[];
  /** `virtual_server ...` blocks with their real_servers and checkers, kept as structured statements. */
  virtualServers: Statement[];
  /** Every other top-level statement (virtual_server_group, static_routes, net_namespace, unknown words...). */
  other: Statement[];
}

export function emptyConfig(): KeepalivedConfig {
  return { globalDefs: null, vrrpScripts: [], vrrpTrackProcesses: [], vrrpSyncGroups: [], vrrpInstances: [], virtualServers: [], other: [] };
}

export function emptyGlobalDefs(): GlobalDefs {
  return {
    routerId: null,
    notificationEmail: null,
    notificationEmailFrom: null,
    smtpServer: null,
    smtpConnectTimeout: null,
    scriptUser: null,
    enableScriptSecurity: false,
    vrrpGlobals: [],
    extra: [],
  };
}

export function emptyVrrpScript(name: string): VrrpScript {
  return { name, script: null, interval: null, timeout: null, weight: null, weightReverse: false, fall: null, rise: null, user: null, initFail: false, extra: [] };
}

export function emptyTrackProcess(name: string): VrrpTrackProcess {
  return { name, process: null, weight: null, quorum: null, delay: null, extra: [] };
}

export function emptyVrrpInstance(name: string): VrrpInstance {
  return {
    name,
    state: null,
    interface: null,
    virtualRouterId: null,
    priority: null,
    advertInt: null,
    version: null,
    nopreempt: false,
    preemptDelay: null,
    authentication: null,
    virtualIpaddress: [],
    virtualIpaddressExcluded: [],
    unicastSrcIp: null,
    unicastPeer: [],
    mcastSrcIp: null,
    trackInterface: [],
    trackScript: [],
    trackProcess: [],
    notify: null,
    notifyMaster: null,
    notifyBackup: null,
    notifyFault: null,
    notifyStop: null,
    smtpAlert: false,
    garp: [],
    extra: [],
  };
}

export function emptySyncGroup(name: string): VrrpSyncGroup {
  return { name, group: [], notifyMaster: null, notifyBackup: null, notifyFault: null, notify: null, smtpAlert: false, extra: [] };
}

export function emptyVirtualIp(address: string): VirtualIp {
  return { address, dev: null, label: null, scope: null, brd: null, options: [] };
}

/** `vrrp_strict` in global_defs: keepalived then installs DROP rules for the VIPs. */
export function hasVrrpStrict(config: KeepalivedConfig): boolean {
  return Boolean(config.globalDefs?.vrrpGlobals.some((s) => s.keyword === 'vrrp_strict'));
}

/** The state keepalived acts on: exactly "MASTER" is master, any other value BACKUP, absent null. */
export function effectiveState(instance: VrrpInstance): 'MASTER' | 'BACKUP' | null {
  if (instance.state === null) return null;
  return instance.state === 'MASTER' ? 'MASTER' : 'BACKUP';
}
