/**
 * What each keepalived release can do and how it behaves: the one table the renderer,
 * the validator, `keepalived -t`, doctor, the dump and log readers, the lab's argv and
 * failover-test's bound read. Nothing else in the tree compares keepalived versions.
 *
 * Sources, named per row:
 * - [rec X]: ../shared/reference/keepalived-recordings/X (what that release printed and did);
 * - [ref]: ../shared/reference/keepalived.md and keepalived-releases.md;
 * - [src vX path]: keepalived's own source at that release's tag (github.com/acassen/keepalived).
 * Where the recordings and the source disagree with a summary in [ref], the source wins and
 * the row says so.
 *
 * A feature is `since` a release (inclusive) and/or `before` one (exclusive). Build-time
 * options (BFD, JSON) are not versions: they are read from the binary (`--help`, `-v`)
 * by `binary.ts` and combined with this table there.
 */
import { compareVersions, parseVersion } from './version.js';

interface Span {
  since?: string;
  before?: string;
  /** What it means for us, and where the fact comes from. */
  note: string;
}

export const RELEASE_FEATURES = {
  // --- Options ---------------------------------------------------------------------------
  configTest: { since: '2.0.4', note: '`keepalived -t` exists; 1.3.5 has none [rec 1.3.5 help.txt; ref §5]' },
  configTestAllConfig: {
    since: '2.2.0',
    note: '`-e/--all-config`; 2.0.x/2.1.x answer "Unknown option -e" and exit 1, and without it a missing file exits 0 [rec 2.0.20, 2.1.5 configtest.txt; ref §5]',
  },
  configTestExitCodes420: {
    since: '2.2.0',
    note: '-t exits 4 fatal / 5 config / 6 security; 2.0.7-2.1.5 use 3 / 4 / 5 [rec 2.0.20, 2.1.5: cases b-e exit 4; src v2.2.0 lib/scheduler.h]',
  },
  configTestSelfKill: {
    since: '2.2.5',
    before: '2.2.8',
    note: '-t SIGTERMs itself (exit 143, "Terminated") when a script runs as a non-root user [ref §5: 59271723 first in 2.2.5, aae8e910 fixed in 2.2.8]',
  },
  configTestCrashOnUnclosedBlock: {
    since: '2.1.5',
    before: '2.2.0',
    note: '-t dies of SIGSEGV (exit 139) on a block that is never closed, after printing the brace message; 2.0.20 and 2.2.x exit with their config code [rec 2.1.5 configtest.txt case e, configtest-e-repro.txt 3 of 3]',
  },
  signum: { since: '1.4.0', note: '`--signum=NAME` prints signal numbers; 1.3.5 takes SIGUSR1 for the data dump, SIGUSR2 for stats [rec 1.3.5 help.txt, dumps/WHERE.txt; ref §4.1]' },
  noSyslogOption: { since: '2.0.0', note: '`--no-syslog`; 1.3.5 has none [rec 1.3.5 help.txt]' },
  statsClear: { since: '2.1.0', note: '`--signum=STATS_CLEAR` [ref §4.1]' },

  // --- Log texts ---------------------------------------------------------------------------
  logPrefix2: { since: '2.0.0', note: 'log lines start `(VI_1)`; 1.x writes `VRRP_Instance(VI_1)` and `(VI_1):` [rec 1.3.5 auth.log; ref §3.3]' },
  consoleTimestamps: { since: '2.0.0', note: '--log-console lines carry keepalived\'s own time ("Wed Dec  2 18:27:09 2026: "); 1.3.5 prints none [rec 1.3.5, 2.0.20 start.log]' },
  scriptReturningLog: { since: '2.0.0', note: '``Script `x` now returning N``; 1.3.5 logs "<script> exited with status N" [rec 1.3.5 fault.log; ref §3.4]' },
  bogusPacketLog: {
    before: '2.0.0',
    note: '`bogus VRRP packet received on IF !!!` after every rejected advert, and `VRRP_Instance(X) ignoring received advertisment...` on a backup [rec 1.3.5 auth.log, vrid-conflict.log; ref §3.2]',
  },
  rateLimitedPacketLogs: {
    since: '2.3.3',
    note: 'packet errors are logged once (until the next state change), with the sender (`from A.B.C.D`); before, every bad advert is logged [rec 2.3.4, 2.4.3 auth.log; ref §3.1: 0a82ab55]',
  },
  masterSetLog: { since: '2.3.3', note: '`(X) master set to A` / `master changed from A to B` on a backup [rec 2.3.4, 2.4.3 auth.log, vrid-conflict.log]' },
  vipMismatchAccepted: { since: '2.3.3', note: 'an advert with another VIP set is logged but accepted (before: rejected, split brain) [ref §3.2: af103930]' },

  // --- What FAULT and a take-over do ------------------------------------------------------
  faultEntersOnAdvertTick: {
    before: '2.0.0',
    note:
      'a failed check puts the instance in FAULT only at its next advert tick (vrrp_master() polls VRRP_ISUP every advert_int; weights are applied by a timer of the same period), where 2.x acts when the script returns (down_instance, update_script_priorities) [src v1.3.5 keepalived/vrrp/vrrp_scheduler.c vrrp_master(), vrrp_update_priority(); src v2.0.0 vrrp_scheduler.c; rec 1.3.5 fault-wire.txt: priority 0 1.45 s after the check began to fail]',
  },
  masterAfterTransitionAdvert: {
    before: '2.0.0',
    note:
      'a backup taking over logs "Transition to MASTER STATE", sends one advert, and adds the VIP only at "Entering MASTER STATE" one advert interval later [src v1.3.5 vrrp.c vrrp_state_goto_master(), vrrp_state_master_tx(); vrrp_sync.c vrrp_init_instance_sands(); rec 1.3.5 fault.log, timing.txt: 3078 ms fault, 1661 ms SIGTERM]',
  },
  faultPriorityZeroLogged: {
    since: '2.0.0',
    note: 'FAULT sends two priority-0 adverts and logs `(X) sent 0 priority`; 1.3.5 sends one, unlogged (vrrp_state_leave_master() sends VRRP_PRIO_STOP without a log line) [rec fault-wire.txt of every release; src v1.3.5 vrrp.c]',
  },
  nopreemptClearedWithMaster: { since: '2.0.0', note: 'nopreempt with state MASTER is cleared (1.3.5 warns and keeps it) [ref §2.3]' },
  priorityImpliedByState: { since: '2.0.0', note: 'state MASTER without priority means 255 (address owner) [ref §2.2]' },

  // --- Dumps -------------------------------------------------------------------------------
  dumpsHonourTmpdir: {
    since: '2.2.5',
    note: 'dumps go to $TMPDIR of the daemon; before, to /tmp (hard-coded up to 2.1.5, the compiled tmp dir, /tmp by default, in 2.2.0-2.2.4) [rec dumps/WHERE.txt: 1.3.5-2.1.5 /tmp, 2.2.7+ TMPDIR; ref §4.5]',
  },
  dumpsWorldReadable: {
    before: '2.0.9',
    note: 'dumps are written mode 0666 (umask(0) at start, plain fopen): the data dump, password included, is readable by every local user; from 2.0.9 fopen_safe writes them 0600 [rec 1.3.5 dumps/WHERE.txt; src v2.0.9 keepalived/vrrp/vrrp_print.c, 04f2d328]',
  },
  parentDataDump: { since: '2.1.0', note: 'the parent also writes keepalived_parent.data [rec 2.1.5 dumps; 2.0.20 has none]' },
  passwordMaskedInDumps: { since: '2.4.0', note: 'data/JSON dumps print `Password = ********`: compare passwords from the wire [rec 2.4.3 dumps/keepalived.data; ref §4.3: 2ba7adc4]' },

  // --- Configuration -----------------------------------------------------------------------
  vrrpNotifyFifo: {
    since: '1.3.6',
    note: '`vrrp_notify_fifo FILE` + `vrrp_notify_fifo_script SCRIPT [USER]`: one long-running reader gets every state change as a line `INSTANCE "VI_1" MASTER 150`, in order; before, only a `notify` script per event, started concurrently [KEYWORD_SINCE global_defs 1.3.6 below; src v1.3.6 keepalived/core/global_parser.c]',
  },
  unicastFaultNoPeer: { since: '2.2.5', note: '`unicast_fault_no_peer`: no peers means FAULT, not silent multicast [src v2.2.5 vrrp_parser.c; ref §2.5]' },
  fractionalScriptInterval: {
    since: '2.3.2',
    note: '`vrrp_script` `interval`/`timeout` take fractions of a second; whole seconds before [src v2.3.2 vrrp_parser.c vrrp_vscript_interval_handler(), 6f9ace3c; keepalived-releases.md says "whole seconds up to 2.3.0, fractions from 2.3.4": the source settles 2.3.2 and 2.3.3]',
  },
  defaultConfigUnderPrefix: {
    since: '2.2.8',
    note: 'a source build reads PREFIX/etc/keepalived/keepalived.conf by default (before: /etc/keepalived/keepalived.conf) [rec 2.2.8+ help.txt; ref §7.2]',
  },
  makeInstallWritesSystemUnit: { since: '2.2.8', note: '`make install` writes keepalived.service into the system unit directory unless --with-systemdsystemunitdir [keepalived-releases.md]' },
  defaultScriptUserWarning: {
    before: '2.0.0',
    note: 'prints "Unable to resolve default script username \'keepalived_script\' - ignoring" at start even with script_user root; harmless [rec 1.3.5 start.log]',
  },

  // --- Building from source ----------------------------------------------------------------
  libnl1HeaderBreak: { since: '2.1.0', before: '2.2.0', note: 'does not build against libnl 1 (`__u32` in netlink-kernel.h); header forcing does not link [keepalived-releases.md]' },
  iffUpHeaderClash: { since: '2.1.0', before: '2.2.3', note: '`net/if.h: redeclaration of enumerator IFF_UP` with current kernel headers [keepalived-releases.md: 3fd0c21e first in 2.2.3]' },
  needsFcommon: { before: '2.0.0', note: 'multiple definitions (gcc >= 10 defaults to -fno-common): build with CFLAGS=-fcommon [keepalived-releases.md]' },
  ipset7Break: { before: '2.0.0', note: 'ipset code does not build against ipset 7: configure --disable-libipset [keepalived-releases.md]' },
} as const satisfies Record<string, Span>;

export type ReleaseFeature = keyof typeof RELEASE_FEATURES;

/** Is `version` inside `span`? */
function inSpan(version: string, span: Span): boolean {
  if (span.since && compareVersions(version, span.since) < 0) return false;
  if (span.before && compareVersions(version, span.before) >= 0) return false;
  return true;
}

/** "2.2.7" has `feature`? An unknown release (null) has none of the version-bound features. */
export function releaseHas(version: string | null, feature: ReleaseFeature): boolean {
  if (version === null || parseVersion(version) === null) return false;
  return inSpan(version, RELEASE_FEATURES[feature]);
}

/** The releases our users run, with who ships them; tests and docs iterate over these. */
export const KNOWN_RELEASES = [
  { version: '1.3.5', shippedBy: 'CentOS 7 / RHEL 7, Alibaba Cloud Linux 2, TencentOS Server 2' },
  { version: '2.0.20', shippedBy: 'openEuler 20.03 LTS (Ubuntu 20.04 ships 2.0.19)' },
  { version: '2.1.5', shippedBy: 'Rocky / Alma / RHEL 8, Anolis 8, Debian 11' },
  { version: '2.2.7', shippedBy: 'Debian 12' },
  { version: '2.2.8', shippedBy: 'Rocky / Alma / RHEL 9, Ubuntu 24.04' },
  { version: '2.3.3', shippedBy: 'Debian 13' },
  { version: '2.3.4', shippedBy: 'Debian unstable, Ubuntu 26.04' },
  { version: '2.4.3', shippedBy: 'upstream' },
] as const;

/** Releases as sorted numbers: a < b < 0, equal 0. The one comparison of two releases. */
export function compareReleases(a: string, b: string): number {
  return compareVersions(a, b);
}

// ---------------------------------------------------------------------------------------
// keepalived -t

export interface ConfigTestCodes {
  fatal: number;
  config: number;
  security: number;
}

/** `keepalived -t` exit code -> meaning, for this release. */
export function configTestExitCodes(version: string): ConfigTestCodes {
  return releaseHas(version, 'configTestExitCodes420') ? { fatal: 4, config: 5, security: 6 } : { fatal: 3, config: 4, security: 5 };
}

// ---------------------------------------------------------------------------------------
// Keywords

/** The blocks whose keywords the table tracks (as keepalived's parsers install them). */
export type KeywordBlock = 'top' | 'global_defs' | 'vrrp_instance' | 'vrrp_sync_group' | 'vrrp_track_process';

/**
 * The release that first knows a keyword, per block, for every keyword our parser knows that
 * 1.3.5 did not. Derived from the install_keyword()/install_keyword_root() calls of every
 * release tag from v1.3.5 to v2.4.3 [src vX keepalived/**, lib/*]: a keyword first seen at
 * a tag is listed under it; none of them was removed again up to 2.4.3. Keywords not listed
 * here are known to every release from 1.3.5 on.
 */
const KEYWORD_SINCE: Record<KeywordBlock, Record<string, string>> = {
  top: {
    '2.0.0': 'bfd_instance child_wait_time vrrp_track_file',
    '2.0.11': 'vrrp_track_process',
    '2.1.0': 'net_namespace_ipvs track_file',
  },
  global_defs: {
    '1.3.6': 'lvs_notify_fifo lvs_notify_fifo_script notify_fifo notify_fifo_script vrrp_notify_fifo vrrp_notify_fifo_script',
    '1.3.7': 'dbus_service_name',
    '2.0.0':
      'bfd_no_swap bfd_priority bfd_rlimit_rtime bfd_rt_priority checker_rlimit_rtime checker_rt_priority dynamic_interfaces enable_snmp_vrrp lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force no_checker_emails no_email_faults rs_init_notifies smtp_alert smtp_alert_checker smtp_alert_vrrp vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force vrrp_rlimit_rtime vrrp_rt_priority',
    '2.0.3': 'vrrp_rx_bufs_multiplier vrrp_rx_bufs_policy',
    '2.0.9': 'umask',
    '2.0.11': 'checker_log_all_failures nftables nftables_counters nftables_ifindex nftables_priority process_monitor_rcv_bufs process_monitor_rcv_bufs_force',
    '2.0.12': 'vrrp_min_garp',
    '2.0.14': 'vrrp_startup_delay',
    '2.0.15': 'lvs_flush_onstop random_seed',
    '2.0.16': 'bfd_process_name log_unknown_vrids lvs_process_name process_name process_names vrrp_notify_priority_changes vrrp_process_name',
    '2.0.17': 'bfd_cpu_affinity checker_cpu_affinity vrrp_cpu_affinity',
    '2.1.0':
      'bfd_rlimit_rttime checker_rlimit_rttime max_auto_priority min_auto_priority_delay reload_repeat reload_time_file shutdown_script shutdown_script_timeout startup_script startup_script_timeout vrrp_rlimit_rttime',
    '2.2.0': 'checker_process_name disable_local_igmp include_check lvs_flush_on_stop reload_check_config reload_file tmp_config_directory vmac_addr_prefix vmac_prefix vrrp_vmac_garp_intvl',
    '2.2.2': 'nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark',
    '2.2.3': 'config_save_dir data_use_instance vrrp_down_timer_adverts vrrp_garp_extra_if',
    '2.2.5': 'fifo_write_vrrp_states_on_reload',
    '2.2.8': 'json_version v3_checksum_as_v2',
    '2.3.0': 'dbus_no_interface_name snmp_rs_stats_update_interval snmp_vs_stats_update_interval use_symlink_paths',
    '2.3.2': 'iproute_etc_dir iproute_usr_dir',
    '2.3.3': 'json_dump_file state_dump_file stats_dump_file vrrp_owner_ignore_adverts',
    '2.4.0': 'vrrp_delay_after_boot',
  },
  vrrp_instance: {
    '1.3.7': 'old_unicast_checksum',
    '2.0.0': 'linkbeat_use_polling track_bfd track_file track_src_ip',
    '2.0.3': 'kernel_rx_buf_size',
    '2.0.6': 'notify_master_rx_lower_pri',
    '2.0.11': 'track_process',
    '2.0.16': 'notify_priority_changes',
    '2.0.17': 'use_ipvlan',
    '2.1.0': 'check_unicast_src notify_deleted unicast_ttl',
    '2.2.0': 'use_vmac_addr vmac_garp_intvl',
    '2.2.3': 'down_timer_adverts garp_extra_if',
    '2.2.5': 'mcast_dst_ip unicast_fault_no_peer vrf',
    '2.2.8': 'no_virtual_ipaddress timer_expired_backup v3_checksum_as_v2',
    '2.3.2': 'thread_timer_expired',
    '2.3.3': 'owner_ignore_adverts',
    '2.4.0': 'auth_hmac',
  },
  vrrp_sync_group: {
    '2.0.0': 'notify_stop sync_group_tracking_weight track_bfd track_file track_interface track_script',
    '2.0.11': 'track_process',
    '2.2.0': 'notify_priority_changes',
  },
  vrrp_track_process: {
    '2.0.11': 'delay full_command process quorum weight',
    '2.0.16': 'fork_delay param_match quorum_max terminate_delay',
  },
};

const KEYWORD_INDEX: ReadonlyMap<string, string> = new Map(
  Object.entries(KEYWORD_SINCE).flatMap(([block, byRelease]) =>
    Object.entries(byRelease).flatMap(([since, words]) => words.split(' ').map((w) => [`${block}/${w}`, since] as const)),
  ),
);

/** The first release that knows `keyword` in `block`; null: every release from 1.3.5 knows it. */
export function keywordSince(block: KeywordBlock, keyword: string): string | null {
  return KEYWORD_INDEX.get(`${block}/${keyword}`) ?? null;
}

/** Does this release know the keyword? An unknown release (null) is not second-guessed: true. */
export function releaseKnowsKeyword(version: string | null, block: KeywordBlock, keyword: string): boolean {
  const since = keywordSince(block, keyword);
  if (since === null || version === null || parseVersion(version) === null) return true;
  return inSpan(version, { since, note: '' });
}
