/**
 * The one source of truth for every default the wizard proposes, the renderer writes,
 * doctor expects and the README documents. Change a number here and everything follows.
 */
export const DEFAULTS = {
  /** Priorities: far enough apart to read at a glance, both below 255 (address owner). */
  priority: { master: 150, backup: 100 },
  /** Seconds between adverts; VRRPv2 needs whole seconds. */
  advertInt: 1,
  instanceName: 'VI_1',
  /** active-active: the instance the other node is MASTER of. */
  secondInstanceName: 'VI_2',
  scriptName: 'chk_nginx',
  /**
   * The nginx check, every second on every release: fractions of a second only from 2.3.2
   * (releases.ts fractionalScriptInterval), and a failing run takes up to its timeout anyway.
   * fall 1 + weight 0: the first failed check puts the instance in FAULT, which sends a
   * priority-0 advert, so the backup takes over after its skew time (~0.6 s) instead of
   * waiting for a full master-down timeout. The script itself retries once before
   * failing, which absorbs a single slow answer. rise 2 keeps a flapping nginx from
   * pulling the VIP back too early.
   */
  check: { interval: 1, timeout: 2, fall: 1, rise: 2, weight: 0, url: 'http://127.0.0.1/', retryDelayMs: 200 },
  /** Periodic gratuitous ARP while MASTER so clients heal quickly after a split brain. */
  garpMasterRefresh: 10,
  paths: {
    config: '/etc/keepalived/keepalived.conf',
    checkScript: '/etc/keepalived/check_nginx.sh',
    maintenanceFlag: '/etc/keepalived/maintenance',
    answers: '/etc/keepalived/ha-setup.answers.json',
    systemdDropIn: '/etc/systemd/system/keepalived.service.d/ha-setup.conf',
    sysctl: '/etc/sysctl.d/90-ha-setup-nonlocal-bind.conf',
    logDir: '/var/log/ha-setup',
  },
  /** Generated VRRP passwords: keepalived uses 8 characters at most. */
  passwordLength: 8,
  scriptUser: 'keepalived_script',
} as const;

export const MODES = {
  config: 0o600,
  script: 0o755,
  answers: 0o600,
  dropIn: 0o644,
  sysctl: 0o644,
} as const;
