import type { Check } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result, startCommands } from '../src/doctor/result.js';
import { daemonView } from '../src/doctor/paths.js';
import { scriptProgram } from '../src/keepalived/validate.js';
import { DEFAULTS } from '../src/defaults.js';
import { stoppedByFailoverTest } from './maintenance.js';

/** The first http(s) URL a check script asks (ha-setup's script curls one), else null. */
export function urlInScript(text: string): string | null {
  const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  return /\bhttps?:\/\/[^\s'"`;)]+/.exec(code)?.[0] ?? null;
}

/** The URL the node's own check script asks (the first script any instance tracks that names one), or http://127.0.0.1/. */
export async function checkUrl(ctx: DoctorContext): Promise<{ url: string; from: string | null }> {
  const loaded = await ctx.config();
  // nginx is the node's, whichever instance tracks it.
  const tracked = new Set((loaded?.parsed.config.vrrpInstances ?? []).flatMap((i) => i.trackScript.map((e) => e.name)));
  for (const s of loaded?.parsed.config.vrrpScripts ?? []) {
    if (!s.script || !tracked.has(s.name)) continue;
    const program = scriptProgram(s.script).replace(/^["']|["']$/g, '');
    const text = program.startsWith('/') ? await daemonView(ctx.host).readFile(program).catch(() => null) : null;
    const inline = /\bhttps?:\/\//.test(s.script) ? s.script : null;
    const url = urlInScript(inline ?? text ?? '');
    if (url) return { url, from: inline ? `vrrp_script ${s.name}` : program };
  }
  return { url: DEFAULTS.check.url, from: null };
}

export interface HttpProbe {
  /** HTTP status, 0 when nothing answered; null when curl could not be run. */
  status: number | null;
  curlExit: number;
  error: string;
}

/** `curl` on the node itself (its own loopback, its own namespace). Any HTTP answer counts. */
export async function probeHttp(ctx: DoctorContext, url: string): Promise<HttpProbe> {
  const r = await ctx.host.exec('curl', ['--silent', '--show-error', '--output', '/dev/null', '--max-time', '2', '--write-out', '%{http_code}', url], {
    why: 'does nginx answer on this node',
    timeoutMs: 5000,
  });
  if (r.notFound || /exec of "curl" failed/.test(r.stderr)) return { status: null, curlExit: 127, error: 'curl not found' };
  const code = Number(r.stdout.trim());
  return { status: Number.isInteger(code) ? code : 0, curlExit: r.exitCode, error: r.stderr.trim() };
}

export const nginxRunning: Check = {
  id: 'nginx-running',
  critical: true,
  title: () => t('doctor.nginxRunning.title'),
  async run(ctx) {
    const facts = await ctx.facts();
    const nginx = facts.nginx;
    const { url, from } = await checkUrl(ctx);
    const http = await probeHttp(ctx, url);
    const answers = http.status !== null && http.status > 0;
    const details = [
      from ? t('doctor.nginxRunning.urlFrom', { url, from }) : t('doctor.nginxRunning.urlDefault', { url }),
      http.status === null ? t('doctor.nginxRunning.noCurl') : answers ? t('doctor.nginxRunning.http', { status: http.status }) : t('doctor.nginxRunning.noAnswer', { exit: http.curlExit, error: http.error || '-' }),
    ];
    if (nginx.pid) details.unshift(t('doctor.nginxRunning.process', { pid: nginx.pid }));
    if (!nginx.installed && !answers) {
      return result('fail', t('doctor.nginxRunning.notInstalled'), details, { explain: t('doctor.nginxRunning.notInstalled.fix'), commands: [] });
    }
    if (nginx.running === false) {
      const byTest = await stoppedByFailoverTest(ctx, 'nginx');
      if (byTest) return { ...byTest, details };
      return result('fail', t('doctor.nginxRunning.notRunning'), details, {
        explain: t('doctor.nginxRunning.notRunning.fix'),
        commands: [...ctx.services.commandLines('configtest', 'nginx'), ...startCommands(ctx.services, 'nginx')],
      });
    }
    if (http.status === null) {
      return nginx.running === true
        ? result('warn', t('doctor.nginxRunning.runningUnprobed', { pid: nginx.pid }), details, { explain: t('doctor.nginxRunning.installCurl'), commands: [] })
        : result('skip', t('doctor.common.needRoot', { what: t('doctor.nginxRunning.what') }), details);
    }
    if (!answers) {
      return result('fail', t('doctor.nginxRunning.silent', { url }), details, {
        explain: t('doctor.nginxRunning.silent.fix'),
        commands: [...ctx.services.commandLines('configtest', 'nginx'), ...restartCommands(ctx.services, 'nginx'), ctx.shell.run(['curl', '-v', url])],
      });
    }
    if (nginx.running === null) return result('ok', t('doctor.nginxRunning.okAnswers', { url, status: http.status }), [...details, t('doctor.nginxRunning.processUnknown')]);
    return result('ok', t('doctor.nginxRunning.ok', { url, status: http.status }), details);
  },
  async fixSteps() {
    return [{ kind: 'service', op: 'start', name: 'nginx', why: 'nginx is not running' }];
  },
};
