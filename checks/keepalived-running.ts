import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result, startCommands } from '../src/doctor/result.js';
import { findAllKeepalived, findKeepalivedZombies } from '../src/keepalived/runtime/process.js';
import { stoppedByFailoverTest } from './maintenance.js';

export const keepalivedRunning: Check = {
  id: 'keepalived-running',
  critical: true,
  title: () => t('doctor.keepalivedRunning.title'),
  applies: async (ctx) => (await ctx.facts()).keepalived.installed || t('doctor.common.notInstalled', { name: 'keepalived' }),
  async run(ctx) {
    const [facts, kp] = await Promise.all([ctx.facts(), ctx.keepalived()]);
    if (!kp) {
      // Without root the namespaces of other users' processes cannot be read: say so instead of "not running".
      if (facts.keepalived.running === null) return result('skip', t('doctor.common.needRoot', { what: t('doctor.keepalivedRunning.what') }));
      const details: string[] = [];
      const zombies = await findKeepalivedZombies(ctx.host).catch(() => []);
      if (zombies.length) details.push(t('doctor.keepalivedRunning.zombies', { pids: zombies.join(', ') }));
      const logs = await ctx.logs();
      if (logs.lines.length) {
        details.push(t('doctor.common.lastLogLines', { where: logs.where ?? logs.source }));
        details.push(...logs.lines.slice(-5).map((l) => `  ${l}`));
      }
      const byTest = await stoppedByFailoverTest(ctx, 'keepalived');
      if (byTest) return { ...byTest, details };
      return result('fail', t('doctor.keepalivedRunning.notRunning'), details, {
        explain: t('doctor.keepalivedRunning.notRunning.fix'),
        commands: startCommands(ctx.services, 'keepalived'),
      });
    }
    const all = await findAllKeepalived(ctx.host).catch(() => [kp]);
    const details = [
      t('doctor.keepalivedRunning.process', { pid: kp.pid, children: kp.childPids.join(', ') || t('word.none') }),
      t('doctor.keepalivedRunning.configFile', { path: kp.configFile }),
    ];
    if (kp.childPids.length === 0) {
      return result('fail', t('doctor.keepalivedRunning.noChildren', { pid: kp.pid }), details, {
        explain: t('doctor.keepalivedRunning.noChildren.fix'),
        commands: restartCommands(ctx.services, 'keepalived'),
      });
    }
    if (all.length > 1) {
      return result('warn', t('doctor.keepalivedRunning.several', { count: all.length, pids: all.map((p) => p.pid).join(', ') }), details, {
        explain: t('doctor.keepalivedRunning.several.fix'),
        commands: all.slice(1).map((p) => ctx.shell.run(['kill', String(p.pid)])),
      });
    }
    return result('ok', t('doctor.keepalivedRunning.ok', { pid: kp.pid }), details);
  },
  async fixSteps(ctx) {
    const why = 'keepalived is not running';
    return [
      ...(ctx.services.kind === 'systemd' ? [{ kind: 'service', op: 'enable', name: 'keepalived', why: 'start keepalived at boot' } as const] : []),
      { kind: 'service', op: 'start', name: 'keepalived', why },
    ];
  },
};
