import type { Check } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import type { Host, FileStat } from '../src/host/types.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result } from '../src/doctor/result.js';
import type { PlanStep } from '../src/setup/plan.js';
import { commandLine, daemonView } from '../src/doctor/paths.js';
import type { KeepalivedConfig, VrrpScript } from '../src/keepalived/model.js';
import { DEFAULTS } from '../src/defaults.js';
import { drainFlagIn } from './maintenance.js';

export type PathProblemKind = 'missing' | 'not-file' | 'not-executable' | 'not-root-owned' | 'writable' | 'dir-not-root-owned' | 'dir-writable';

export interface PathProblem {
  kind: PathProblemKind;
  path: string;
  mode: number | null;
  uid: number | null;
}

const octal = (mode: number | null) => (mode === null ? '-' : mode.toString(8).padStart(4, '0'));

/** Every directory above `path`, nearest first: /etc/keepalived, /etc, /. */
export function parentDirs(path: string): string[] {
  const out: string[] = [];
  let dir = path.replace(/\/+$/, '');
  while (dir.includes('/')) {
    dir = dir.slice(0, dir.lastIndexOf('/'));
    out.push(dir === '' ? '/' : dir);
    if (dir === '') break;
  }
  return out;
}

/**
 * What keepalived's check_security() and enable_script_security object to, plus what
 * stops the script from running at all. The file itself must not be writable by group or
 * others at all; a directory may be group-writable only by root's group, and
 * world-writable only with the sticky bit (/tmp).
 */
export async function scriptPathProblems(fs: Pick<Host, 'stat'>, program: string): Promise<PathProblem[]> {
  const st = await fs.stat(program);
  if (!st) return [{ kind: 'missing', path: program, mode: null, uid: null }];
  const out: PathProblem[] = [];
  const p = (kind: PathProblemKind, path: string, s: FileStat) => out.push({ kind, path, mode: s.mode, uid: s.uid });
  if (!st.isFile) p('not-file', program, st);
  else if ((st.mode & 0o111) === 0) p('not-executable', program, st);
  if (st.uid !== 0) p('not-root-owned', program, st);
  if (st.mode & 0o022) p('writable', program, st);
  for (const dir of parentDirs(program)) {
    const d = await fs.stat(dir);
    if (!d) continue;
    if (d.uid !== 0) p('dir-not-root-owned', dir, d);
    const sticky = (d.mode & 0o1000) !== 0;
    if (!sticky && ((d.mode & 0o002) !== 0 || ((d.mode & 0o020) !== 0 && d.gid !== 0))) p('dir-writable', dir, d);
  }
  return out;
}

/** keepalived splits the script line on spaces; quotes around the whole line are the parser's. */
export function scriptArgv(script: string): string[] {
  return script.trim().replace(/^"(.*)"$/, '$1').split(/\s+/).filter(Boolean);
}

export type ScriptUserSource = 'script' | 'global' | 'default';

export interface ResolvedScriptUser {
  /** null: keepalived finds no user and drops the script (enable_script_security without keepalived_script). */
  user: string | null;
  group: string | null;
  source: ScriptUserSource;
}

/** The user keepalived runs a vrrp_script as (reference §6). */
export function scriptUserFor(config: KeepalivedConfig, script: VrrpScript, keepalivedScriptExists: boolean): ResolvedScriptUser {
  if (script.user) return { user: script.user.user, group: script.user.group, source: 'script' };
  const global = config.globalDefs?.scriptUser;
  if (global) return { user: global.user, group: global.group, source: 'global' };
  if (keepalivedScriptExists) return { user: DEFAULTS.scriptUser, group: null, source: 'default' };
  if (config.globalDefs?.enableScriptSecurity) return { user: null, group: null, source: 'default' };
  return { user: 'root', group: null, source: 'default' };
}

/** argv that runs `argv` as `user` (runuser from util-linux; setpriv where runuser is missing). */
export function asUserArgv(user: string, group: string | null, argv: string[], tool: 'runuser' | 'setpriv' = 'runuser'): string[] {
  if (tool === 'setpriv') return ['setpriv', `--reuid=${user}`, `--regid=${group ?? user}`, '--init-groups', '--', ...argv];
  return ['runuser', '-u', user, ...(group ? ['-g', group] : []), '--', ...argv];
}

/** Exit codes and words that mean "could not run it", not "nginx is down". */
export function cannotRun(exitCode: number, stderr: string): boolean {
  return exitCode === 126 || exitCode === 127 || /permission denied|not found|failed to execute|cannot open|no such file/i.test(stderr);
}

/** Log lines since the daemon last (re)loaded its config that show it dropped a script. */
export function droppedScriptLines(lines: string[]): string[] {
  let start = 0;
  lines.forEach((l, i) => {
    if (/Starting Keepalived v|Reloading/.test(l)) start = i;
  });
  return lines.slice(start).filter((l) => /Disabling track script|Unsafe permissions found for script|not executable for uid|Unable to set default user for vrrp script|track script \S+ not found, ignoring|Cannot find script/.test(l));
}

async function userExists(ctx: DoctorContext, user: string): Promise<boolean> {
  const r = await ctx.host.exec('id', ['-u', user], { why: `does user ${user} exist`, timeoutMs: 5000 });
  return r.exitCode === 0;
}

interface ScriptRun {
  exitCode: number;
  stderr: string;
  timedOut: boolean;
}

async function runScript(ctx: DoctorContext, argv: string[], timeoutMs: number, user: string | null, group: string | null): Promise<ScriptRun & { argv: string[] }> {
  let full = user && user !== 'root' ? asUserArgv(user, group, argv) : argv;
  let r = await ctx.host.exec(full[0]!, full.slice(1), { why: 'what the check script says right now', timeoutMs });
  if (r.notFound && full[0] === 'runuser' && user) {
    full = asUserArgv(user, group, argv, 'setpriv');
    r = await ctx.host.exec(full[0]!, full.slice(1), { why: 'what the check script says right now', timeoutMs });
  }
  return { argv: full, exitCode: r.notFound ? 127 : r.exitCode, stderr: r.stderr.trim(), timedOut: r.timedOut };
}

export const checkScript: Check = {
  id: 'check-script',
  critical: true,
  perInstance: true,
  title: () => t('doctor.checkScript.title'),
  applies: async (ctx) => (await ctx.instance()) !== null || t('doctor.common.noInstance'),
  async run(ctx) {
    const loaded = (await ctx.config())!;
    const inst = (await ctx.instance())!;
    const config = loaded.parsed.config;
    const fs = daemonView(ctx.host);
    const sh = ctx.shell;
    const tracked = inst.trackScript.map((e) => e.name);
    const used = config.vrrpScripts.filter((s) => tracked.includes(s.name));
    const unused = config.vrrpScripts.filter((s) => !config.vrrpInstances.some((i) => i.trackScript.some((e) => e.name === s.name)));
    const details: string[] = [];
    const failures: string[] = [];
    const fixCommands: string[] = [];
    const explain: string[] = [];

    for (const s of unused) details.push(t('doctor.checkScript.unused', { name: s.name }));
    for (const name of tracked.filter((n) => !config.vrrpScripts.some((s) => s.name === n))) failures.push(t('doctor.checkScript.undefined', { name }));
    if (used.length === 0 && tracked.length === 0) {
      return result('fail', t('doctor.checkScript.none', { name: inst.name }), details, {
        explain: t('doctor.checkScript.none.fix'),
        commands: [ctx.shell.haSetup(['setup'])],
      });
    }

    const keepalivedScriptExists = await userExists(ctx, DEFAULTS.scriptUser);
    for (const s of used) {
      if (!s.script) {
        failures.push(t('doctor.checkScript.noScriptLine', { name: s.name }));
        continue;
      }
      const argv = scriptArgv(s.script);
      const program = argv[0]!;
      if (!program.startsWith('/')) {
        failures.push(t('doctor.checkScript.relative', { name: s.name, program }));
        continue;
      }
      const problems = await scriptPathProblems(fs, program);
      for (const p of problems) failures.push(t(`doctor.checkScript.path.${p.kind}`, { path: p.path, mode: octal(p.mode), uid: p.uid ?? '-' }));
      if (problems.some((p) => p.kind !== 'missing' && !p.kind.startsWith('dir-'))) {
        fixCommands.push(sh.run(['chown', 'root:root', sh.path(program)]), sh.run(['chmod', '0755', sh.path(program)]));
        explain.push(t('doctor.checkScript.fixFile', { path: program }));
      }
      for (const p of problems.filter((x) => x.kind.startsWith('dir-'))) {
        fixCommands.push(sh.run(['chown', 'root:root', sh.path(p.path)]), sh.run(['chmod', 'go-w', sh.path(p.path)]));
        explain.push(t('doctor.checkScript.fixDir', { path: p.path }));
      }
      if (problems.some((p) => p.kind === 'missing')) {
        explain.push(t('doctor.checkScript.fixMissing', { path: program }));
        fixCommands.push(sh.haSetup(['setup']));
        continue;
      }
      const st = await fs.stat(program);
      details.push(t('doctor.checkScript.file', { name: s.name, path: program, mode: octal(st?.mode ?? null), uid: st?.uid ?? '-', gid: st?.gid ?? '-' }));

      const timeoutMs = ((s.timeout ?? s.interval ?? 5) + 1) * 1000;
      const who = scriptUserFor(config, s, keepalivedScriptExists);
      if (who.user === null) {
        failures.push(t('doctor.checkScript.noUser', { name: s.name, user: DEFAULTS.scriptUser }));
        explain.push(t('doctor.checkScript.noUser.fix', { user: DEFAULTS.scriptUser }));
        fixCommands.push(sh.shared(['useradd', '--system', '--no-create-home', '--shell', '/sbin/nologin', '--user-group', DEFAULTS.scriptUser]));
        continue;
      }
      if (who.user !== 'root' && !(await userExists(ctx, who.user))) {
        failures.push(t('doctor.checkScript.userMissing', { name: s.name, user: who.user }));
        fixCommands.push(sh.shared(['useradd', '--system', '--no-create-home', '--shell', '/sbin/nologin', '--user-group', who.user]));
        continue;
      }
      const asRoot = await runScript(ctx, argv, timeoutMs, null, null);
      details.push(t('doctor.checkScript.ranRoot', { command: commandLine(argv), code: asRoot.timedOut ? t('doctor.checkScript.timeout') : asRoot.exitCode }));
      let effective = asRoot;
      if (who.user !== 'root') {
        const asUser = await runScript(ctx, argv, timeoutMs, who.user, who.group);
        details.push(t('doctor.checkScript.ranUser', { user: who.user, command: commandLine(asUser.argv), code: asUser.timedOut ? t('doctor.checkScript.timeout') : asUser.exitCode }));
        if (asUser.stderr) details.push(`  ${asUser.stderr.split('\n')[0]}`);
        if (asUser.exitCode !== 0 && cannotRun(asUser.exitCode, asUser.stderr)) {
          failures.push(t('doctor.checkScript.userCannotRun', { name: s.name, user: who.user, code: asUser.exitCode }));
          explain.push(t('doctor.checkScript.userCannotRun.fix', { user: who.user, path: program }));
        }
        effective = asUser;
      }
      if (effective.timedOut) failures.push(t('doctor.checkScript.timedOut', { name: s.name, seconds: timeoutMs / 1000 }));
      else if (effective.exitCode !== 0 && !cannotRun(effective.exitCode, effective.stderr)) {
        // ha-setup's own maintenance flag makes the script fail on purpose: nginx is not the cause.
        const flag = await drainFlagIn(ctx, await fs.readFile(program).catch(() => null));
        if (flag) {
          failures.push(t('doctor.checkScript.drained', { name: s.name, code: effective.exitCode, flag }));
          explain.push(t('doctor.checkScript.drained.fix'));
        } else {
          failures.push(t('doctor.checkScript.failingNow', { name: s.name, code: effective.exitCode }));
          explain.push(t('doctor.checkScript.failingNow.fix'));
        }
      }
    }

    const dropped = droppedScriptLines((await ctx.logs()).lines);
    if (dropped.length) {
      failures.push(t('doctor.checkScript.dropped'));
      details.push(...dropped.slice(-4).map((l) => `  ${l}`));
      explain.push(t('doctor.checkScript.dropped.fix'));
      fixCommands.push(...restartCommands(ctx.services, 'keepalived'));
    }

    if (failures.length) {
      return result('fail', failures[0]!, [...failures.slice(1), ...details], {
        explain: [...new Set(explain)].join(' ') || t('doctor.checkScript.fixGeneric'),
        commands: [...new Set(fixCommands)],
      });
    }
    return result('ok', t('doctor.checkScript.ok', { names: used.map((s) => s.name).join(', ') }), details);
  },
  async fixSteps(ctx) {
    const loaded = await ctx.config();
    const inst = await ctx.instance();
    if (!loaded || !inst) return [];
    const fs = daemonView(ctx.host);
    const steps: PlanStep[] = [];
    for (const s of loaded.parsed.config.vrrpScripts.filter((x) => inst.trackScript.some((e) => e.name === x.name))) {
      if (!s.script) continue;
      const program = scriptArgv(s.script)[0]!;
      const problems = await scriptPathProblems(fs, program);
      if (!problems.some((p) => p.kind !== 'missing' && !p.kind.startsWith('dir-'))) continue;
      const path = ctx.shell.path(program);
      steps.push({ kind: 'exec', argv: ['chown', 'root:root', path], why: 'the check script must belong to root' });
      steps.push({ kind: 'exec', argv: ['chmod', '0755', path], why: 'only root may change the check script; everyone may run it' });
    }
    // keepalived checks a script only when it loads its config: one it dropped stays dropped until then.
    if (droppedScriptLines((await ctx.logs()).lines).length) steps.push({ kind: 'service', op: 'restart', name: 'keepalived', why: 'make keepalived check its scripts again' });
    return steps;
  },
};
