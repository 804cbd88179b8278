/**
 * `keepalived -t [-e] -f FILE`, keepalived's own opinion of a file, turned into findings,
 * with only the options the release has (releases.ts):
 *
 * - `-e` (2.2.0+) because without it a missing file exits 0; 2.0.x/2.1.x have no `-e`
 *   ("Unknown option -e"), so there we check that the file exists ourselves.
 * - Exit codes moved by one in 2.2.0 (2.0.7-2.1.5: 3 fatal / 4 config / 5 security;
 *   2.2.0+: 4 / 5 / 6); `-t` does not exist before 2.0.4 (1.3.5: see checkConfigFile).
 * - 2.2.5-2.2.7 kill themselves under `-t` (exit 143, "Terminated") when a script runs
 *   as a non-root user: that result says nothing about the file.
 * - A `-t` that dies of a signal (2.1.5: SIGSEGV on a block that is never closed) is a
 *   crash, never a pass.
 * - A script that does not exist on this machine makes `-t` exit 5 ("Disabling track
 *   script X since not found/accessible"); for a file written under --root the script
 *   exists under the root, so that is reported as such, not as a config error.
 */
import type { Host } from '../host/types.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { KeepalivedConfig } from './model.js';
import { parseConfig } from './parse.js';
import { scriptProgram, type Finding } from './validate.js';
import { constants as osConstants } from 'node:os';
import { configTestExitCodes, releaseHas } from './releases.js';
import { parseKeepalivedVersion } from './version.js';
import { hideNonKeywords } from './keywords.js';

export interface ConfigTestFinding extends Finding {
  /** The file and line keepalived named, when it named one. */
  file: string | null;
  line: number | null;
  /** keepalived's own words. */
  raw: string;
}

export type ConfigTestOutcome = 'ok' | 'problems' | 'fatal' | 'security' | 'terminated-bug' | 'crashed' | 'unavailable';

export interface ConfigTestResult {
  /** false when there is no keepalived binary, or one too old for `-t` (< 2.0.4). */
  ran: boolean;
  version: string | null;
  exitCode: number | null;
  outcome: ConfigTestOutcome;
  findings: ConfigTestFinding[];
  stderr: string;
}


/** What an exit code of `keepalived -t` means in a given release (128 + N: killed by signal N). */
export function classifyExit(version: string, exitCode: number, stderr = ''): ConfigTestOutcome {
  if (exitCode === 0) return 'ok';
  if (releaseHas(version, 'configTestSelfKill') && (exitCode === 143 || /^Terminated$/m.test(stderr))) return 'terminated-bug';
  const { fatal, config, security } = configTestExitCodes(version);
  if (exitCode === fatal) return 'fatal';
  if (exitCode === config) return 'problems';
  if (exitCode === security) return 'security';
  if (exitCode > 128) return 'crashed';
  return 'problems';
}

/** The exit code a shell would show: 128 + the signal number for a command killed by a signal. */
export function shellExitCode(r: { exitCode: number; timedOut: boolean; signal?: string }): number {
  if (r.exitCode !== -1 || r.timedOut) return r.exitCode;
  const n = r.signal ? (osConstants.signals as Record<string, number>)[r.signal] : undefined;
  // No signal name (an older Host): the 2.2.5-2.2.7 self-SIGTERM is what kills -t.
  return 128 + (n ?? 15);
}

const LINE = /^\((?:(.+?): )?Line (\d+)\) (.*)$/;
export const WARNING_TEXT = /WARNING|Warning|Truncating auth_pass|SECURITY VIOLATION|is not used|Unknown keyword/;

function make(severity: Finding['severity'], rule: string, key: MessageKey, params: Record<string, unknown>, raw: string, file: string | null, line: number | null): ConfigTestFinding {
  return {
    severity,
    rule,
    path: file && line ? `${file}:${line}` : '',
    message: t(key, params),
    suggestion: t(`${key}.fix` as MessageKey, params),
    file,
    line,
    raw,
  };
}

/**
 * Check `path` (a path on the host's system) with the host's keepalived. On a LocalHost
 * with --root the real file under the root is checked; `config` (parsed when not given)
 * is used to tell "script only exists under --root" apart from a real problem.
 */
export async function configTest(host: Host, path: string, opts: { config?: KeepalivedConfig; timeoutMs?: number } = {}): Promise<ConfigTestResult> {
  const v = await host.exec('keepalived', ['-v'], { why: 'which keepalived release checks the file', timeoutMs: 10_000 });
  const version = v.notFound ? null : parseKeepalivedVersion(v.stdout + v.stderr);
  if (!version || !releaseHas(version, 'configTest')) {
    return { ran: false, version, exitCode: null, outcome: 'unavailable', findings: [], stderr: '' };
  }
  const real = host.commandPath(path);
  const allConfig = releaseHas(version, 'configTestAllConfig');
  // Without -e (2.0.x, 2.1.x) a missing file passes: check it ourselves.
  if (!allConfig && !(await host.exists(path))) {
    const f = make('error', 'keepalived-t-missing-file', 'keepalived.configTest.missingFile', { path, version }, '', null, null);
    return { ran: true, version, exitCode: null, outcome: 'fatal', findings: [f], stderr: '' };
  }
  const args = allConfig ? ['-t', '-e', '-f', real] : ['-t', '-f', real];
  const r = await host.exec('keepalived', args, { why: 'let keepalived check the configuration', timeoutMs: opts.timeoutMs ?? 30_000 });
  const exitCode = shellExitCode(r);
  let outcome = classifyExit(version, exitCode, r.stderr);
  const findings: ConfigTestFinding[] = [];
  const underRoot = host.root !== '/';
  let config = opts.config;
  let onlyRootScripts = true;

  // keepalived repeats some messages, once with and once without the file name: keep one.
  const lines = [...new Set(r.stderr.split('\n').map((l) => hideNonKeywords(l.trim())))].filter((l) => l && l !== 'Terminated');
  for (const text of lines) {
    const m = LINE.exec(text);
    const file = m ? (m[1] ?? null) : null;
    const line = m ? Number(m[2]) : null;
    const message = m ? m[3]! : text;
    if (m && !m[1] && lines.some((other) => other !== text && other.endsWith(`: Line ${line}) ${message}`))) continue;

    const missing = /^Disabling track script (\S+) since not found\/accessible$/.exec(message);
    if (missing && underRoot) {
      config ??= (await parseConfig(host, path).catch(() => null))?.config;
      const script = config?.vrrpScripts.find((s) => s.name === missing[1]);
      const program = script?.script ? scriptProgram(script.script) : null;
      if (program && program.startsWith('/') && (await host.exists(program))) {
        findings.push(make('warning', 'keepalived-t-script-elsewhere', 'keepalived.configTest.scriptUnderRoot', { script: missing[1], program, root: host.root }, text, file, line));
        continue;
      }
    }
    onlyRootScripts = false;
    const severity = outcome === 'security' || WARNING_TEXT.test(message) ? 'warning' : 'error';
    findings.push(make(severity, 'keepalived-t', 'keepalived.configTest.message', { message }, text, file, line));
  }
  if (outcome === 'terminated-bug') {
    findings.push(make('warning', 'keepalived-t-terminated', 'keepalived.configTest.terminated', { version }, 'Terminated', null, null));
  }
  if (outcome === 'crashed') {
    const signal = r.signal ?? `signal ${exitCode - 128}`;
    const key = releaseHas(version, 'configTestCrashOnUnclosedBlock') ? 'keepalived.configTest.crashedBrace' : 'keepalived.configTest.crashed';
    findings.push(make('error', 'keepalived-t-crashed', key, { version, signal, code: exitCode }, '', null, null));
  }
  // Exit 5 caused only by scripts that exist under --root: the file itself is fine.
  if (outcome === 'problems' && onlyRootScripts && findings.length > 0) outcome = 'ok';
  return { ran: true, version, exitCode, outcome, findings, stderr: r.stderr };
}
