import type { Check } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import { DEFAULT_CONFIG_FILE } from '../src/keepalived/runtime/process.js';

export async function configPathOf(ctx: DoctorContext): Promise<string> {
  const loaded = await ctx.config();
  if (loaded) return loaded.path;
  return (await ctx.configLocation?.())?.path ?? ctx.options.configPath ?? DEFAULT_CONFIG_FILE;
}

export const configValid: Check = {
  id: 'config-valid',
  critical: true,
  title: () => t('doctor.configValid.title'),
  async run(ctx) {
    const loaded = await ctx.config();
    if (!loaded) {
      const path = await configPathOf(ctx);
      return result('fail', t('doctor.configValid.missing', { path }), [], { explain: t('doctor.configValid.missing.fix'), commands: [ctx.shell.haSetup(['setup'])] });
    }
    const [test, findings] = await Promise.all([ctx.configTest(), ctx.findings()]);
    const errors: string[] = [];
    const warnings: string[] = [];
    const suggestions: string[] = [];
    const push = (severity: 'error' | 'warning', line: string, suggestion: string) => {
      (severity === 'error' ? errors : warnings).push(line);
      if (suggestion && !suggestions.includes(suggestion)) suggestions.push(suggestion);
    };
    for (const d of loaded.parsed.diagnostics) push(d.severity, `${d.file}:${d.line} ${d.message}`, '');
    for (const f of test?.findings ?? []) {
      const where = f.file && f.line ? `${f.file}:${f.line}` : loaded.path;
      push(f.severity, `${where} keepalived -t: ${f.raw}`, f.suggestion);
    }
    for (const f of findings) {
      const pos = loaded.parsed.locations.get(f.path);
      const where = pos ? `${pos.file}:${pos.line}` : `${loaded.path} (${f.path})`;
      push(f.severity, `${where} ${f.message} [${f.rule}]`, f.suggestion);
    }
    // keepalived's own verdict counts even when it printed nothing we could read.
    if (test?.ran && (test.outcome === 'fatal' || test.outcome === 'problems') && errors.length === 0 && warnings.length === 0) {
      errors.push(t('doctor.configValid.exitOnly', { code: test.exitCode }));
    }
    const details = [
      t(test?.ran ? 'doctor.configValid.tested' : 'doctor.configValid.notTested', { version: test?.version ?? t('word.unknown'), path: loaded.path }),
      ...errors.map((l) => `${t('doctor.common.error')}: ${l}`),
      ...warnings.map((l) => `${t('doctor.common.warning')}: ${l}`),
    ];
    const fix = {
      explain: suggestions.length ? suggestions.slice(0, 6).join(' ') : t('doctor.configValid.fixGeneric'),
      commands: [ctx.shell.run(['keepalived', '-t', '-f', loaded.path]), ctx.shell.haSetup(['inspect', '--config', loaded.path])],
    };
    if (errors.length) return result('fail', t('doctor.configValid.errors', { path: loaded.path, errors: errors.length, warnings: warnings.length }), details, fix);
    if (warnings.length) return result('warn', t('doctor.configValid.warnings', { path: loaded.path, warnings: warnings.length }), details, fix);
    return result('ok', t('doctor.configValid.ok', { path: loaded.path }), details.slice(0, 1));
  },
};
