/**
 * Check a keepalived.conf with what the release that will read it offers: `keepalived -t`
 * where it exists (with `-e` from 2.2.0, our own existence check before), else (1.3.5) our
 * validator for that release and a short dry start in a throw-away network namespace when
 * one can be made. Which way was taken is said in `method` and `notes`.
 */
import type { Host } from '../host/types.js';
import { t } from '../i18n/index.js';
import { configTest, type ConfigTestFinding, type ConfigTestOutcome } from './config-test.js';
import { dryStart } from './dry-start.js';
import { parseConfig } from './parse.js';
import { validateConfig, type Finding } from './validate.js';

export type CheckMethod = 'keepalived-t' | 'dry-start' | 'validator' | 'none';

export interface FileCheck {
  method: CheckMethod;
  release: string | null;
  outcome: ConfigTestOutcome;
  findings: (Finding | ConfigTestFinding)[];
  /** What the user should know about how the file was checked. */
  notes: string[];
  /** keepalived's own words (stderr of -t, output of the dry start). */
  output: string;
  exitCode: number | null;
}

export interface CheckFileOptions {
  /** The node's addresses per interface, given to the dry start's interfaces. */
  interfaces?: { name: string; ipv4: string[]; ipv6: string[] }[];
}

export async function checkConfigFile(host: Host, path: string, opts: CheckFileOptions = {}): Promise<FileCheck> {
  const test = await configTest(host, path);
  if (test.ran) {
    return { method: 'keepalived-t', release: test.version, outcome: test.outcome, findings: test.findings, notes: [], output: test.stderr, exitCode: test.exitCode };
  }
  const release = test.version;
  if (release === null) return { method: 'none', release, outcome: 'unavailable', findings: [], notes: [], output: '', exitCode: null };

  // No -t in this release (1.3.5): our validator for it, then a dry start.
  const notes = [t('keepalived.check.noConfigTest', { release })];
  const parsed = await parseConfig(host, path);
  const findings: (Finding | ConfigTestFinding)[] = [
    ...parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ severity: d.severity, rule: d.code, path: `${d.file}:${d.line}`, message: `${d.file}:${d.line} ${d.message}`, suggestion: '' })),
    ...(await validateConfig(parsed.config, { host, release })).filter((f) => f.severity === 'error'),
  ];
  if (findings.length) return { method: 'validator', release, outcome: 'problems', findings, notes, output: '', exitCode: null };

  const names = new Set(parsed.config.vrrpInstances.flatMap((i) => [i.interface, ...i.virtualIpaddress.map((v) => v.dev)]).filter((n): n is string => Boolean(n)));
  const interfaces = [...names].map((name) => {
    const f = opts.interfaces?.find((i) => i.name === name);
    return { name, addresses: f ? [...f.ipv4] : [] };
  });
  const real = host.commandPath(path);
  const dry = await dryStart(host, real, { release, interfaces });
  if (!dry.ran) {
    notes.push(t('keepalived.check.noDryStart', { release, reason: dry.reason ?? '?' }));
    return { method: 'validator', release, outcome: 'ok', findings, notes, output: '', exitCode: null };
  }
  return { method: 'dry-start', release, outcome: dry.outcome, findings: dry.findings, notes, output: dry.output, exitCode: null };
}

/** What stops setup from using the file: null when nothing does. */
export function blockingProblems(check: FileCheck): string[] | null {
  if (check.outcome === 'ok' || check.outcome === 'unavailable' || check.outcome === 'terminated-bug') return null;
  const words = (f: Finding | ConfigTestFinding) => ('raw' in f && f.raw ? f.raw : f.message);
  const errors = check.findings.filter((f) => f.severity === 'error').map(words);
  if (errors.length) return errors;
  if (check.method === 'keepalived-t') return [check.output.trim() || `keepalived -t exited ${check.exitCode}`];
  return check.findings.map(words);
}
