/**
 * The notify script and its secrets file, as setup writes them: one script for every VRRP
 * instance of the config, hooked in the way the node's release allows (releases.ts
 * vrrpNotifyFifo: keepalived's fifo, whose one reader sees every change in order; before,
 * keepalived's `notify` per instance). It runs as root (`... root` on the keepalived line)
 * because the secrets file is root's alone: the health check's unprivileged user
 * (keepalived_script) never reads the channels' tokens.
 */
import { DEFAULTS } from '../defaults.js';
import type { KeepalivedConfig, Statement } from '../keepalived/model.js';
import { releaseHas } from '../keepalived/releases.js';
import { fillTemplate, loadTemplate } from '../templates.js';
import { messageFunctions } from './message.js';
import { URL_CHANNELS, type NotifyAnswers } from './channels.js';

export interface NotifyPaths {
  /** Each as the node's keepalived names it (Host.runtimePath). */
  script: string;
  secrets: string;
  fifo: string;
  stateDir: string;
}

const line = (keyword: string, ...args: string[]): Statement => ({ keyword, args, block: null });

/** How keepalived calls the script on this release: the fifo's reader, or once per change. */
export function notifyHook(version: string | null): 'fifo' | 'notify' {
  return releaseHas(version, 'vrrpNotifyFifo') ? 'fifo' : 'notify';
}

/**
 * Hook the notify script into `config`: every vrrp_instance (VI_1, and VI_2 where there is
 * one) reports to it. With the fifo one global pair of lines covers them all; with `notify`
 * each instance gets its own line.
 */
export function addNotifyHook(config: KeepalivedConfig, paths: NotifyPaths, version: string | null): void {
  if (notifyHook(version) === 'fifo') {
    config.globalDefs!.extra.push(line('vrrp_notify_fifo', paths.fifo), line('vrrp_notify_fifo_script', paths.script, 'root'));
    return;
  }
  for (const vi of config.vrrpInstances) vi.extra.push(line('notify', paths.script, 'root'));
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The script for this node: its name, its instances' VIPs, the catalogue's words in both languages. */
export function renderNotifyScript(config: KeepalivedConfig, node: string, paths: NotifyPaths, version: string | null): string {
  const vipCases = config.vrrpInstances
    .map((vi) => `        ${shQuote(vi.name)}) printf '%s' ${shQuote(vi.virtualIpaddress.map((v) => v.address).join(' ') || '-')} ;;`)
    .join('\n');
  const howCalled =
    notifyHook(version) === 'fifo'
      ? `as the reader of its fifo ${paths.fifo} (vrrp_notify_fifo_script), for every vrrp_instance.`
      : 'as the `notify` script of every vrrp_instance (TYPE NAME STATE PRIORITY).';
  return fillTemplate(loadTemplate('ha-notify.sh'), {
    howCalled,
    secretsFile: paths.secrets,
    stateDir: paths.stateDir,
    node,
    timeout: DEFAULTS.notify.timeoutSeconds,
    perMinute: DEFAULTS.notify.perMinute,
    vipCases,
    firstInstance: config.vrrpInstances[0]?.name ?? DEFAULTS.instanceName,
    messageFunctions: messageFunctions(),
  });
}

/** The secrets file: key=value lines the script reads without running them (validated: no newline, quote or space). */
export function renderNotifySecrets(notify: NotifyAnswers | null, email: string | null, routerId: string): string {
  const lines = ['# Written by ha-setup: the notification channels of this node, read by ha-notify.sh.', '# Root only (0600): the URLs carry their tokens. Never in keepalived.conf.'];
  const set = (key: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') lines.push(`${key}=${value}`);
  };
  if (!notify) return lines.join('\n') + '\n';
  for (const c of URL_CHANNELS) {
    set(c.id, notify[c.id]);
    if (c.secret) set(`${c.id}_secret`, notify[c.secret]);
  }
  if (notify.smtp && email) {
    set('smtp_url', smtpUrl(notify.smtp));
    set('smtp_starttls', notify.smtp.starttls ? '1' : null);
    set('smtp_user', notify.smtp.user);
    set('smtp_password', notify.smtp.password);
    set('mail_to', email);
    set('mail_from', `keepalived@${routerId}`);
  }
  return lines.join('\n') + '\n';
}

/** curl's URL of an SMTP server; STARTTLS is curl's --ssl-reqd on smtp://. */
export function smtpUrl(smtp: { host: string; port: number }): string {
  return `smtp://${smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host}:${smtp.port}`;
}
