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
    /** The one notify script keepalived runs for every VRRP instance (src/notify/script.ts). */
    notifyScript: '/etc/keepalived/ha-notify.sh',
    /** The channels' URLs, robot secrets, SMTP login: read by the notify script, never in keepalived.conf. */
    notifySecrets: '/etc/keepalived/ha-notify.secrets',
    /** The fifo keepalived writes state changes to, where the release has vrrp_notify_fifo. */
    notifyFifo: '/run/ha-setup-notify.fifo',
    /** The notify script's last state per instance, its rate-limit counts and ordering marks. */
    notifyState: '/run/ha-setup-notify',
  },
  /** Generated VRRP passwords: keepalived uses 8 characters at most. */
  passwordLength: 8,
  scriptUser: 'keepalived_script',
  /**
   * Notifications: each delivery is cut off after `timeoutSeconds` (a channel that hangs
   * never holds the next event back for longer); at most `perMinute` messages per instance
   * and minute (a flapping check must not flood a chat group); `smtpPort` when
   * --smtp-server names none (submission with STARTTLS is 587; plain relays 25).
   */
  notify: { timeoutSeconds: 10, perMinute: 10, smtpPort: 25, probeTimeoutSeconds: 5 },
} as const;

export const MODES = {
  config: 0o600,
  script: 0o755,
  answers: 0o600,
  dropIn: 0o644,
  sysctl: 0o644,
  /** Robot secrets, webhook tokens, the SMTP password: root only. */
  notifySecrets: 0o600,
} as const;
