/**
 * The notification channels: which there are, the flag and answers-file key of each, and
 * the validation of what a user gives for them. Everything here is checked before any
 * change; the channels' URLs (their tokens), robot secrets and the SMTP login end up only
 * in the 0600 secrets file the notify script reads (src/notify/script.ts).
 */
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { DEFAULTS } from '../defaults.js';

/** The robots and the generic webhook: each a URL, some with a signing secret. */
export const URL_CHANNELS = [
  { id: 'webhook', flag: '--notify-webhook', secretFlag: null, secret: null },
  { id: 'dingtalk', flag: '--notify-dingtalk', secretFlag: '--notify-dingtalk-secret', secret: 'dingtalkSecret' },
  { id: 'wecom', flag: '--notify-wecom', secretFlag: null, secret: null },
  { id: 'feishu', flag: '--notify-feishu', secretFlag: '--notify-feishu-secret', secret: 'feishuSecret' },
] as const;

export type UrlChannelId = (typeof URL_CHANNELS)[number]['id'];
/** Every channel a message can go through, in the order the notify script sends and `notify test` reports. */
export type ChannelId = UrlChannelId | 'email';
export const CHANNEL_IDS: readonly ChannelId[] = [...URL_CHANNELS.map((c) => c.id), 'email'];

export interface SmtpAnswers {
  host: string;
  port: number;
  /** Require STARTTLS (curl --ssl-reqd); the login is sent only over TLS then. */
  starttls: boolean;
  user: string | null;
  password: string | null;
}

/**
 * The notify part of the answers (Answers.notify; the answers file's `notify` key holds the
 * same object). null: no notify script. The e-mail recipient stays Answers.email.
 */
export interface NotifyAnswers {
  webhook: string | null;
  dingtalk: string | null;
  dingtalkSecret: string | null;
  wecom: string | null;
  feishu: string | null;
  feishuSecret: string | null;
  /** The SMTP server mail goes through (to Answers.email); null: no mail from the notify script. */
  smtp: SmtpAnswers | null;
  /** Accept http:// channel URLs (a receiver inside a trusted network). */
  allowHttp: boolean;
}

export const NOTIFY_FLAGS = {
  smtpServer: '--smtp-server',
  smtpStarttls: '--smtp-starttls',
  smtpUser: '--smtp-user',
  smtpPassword: '--smtp-password-file',
  allowHttp: '--allow-http',
} as const;

// What would break the secrets file (one key=value per line) or curl's config quoting.
const UNSAFE_VALUE = /[\s"\\\u0000-\u001f\u007f]/;

/**
 * A URL as an error or --json may show it: scheme, host and port only. The tokens are in
 * the query (DingTalk, WeCom) or the path (Feishu's hook/TOKEN).
 */
export function shownUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/i.exec(url);
  return m ? `${m[1]}${m[2] ? '/…' : ''}` : '…';
}

export function validateChannelUrl(flag: string, value: unknown, allowHttp: boolean): string {
  const v = String(value ?? '').trim();
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    u = null;
  }
  const accepted = allowHttp ? t('notify.accepted.urlHttp') : t('notify.accepted.url');
  if (!u || UNSAFE_VALUE.test(v) || (u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname) {
    throw new UserError({ field: flag, value: shownUrl(v), accepted });
  }
  if (u.protocol === 'http:' && !allowHttp) {
    throw new UserError({ field: flag, value: shownUrl(v), accepted, reason: t('notify.reason.plainHttp') });
  }
  return v;
}

function validateSecret(flag: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const v = String(value);
  if (UNSAFE_VALUE.test(v) || v.length > 512) throw new UserError({ field: flag, value: v, secret: true, accepted: t('notify.accepted.secret') });
  return v;
}

/** `host`, `host:port` or `[v6]:port`. */
export function validateSmtpServer(value: unknown): { host: string; port: number } {
  const v = String(value ?? '').trim();
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9][A-Za-z0-9.-]*))(?::(\d{1,5}))?$/.exec(v);
  const port = m?.[3] === undefined ? DEFAULTS.notify.smtpPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw new UserError({ field: NOTIFY_FLAGS.smtpServer, value: v, accepted: t('notify.accepted.smtpServer') });
  return { host: m[1] ?? m[2]!, port };
}

const text = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
const bool = (field: string, v: unknown) => {
  if (v === undefined || v === null || v === false || v === 'false' || v === '') return false;
  if (v === true || v === 'true') return true;
  throw new UserError({ field, value: v, accepted: 'true, false' });
};

/**
 * The raw notify answers (flags, answers file, wizard) -> NotifyAnswers, or null when no
 * channel is named. `email` is the validated recipient: mail needs both it and a server.
 */
export function validateNotify(raw: unknown, email: string | null): NotifyAnswers | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UserError({ field: 'notify', value: JSON.stringify(raw), accepted: t('notify.accepted.object') });
  const r = raw as Record<string, unknown>;
  const known = ['webhook', 'dingtalk', 'dingtalkSecret', 'wecom', 'feishu', 'feishuSecret', 'smtp', 'allowHttp'];
  const unknown = Object.keys(r).filter((k) => !known.includes(k));
  if (unknown.length) throw new UserError({ field: 'notify', value: unknown.join(', '), accepted: known.join(', ') });
  const allowHttp = bool(NOTIFY_FLAGS.allowHttp, r.allowHttp);
  const url = (flag: string, v: unknown) => (text(v) === null ? null : validateChannelUrl(flag, v, allowHttp));
  const out: NotifyAnswers = {
    webhook: url('--notify-webhook', r.webhook),
    dingtalk: url('--notify-dingtalk', r.dingtalk),
    dingtalkSecret: validateSecret('--notify-dingtalk-secret', r.dingtalkSecret),
    wecom: url('--notify-wecom', r.wecom),
    feishu: url('--notify-feishu', r.feishu),
    feishuSecret: validateSecret('--notify-feishu-secret', r.feishuSecret),
    smtp: validateSmtp(r.smtp),
    allowHttp,
  };
  for (const c of URL_CHANNELS) {
    if (c.secretFlag && out[`${c.id}Secret` as 'dingtalkSecret'] !== null && out[c.id] === null) {
      throw new UserError({ field: c.secretFlag, value: '', secret: true, accepted: t('notify.accepted.secretNeedsUrl', { flag: c.flag }) });
    }
  }
  if (out.smtp && email === null) throw new UserError({ field: '--email', value: undefined, accepted: t('setup.accepted.email'), reason: t('notify.reason.smtpNeedsEmail') });
  const any = URL_CHANNELS.some((c) => out[c.id] !== null) || out.smtp !== null;
  return any ? out : null;
}

function validateSmtp(raw: unknown): SmtpAnswers | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UserError({ field: NOTIFY_FLAGS.smtpServer, value: JSON.stringify(raw), accepted: t('notify.accepted.smtpServer') });
  const r = raw as Record<string, unknown>;
  const { host, port } = validateSmtpServer(r.port === undefined ? r.host : `${String(r.host).includes(':') ? `[${String(r.host)}]` : String(r.host)}:${String(r.port)}`);
  const user = text(r.user);
  if (user !== null && (UNSAFE_VALUE.test(user) || user.includes(':'))) throw new UserError({ field: NOTIFY_FLAGS.smtpUser, value: user, accepted: t('notify.accepted.smtpUser') });
  const password = text(r.password);
  if (password !== null && /[\r\n\u0000]/.test(password)) throw new UserError({ field: NOTIFY_FLAGS.smtpPassword, value: password, secret: true, accepted: t('notify.accepted.smtpPassword') });
  if (password !== null && user === null) throw new UserError({ field: NOTIFY_FLAGS.smtpUser, value: undefined, accepted: t('notify.accepted.smtpUser'), reason: t('notify.reason.passwordNeedsUser') });
  return { host, port, starttls: bool(NOTIFY_FLAGS.smtpStarttls, r.starttls), user, password };
}

/** The secret values of the notify answers: never shown, never in an audit log. */
export function notifySecrets(n: NotifyAnswers | null): string[] {
  if (!n) return [];
  return [n.webhook, n.dingtalk, n.dingtalkSecret, n.wecom, n.feishu, n.feishuSecret, n.smtp?.password ?? null].filter((v): v is string => v !== null);
}

/** The notify answers as --json shows them: the channels named, every secret masked. */
export function maskedNotify(n: NotifyAnswers | null): Record<string, unknown> | null {
  if (!n) return null;
  const mask = (v: string | null) => (v === null ? null : shownUrl(v));
  return {
    webhook: mask(n.webhook),
    dingtalk: mask(n.dingtalk),
    dingtalkSecret: n.dingtalkSecret === null ? null : '********',
    wecom: mask(n.wecom),
    feishu: mask(n.feishu),
    feishuSecret: n.feishuSecret === null ? null : '********',
    smtp: n.smtp ? { ...n.smtp, password: n.smtp.password === null ? null : '********' } : null,
    allowHttp: n.allowHttp,
  };
}

/** The channels these answers send through, in the script's order. */
export function configuredChannels(n: NotifyAnswers | null): ChannelId[] {
  if (!n) return [];
  return CHANNEL_IDS.filter((c) => (c === 'email' ? n.smtp !== null : n[c] !== null));
}

/**
 * The flags that give another node the same channels (the peer command). The SMTP password
 * is not printed: the peer reads it from its own --smtp-password-file.
 */
export function notifyFlags(n: NotifyAnswers | null): string[] {
  if (!n) return [];
  const out: string[] = [];
  const add = (flag: string, v: string | null) => {
    if (v !== null) out.push(flag, v);
  };
  for (const c of URL_CHANNELS) {
    add(c.flag, n[c.id]);
    if (c.secretFlag && c.secret) add(c.secretFlag, n[c.secret]);
  }
  if (n.smtp) {
    out.push(NOTIFY_FLAGS.smtpServer, `${n.smtp.host.includes(':') ? `[${n.smtp.host}]` : n.smtp.host}:${n.smtp.port}`);
    if (n.smtp.starttls) out.push(NOTIFY_FLAGS.smtpStarttls);
    add(NOTIFY_FLAGS.smtpUser, n.smtp.user);
    if (n.smtp.password !== null) out.push(NOTIFY_FLAGS.smtpPassword, 'FILE');
  }
  if (n.allowHttp) out.push(NOTIFY_FLAGS.allowHttp);
  return out;
}

/** Which robot a URL belongs to, by its host; any other host is a generic JSON webhook. */
export function channelOfUrl(url: string): UrlChannelId {
  let host = '';
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'webhook';
  }
  if (host === 'oapi.dingtalk.com') return 'dingtalk';
  if (host === 'qyapi.weixin.qq.com') return 'wecom';
  if (host === 'open.feishu.cn' || host === 'open.larksuite.com') return 'feishu';
  return 'webhook';
}

/** The raw notify answer for one URL (the wizard's question); empty: none. */
export function notifyFromUrl(url: string): Record<string, unknown> | undefined {
  const v = url.trim();
  return v === '' ? undefined : { [channelOfUrl(v)]: v };
}

/**
 * The raw answers with the notify part given (flags, answers file) laid over the channels
 * the node is configured with, key by key: `--notify-wecom URL` on a node that has DingTalk
 * keeps DingTalk; an empty value (`--notify-dingtalk ''`, `--smtp-server ''`) removes one.
 * Without a given notify part the configured one is carried over as every other answer is.
 */
export function withConfiguredChannels<R extends { notify?: unknown }>(raw: R, configured: NotifyAnswers | null | undefined): R {
  const given = raw.notify;
  if (!configured || given === undefined || given === null || typeof given !== 'object' || Array.isArray(given)) return raw;
  return { ...raw, notify: { ...configured, ...(given as Record<string, unknown>) } };
}
