import { OperationError } from '../../errors.js';
import { t } from '../../i18n/index.js';
import type { ExecResult, Host } from '../../host/types.js';
import type { InstallLog } from './log.js';
import type { InstallDistro, PlannedCommand } from './types.js';
import { buildDependenciesFor, installCommand, libnl3InstallCommand, LIBNL3_PACKAGES } from './packages.js';
import { isLibnlU32Failure } from './libnl.js';
import { shellCommandLine } from '../../host/shell-quote.js';

/** Builds and package installs can take long; nothing legitimate takes an hour. */
export const COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

/** Run one planned command with its output streamed into the log. Never throws on exit codes. */
export async function runLogged(host: Host, log: InstallLog, step: PlannedCommand, cwd?: string): Promise<ExecResult> {
  log.command([step.cmd, ...step.args], step.env);
  // A log that cannot be written stops the install before the command runs.
  await log.flush();
  const r = await host.exec(step.cmd, step.args, {
    env: step.env,
    cwd,
    input: step.input,
    timeoutMs: COMMAND_TIMEOUT_MS,
    why: step.why,
    onOutput: (chunk) => log.write(chunk),
  });
  if (r.notFound) log.write(`${step.cmd}: command not found\n`);
  log.write(`[exit ${r.exitCode}]\n`);
  await log.flush();
  return r;
}

export type FailureCause = 'noCompiler' | 'noMake' | 'openssl' | 'libnl' | 'libnlU32' | 'configureOption' | 'noPackage' | 'network' | 'permission' | 'notarball' | 'unknown';

/** The most likely reason for a failed phase, from what it printed. */
export function likelyCause(text: string, result?: Pick<ExecResult, 'notFound' | 'command'>): FailureCause {
  if (result?.notFound && ['cc', 'gcc'].includes(result.command[0] ?? '')) return 'noCompiler';
  if (result?.notFound && result.command[0] === 'make') return 'noMake';
  if (/no acceptable C compiler found|C compiler cannot create executables|cc: command not found|gcc: command not found/.test(text)) return 'noCompiler';
  if (/make: command not found|make: not found/.test(text)) return 'noMake';
  if (isLibnlU32Failure(text)) return 'libnlU32';
  if (/OpenSSL is not properly installed|openssl\/ssl\.h: No such file|openssl\/[\w-]+\.h: No such file/i.test(text)) return 'openssl';
  if (/libnl[-\w.]* .*(not found|not installed)|netlink\/[\w-]+\.h: No such file|Package libnl-3\.0 was not found/i.test(text)) return 'libnl';
  if (/unrecognized option|unrecognized options:|invalid (feature|package) name/.test(text)) return 'configureOption';
  if (/Unable to locate package|No package .* available|No match for argument|not found in package names|no such package|unable to select packages|Nothing provides/i.test(text)) return 'noPackage';
  if (/Could not resolve|Temporary failure resolving|Failed to fetch|Could not connect|Network is unreachable|Cannot retrieve repository|Curl error|Download failed/i.test(text)) return 'network';
  if (/Permission denied|are you root|must be run as root|requires root|Could not open lock file/i.test(text)) return 'permission';
  if (/not in gzip format|Unexpected EOF|Error is not recoverable|This does not look like a tar archive|unrecognized archive format/i.test(text)) return 'notarball';
  return 'unknown';
}

/** The hint for a cause, with the exact command that fixes it where there is one. */
export function hintFor(cause: FailureCause, distro: InstallDistro): string {
  const deps = buildDependenciesFor(distro);
  const depsCommand = deps && distro.packageManager ? commandLine(installCommand(distro.packageManager, deps.required, '')) : null;
  const fix = depsCommand ? t('install.hint.runDeps', { command: depsCommand }) : '';
  switch (cause) {
    case 'noCompiler':
      return t('install.hint.noCompiler') + fix;
    case 'noMake':
      return t('install.hint.noMake') + fix;
    case 'openssl':
      return t('install.hint.openssl') + fix;
    case 'libnl':
      return t('install.hint.libnl') + fix;
    case 'libnlU32':
      return t('install.hint.libnlU32', { command: libnl3Command(distro) });
    case 'configureOption':
      return t('install.hint.configureOption');
    case 'noPackage':
      return t('install.hint.noPackage');
    case 'network':
      return t('install.hint.network');
    case 'permission':
      return t('install.hint.permission');
    case 'notarball':
      return t('install.hint.notarball');
    case 'unknown':
      return t('install.hint.unknown');
  }
}

/** At most this many error lines are shown; the log has them all. */
const MAX_ERROR_LINES = 12;

/**
 * The lines of a build's output that say what went wrong: compiler and linker errors
 * (`file.c:12:3: error: ...`, `undefined reference to`, `multiple definition of`),
 * configure's `configure: error:`, missing files. Not make's own "*** Error 1" echoes.
 */
export function errorLines(text: string): string[] {
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^make(\[\d+\])?: \*\*\*/.test(line) || /^\[exit \d+\]$/.test(line)) continue;
    if (!/(^|\s|:)(fatal )?error:|configure: error|undefined reference to|multiple definition of|No such file or directory|collect2: error/i.test(line)) continue;
    if (!found.includes(line)) found.push(line);
    if (found.length === MAX_ERROR_LINES) break;
  }
  return found;
}

/** The exact command that installs libnl-3's development files here (or the package names per family). */
export function libnl3Command(distro: InstallDistro): string {
  const step = libnl3InstallCommand(distro);
  return step ? commandLine(step) : `${LIBNL3_PACKAGES.rhel.join(' ')} / ${LIBNL3_PACKAGES.debian.join(' ')}`;
}

export function commandLine(step: Pick<PlannedCommand, 'cmd' | 'args' | 'env'>): string {
  return shellCommandLine([step.cmd, ...step.args], step.env);
}

/**
 * A failed phase, as the user needs it: which phase, the exact command, the last 20 lines
 * it printed, where the full log is, and the likely cause with its fix.
 */
export function phaseFailure(opts: {
  phase: string;
  step?: Pick<PlannedCommand, 'cmd' | 'args' | 'env'>;
  result?: ExecResult;
  log: InstallLog;
  distro: InstallDistro;
  cause?: FailureCause;
}): OperationError {
  const text = opts.log.phaseText();
  const cause = opts.cause ?? likelyCause(text, opts.result);
  const details: string[] = [];
  if (opts.step) details.push(t('install.fail.command', { command: commandLine(opts.step), code: opts.result?.exitCode ?? '?' }));
  // The compiler's and configure's own error lines first: a make -j failure ends in
  // dozens of "Leaving directory" and "Error 1" lines that hide them from the tail.
  const errors = errorLines(text);
  const tail = opts.log.tail(errors.length > 0 ? 8 : 20);
  const unseen = errors.filter((e) => !tail.includes(e));
  if (unseen.length > 0) {
    details.push(t('install.fail.errorLines', { n: errors.length }));
    for (const line of errors) details.push(`  | ${line}`);
  }
  if (tail.length > 0) {
    details.push(t('install.fail.lastLines', { n: tail.length }));
    for (const line of tail) details.push(`  | ${line}`);
  }
  if (opts.log.path) details.push(t('install.fail.logPath', { path: opts.log.path }));
  details.push(t('install.fail.cause', { cause: t(`install.cause.${cause}` as const) }));
  return new OperationError(t('install.fail.phase', { phase: opts.phase }), { hint: hintFor(cause, opts.distro), details });
}
