/**
 * The one message catalogue. Every user-visible string lives in src/i18n/catalog/*.ts,
 * one module per area, each exporting `en` and a `zh` that must have the same keys.
 * Machine output (JSON keys, check ids, exit codes) never goes through here.
 */
import * as common from './catalog/common.js';
import * as detect from './catalog/detect.js';
import * as install from './catalog/install.js';
import * as setup from './catalog/setup.js';
import * as ssh from './catalog/ssh.js';
import * as lab from './catalog/lab.js';
import * as keepalived from './catalog/keepalived.js';
import * as ship from './catalog/ship.js';
import * as doctor from './catalog/doctor.js';
import * as doctorWire from './catalog/doctor-wire.js';
import * as pair from './catalog/pair.js';
import * as failover from './catalog/failover.js';
import * as notify from './catalog/notify.js';

const catalogs = [common, detect, setup, ssh, lab, install, keepalived, doctorWire, doctor, ship, failover, pair, notify] as const;

type Merge<T extends readonly { en: object }[]> = T extends readonly [infer H extends { en: object }, ...infer R extends { en: object }[]]
  ? H['en'] & Merge<R>
  : unknown;

const en = Object.assign({}, ...catalogs.map((c) => c.en)) as Merge<typeof catalogs> & object;
const zh = Object.assign({}, ...catalogs.map((c) => c.zh)) as Record<string, string>;

export type MessageKey = keyof typeof en;
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

let current: Lang = langFromEnv(process.env);

/** zh_CN.UTF-8, zh_TW, zh... in LC_ALL, then LC_MESSAGES, then LANG select Chinese. */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return value.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function setLang(lang: Lang): void {
  current = lang;
}

export function getLang(): Lang {
  return current;
}

export function t(key: MessageKey, params: Record<string, unknown> = {}): string {
  return tIn(current, key, params);
}

/** A message in `lang` whatever --lang says: for text that carries both languages (notifications). */
export function tIn(lang: Lang, key: MessageKey, params: Record<string, unknown> = {}): string {
  const table = lang === 'zh' ? zh : (en as Record<string, string>);
  const template = table[key] ?? (en as Record<string, string>)[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** For the catalogue test: every key of every language. */
export function catalogueKeys(): { en: string[]; zh: string[] } {
  return { en: Object.keys(en), zh: Object.keys(zh) };
}
export const catalogueModules = catalogs;
