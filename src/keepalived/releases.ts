/**
 * What each keepalived release can do and how it behaves: the one table the renderer,
 * the validator, `keepalived -t`, doctor, the lab's argv and failover-test's bound read.
 * Nothing else in the tree compares keepalived version numbers.
 *
 * Facts come from ../shared/reference/keepalived.md, keepalived-releases.md and the
 * recordings of 1.3.5, 2.0.20, 2.1.5, 2.2.7, 2.2.8, 2.3.4 and 2.4.3, and from keepalived's
 * own source at each release's tag where those do not say.
 *
 * A feature is `since` a release (inclusive) and/or `before` one (exclusive). Build-time
 * options (BFD, JSON) are not versions: they are read from the binary (`--help`, `-v`)
 * by `binary.ts` and combined with this table there.
 */
import { compareVersions, parseVersion } from './version.js';

interface Span {
  since?: string;
  before?: string;
  /** Why it matters to us, for the reader of this table. */
  note: string;
}

export const RELEASE_FEATURES = {
  configTest: { since: '2.0.4', note: '`keepalived -t` exists (1.3.5 has none)' },
  configTestAllConfig: { since: '2.2.0', note: '`-e/--all-config` (2.0.x/2.1.x: "Unknown option -e", exit 1); without it a missing file exits 0' },
  configTestExitCodes420: { since: '2.2.0', note: '-t exit codes 4 fatal / 5 config / 6 security (2.0.7-2.1.5: 3 / 4 / 5)' },
  configTestSelfKill: { since: '2.2.5', before: '2.2.8', note: '-t SIGTERMs itself (exit 143) when a script runs as a non-root user' },
  signum: { since: '1.4.0', note: '`--signum=NAME` prints signal numbers (1.3.5: SIGUSR1 data, SIGUSR2 stats)' },
  noSyslogOption: { since: '2.0.0', note: '`--no-syslog` (not in 1.3.5)' },
  logPrefix2: { since: '2.0.0', note: 'log lines start `(VI_1)`; 1.x writes `VRRP_Instance(VI_1)` and `(VI_1):`' },
  scriptReturningLog: { since: '2.0.0', note: '``Script `x` now returning N``' },
  bogusPacketLog: { before: '2.0.0', note: '`bogus VRRP packet received on IF !!!` after every rejected advert' },
  rateLimitedPacketLogs: { since: '2.3.3', note: 'packet errors logged once, with the sender (`from A.B.C.D`)' },
  vipMismatchAccepted: { since: '2.3.3', note: 'an advert with another VIP set is logged but accepted (before: rejected, split brain)' },
  dumpsHonourTmpdir: { since: '2.2.5', note: 'dumps go to $TMPDIR of the daemon (before: /tmp, 2.2.0-2.2.4 the compiled tmp dir)' },
  dumpsWorldReadable: { before: '2.0.0', note: '1.3.5 writes its dumps 0666' },
  passwordMaskedInDumps: { since: '2.4.0', note: 'data/JSON dumps print `Password = ********`' },
  statsClear: { since: '2.1.0', note: '`--signum=STATS_CLEAR`' },
  unicastFaultNoPeer: { since: '2.2.5', note: '`unicast_fault_no_peer`: no peers means FAULT, not silent multicast' },
  fractionalScriptInterval: { since: '2.3.4', note: '`vrrp_script` `interval` takes fractions of a second (whole seconds before)' },
  trackProcess: { since: '2.0.11', note: '`vrrp_track_process` / `track_process`' },
  vrrpStartupDelay: { since: '2.2.0', note: '`vrrp_startup_delay`' },
  nopreemptClearedWithMaster: { since: '2.0.0', note: 'nopreempt with state MASTER is cleared (1.3.5 warns and keeps it)' },
  priorityImpliedByState: { since: '2.0.0', note: 'state MASTER without priority means 255 (address owner)' },
  defaultConfigUnderPrefix: { since: '2.2.8', note: 'a source build reads PREFIX/etc/keepalived/keepalived.conf by default (before: /etc/keepalived/keepalived.conf)' },
  makeInstallWritesSystemUnit: { since: '2.2.8', note: '`make install` writes keepalived.service into the system unit directory unless --with-systemdsystemunitdir' },
  faultEntersOnAdvertTick: { before: '2.0.0', note: 'a failed check puts the instance in FAULT only at its next advert tick, and a backup adds the VIP one advert interval after its transition' },
  libnl1HeaderBreak: { since: '2.1.0', before: '2.2.0', note: 'does not build against libnl 1 (`__u32` in netlink-kernel.h); header forcing does not link' },
  iffUpHeaderClash: { since: '2.1.0', before: '2.2.3', note: '`net/if.h: redeclaration of enumerator IFF_UP` with current kernel headers' },
  needsFcommon: { before: '2.0.0', note: 'multiple definitions (gcc >= 10 defaults to -fno-common): build with CFLAGS=-fcommon' },
  ipset7Break: { before: '2.0.0', note: 'ipset code does not build against ipset 7: configure --disable-libipset' },
} as const satisfies Record<string, Span>;

export type ReleaseFeature = keyof typeof RELEASE_FEATURES;

/** "2.2.7" has `feature`? An unknown release (null) has none of the version-bound features. */
export function releaseHas(version: string | null, feature: ReleaseFeature): boolean {
  if (version === null || parseVersion(version) === null) return false;
  const span: Span = RELEASE_FEATURES[feature];
  if (span.since && compareVersions(version, span.since) < 0) return false;
  if (span.before && compareVersions(version, span.before) >= 0) return false;
  return true;
}

/** The releases our users run, with who ships them; tests and docs iterate over these. */
export const KNOWN_RELEASES = [
  { version: '1.3.5', shippedBy: 'CentOS 7 / RHEL 7' },
  { version: '2.0.20', shippedBy: 'openEuler 20.03 LTS (Ubuntu 20.04 ships 2.0.19)' },
  { version: '2.1.5', shippedBy: 'Rocky / Alma / RHEL 8, Anolis 8, Debian 11' },
  { version: '2.2.7', shippedBy: 'Debian 12' },
  { version: '2.2.8', shippedBy: 'Rocky / Alma / RHEL 9, Ubuntu 24.04' },
  { version: '2.3.3', shippedBy: 'Debian 13' },
  { version: '2.3.4', shippedBy: 'Debian unstable, Ubuntu 26.04' },
  { version: '2.4.3', shippedBy: 'upstream' },
] as const;

/** `keepalived -t` exit code -> meaning, for this release. */
export function configTestExitCodes(version: string): { fatal: number; config: number; security: number } {
  return releaseHas(version, 'configTestExitCodes420') ? { fatal: 4, config: 5, security: 6 } : { fatal: 3, config: 4, security: 5 };
}
