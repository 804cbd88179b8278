/**
 * KeepalivedConfig -> keepalived.conf text. The layout of each section (its heading
 * comment and keyword) lives in templates/keepalived.conf*.tmpl; this module only
 * writes the statements of each body, in a fixed order, indented by four spaces per
 * level. Every value passes safeValue() first: a value that would change the file's
 * structure is refused with a UserError naming the field, never written.
 */
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { fillTemplate, loadTemplate } from '../templates.js';
import type {
  Authentication,
  GlobalDefs,
  KeepalivedConfig,
  ScriptUser,
  Statement,
  TrackEntry,
  VirtualIp,
  VrrpInstance,
  VrrpScript,
  VrrpSyncGroup,
  VrrpTrackProcess,
} from './model.js';

const INDENT = '    ';

/** Characters that end a value, start a comment or open/close a block in keepalived's reader. */
const BREAKING = /[{}"#!\r\n\0]/;

type ValueKind = 'word' | 'command';

/**
 * A value as it may appear in the file. A `word` has no blanks; a `command` (script,
 * notify) may, and is then written in double quotes.
 */
export function safeValue(field: string, value: string, kind: ValueKind = 'word'): string {
  if (value === '' || BREAKING.test(value) || (kind === 'word' && /\s/.test(value)) || (kind === 'command' && /[\t\f\v]/.test(value))) {
    throw new UserError({
      field,
      value,
      accepted: t(kind === 'word' ? 'keepalived.render.acceptedWord' : 'keepalived.render.acceptedCommand'),
      reason: t('keepalived.render.unsafe'),
    });
  }
  return kind === 'command' && /\s/.test(value) ? `"${value}"` : value;
}

function safeNumber(field: string, value: number): string {
  if (!Number.isFinite(value)) {
    throw new UserError({ field, value, accepted: t('keepalived.render.acceptedNumber') });
  }
  return String(value);
}

class Lines {
  readonly out: string[] = [];
  constructor(private readonly depth = 1) {}
  line(...words: string[]): void {
    this.out.push(INDENT.repeat(this.depth) + words.join(' '));
  }
  block(words: string[], fill: (inner: Lines) => void): void {
    this.out.push(INDENT.repeat(this.depth) + [...words, '{'].join(' '));
    const inner = new Lines(this.depth + 1);
    fill(inner);
    this.out.push(...inner.out);
    this.out.push(INDENT.repeat(this.depth) + '}');
  }
  text(): string {
    return this.out.map((l) => l + '\n').join('');
  }
}

function renderStatement(lines: Lines, s: Statement, field: string): void {
  const words = [safeValue(`${field}.keyword`, s.keyword), ...s.args.map((a, i) => safeValue(`${field}.${s.keyword}[${i}]`, a, 'command'))];
  if (s.block === null) lines.line(...words);
  else {
    const block = s.block;
    lines.block(words, (inner) => block.forEach((c, i) => renderStatement(inner, c, `${field}.${s.keyword}[${i}]`)));
  }
}

function str(lines: Lines, field: string, keyword: string, value: string | null, kind: ValueKind = 'word'): void {
  if (value !== null) lines.line(keyword, safeValue(`${field}.${keyword}`, value, kind));
}

function num(lines: Lines, field: string, keyword: string, value: number | null): void {
  if (value !== null) lines.line(keyword, safeNumber(`${field}.${keyword}`, value));
}

function flag(lines: Lines, keyword: string, on: boolean): void {
  if (on) lines.line(keyword);
}

function user(lines: Lines, field: string, keyword: string, u: ScriptUser | null): void {
  if (!u) return;
  const words = [keyword, safeValue(`${field}.${keyword}`, u.user)];
  if (u.group !== null) words.push(safeValue(`${field}.${keyword}.group`, u.group));
  lines.line(...words);
}

function weightWords(field: string, weight: number | null, reverse: boolean): string[] {
  if (weight === null) return [];
  return ['weight', safeNumber(`${field}.weight`, weight), ...(reverse ? ['reverse'] : [])];
}

function renderGlobalDefs(g: GlobalDefs): string {
  const f = 'global_defs';
  const l = new Lines();
  str(l, f, 'router_id', g.routerId);
  if (g.notificationEmail !== null) {
    const emails = g.notificationEmail;
    l.block(['notification_email'], (inner) => emails.forEach((e, i) => inner.line(safeValue(`${f}.notification_email[${i}]`, e))));
  }
  str(l, f, 'notification_email_from', g.notificationEmailFrom);
  str(l, f, 'smtp_server', g.smtpServer);
  num(l, f, 'smtp_connect_timeout', g.smtpConnectTimeout);
  user(l, f, 'script_user', g.scriptUser);
  flag(l, 'enable_script_security', g.enableScriptSecurity);
  g.vrrpGlobals.forEach((s, i) => renderStatement(l, s, `${f}.vrrp_globals[${i}]`));
  g.extra.forEach((s, i) => renderStatement(l, s, `${f}.extra[${i}]`));
  return fillTemplate(loadTemplate('keepalived.conf.global_defs.tmpl'), { body: l.text() });
}

function renderScript(s: VrrpScript): string {
  const f = `vrrp_script[${s.name}]`;
  const name = safeValue(`${f}.name`, s.name);
  const l = new Lines();
  str(l, f, 'script', s.script, 'command');
  num(l, f, 'interval', s.interval);
  num(l, f, 'timeout', s.timeout);
  if (s.weight !== null) l.line(...weightWords(f, s.weight, s.weightReverse));
  num(l, f, 'fall', s.fall);
  num(l, f, 'rise', s.rise);
  user(l, f, 'user', s.user);
  flag(l, 'init_fail', s.initFail);
  s.extra.forEach((x, i) => renderStatement(l, x, `${f}.extra[${i}]`));
  return fillTemplate(loadTemplate('keepalived.conf.vrrp_script.tmpl'), { name, body: l.text() });
}

function renderTrackProcess(p: VrrpTrackProcess): string {
  const f = `vrrp_track_process[${p.name}]`;
  const name = safeValue(`${f}.name`, p.name);
  const l = new Lines();
  str(l, f, 'process', p.process);
  num(l, f, 'weight', p.weight);
  num(l, f, 'quorum', p.quorum);
  num(l, f, 'delay', p.delay);
  p.extra.forEach((x, i) => renderStatement(l, x, `${f}.extra[${i}]`));
  return fillTemplate(loadTemplate('keepalived.conf.vrrp_track_process.tmpl'), { name, body: l.text() });
}

function renderSyncGroup(g: VrrpSyncGroup): string {
  const f = `vrrp_sync_group[${g.name}]`;
  const name = safeValue(`${f}.name`, g.name);
  const l = new Lines();
  l.block(['group'], (inner) => g.group.forEach((m, i) => inner.line(safeValue(`${f}.group[${i}]`, m))));
  str(l, f, 'notify', g.notify, 'command');
  str(l, f, 'notify_master', g.notifyMaster, 'command');
  str(l, f, 'notify_backup', g.notifyBackup, 'command');
  str(l, f, 'notify_fault', g.notifyFault, 'command');
  flag(l, 'smtp_alert', g.smtpAlert);
  g.extra.forEach((x, i) => renderStatement(l, x, `${f}.extra[${i}]`));
  return fillTemplate(loadTemplate('keepalived.conf.vrrp_sync_group.tmpl'), { name, body: l.text() });
}

function vipWords(field: string, v: VirtualIp): string[] {
  const words = [safeValue(field, v.address)];
  for (const key of ['dev', 'label', 'scope', 'brd'] as const) {
    const value = v[key];
    if (value !== null) words.push(key, safeValue(`${field}.${key}`, value));
  }
  v.options.forEach((o, i) => words.push(safeValue(`${field}.options[${i}]`, o)));
  return words;
}

function trackBlock(l: Lines, field: string, keyword: string, entries: TrackEntry[]): void {
  if (!entries.length) return;
  l.block([keyword], (inner) =>
    entries.forEach((e) => inner.line(safeValue(`${field}.${keyword}`, e.name), ...weightWords(`${field}.${keyword}[${e.name}]`, e.weight, e.reverse))),
  );
}

function renderAuthentication(l: Lines, field: string, a: Authentication): void {
  l.block(['authentication'], (inner) => {
    str(inner, field, 'auth_type', a.authType);
    str(inner, field, 'auth_pass', a.authPass);
    a.extra.forEach((x, i) => renderStatement(inner, x, `${field}.extra[${i}]`));
  });
}

function renderInstance(v: VrrpInstance): string {
  const f = `vrrp_instance[${v.name}]`;
  const name = safeValue(`${f}.name`, v.name);
  const l = new Lines();
  str(l, f, 'state', v.state);
  str(l, f, 'interface', v.interface);
  num(l, f, 'virtual_router_id', v.virtualRouterId);
  num(l, f, 'priority', v.priority);
  num(l, f, 'advert_int', v.advertInt);
  num(l, f, 'version', v.version);
  flag(l, 'nopreempt', v.nopreempt);
  num(l, f, 'preempt_delay', v.preemptDelay);
  str(l, f, 'mcast_src_ip', v.mcastSrcIp);
  str(l, f, 'unicast_src_ip', v.unicastSrcIp);
  if (v.unicastPeer.length) l.block(['unicast_peer'], (inner) => v.unicastPeer.forEach((p, i) => inner.line(safeValue(`${f}.unicast_peer[${i}]`, p))));
  if (v.authentication) renderAuthentication(l, `${f}.authentication`, v.authentication);
  if (v.virtualIpaddress.length) l.block(['virtual_ipaddress'], (inner) => v.virtualIpaddress.forEach((a, i) => inner.line(...vipWords(`${f}.virtual_ipaddress[${i}]`, a))));
  if (v.virtualIpaddressExcluded.length) {
    l.block(['virtual_ipaddress_excluded'], (inner) => v.virtualIpaddressExcluded.forEach((a, i) => inner.line(...vipWords(`${f}.virtual_ipaddress_excluded[${i}]`, a))));
  }
  trackBlock(l, f, 'track_interface', v.trackInterface);
  trackBlock(l, f, 'track_script', v.trackScript);
  trackBlock(l, f, 'track_process', v.trackProcess);
  str(l, f, 'notify', v.notify, 'command');
  str(l, f, 'notify_master', v.notifyMaster, 'command');
  str(l, f, 'notify_backup', v.notifyBackup, 'command');
  str(l, f, 'notify_fault', v.notifyFault, 'command');
  str(l, f, 'notify_stop', v.notifyStop, 'command');
  flag(l, 'smtp_alert', v.smtpAlert);
  v.garp.forEach((x, i) => renderStatement(l, x, `${f}.garp[${i}]`));
  v.extra.forEach((x, i) => renderStatement(l, x, `${f}.extra[${i}]`));
  return fillTemplate(loadTemplate('keepalived.conf.vrrp_instance.tmpl'), { name, body: l.text() });
}

function renderTopStatement(template: string, s: Statement, field: string): string {
  const l = new Lines(0);
  renderStatement(l, s, field);
  return fillTemplate(loadTemplate(template), { body: l.text().replace(/\n$/, '') });
}

/**
 * The whole file. Order: global_defs, vrrp_script, vrrp_track_process, vrrp_sync_group,
 * vrrp_instance, virtual_server, other statements; within a section, the model's order.
 */
export function renderConfig(config: KeepalivedConfig): string {
  const sections: string[] = [];
  if (config.globalDefs) sections.push(renderGlobalDefs(config.globalDefs));
  sections.push(...config.vrrpScripts.map(renderScript));
  sections.push(...config.vrrpTrackProcesses.map(renderTrackProcess));
  sections.push(...config.vrrpSyncGroups.map(renderSyncGroup));
  sections.push(...config.vrrpInstances.map(renderInstance));
  sections.push(...config.virtualServers.map((s, i) => renderTopStatement('keepalived.conf.virtual_server.tmpl', s, `virtual_server[${i}]`)));
  sections.push(...config.other.map((s, i) => renderTopStatement('keepalived.conf.other.tmpl', s, `other[${i}]`)));
  return fillTemplate(loadTemplate('keepalived.conf.tmpl'), { sections: sections.join('\n').replace(/\n+$/, '') });
}
