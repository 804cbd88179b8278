import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import { packageInstallCommand } from '../src/doctor/build-context.js';
import { versionAtLeast } from '../src/keepalived/version.js';

/** `keepalived -t` exists from 2.0.4 on; older releases cannot check a file before it is used. */
const CONFIG_TEST_SINCE = '2.0.4';

export const keepalivedInstalled: Check = {
  id: 'keepalived-installed',
  title: () => t('doctor.keepalivedInstalled.title'),
  appliesTo: () => true,
  async run(ctx) {
    const facts = await ctx.facts();
    const k = facts.keepalived;
    if (!k.installed || !k.path) {
      const pkg = packageInstallCommand(facts.distro.packageManager, 'keepalived');
      return result('fail', t('doctor.keepalivedInstalled.missing'), [], {
        explain: t('doctor.keepalivedInstalled.missing.fix'),
        commands: [ctx.shell.haSetup(['install']), ...(pkg ? [ctx.shell.shared(pkg)] : [])],
      });
    }
    if (!k.version) {
      return result('ok', t('doctor.keepalivedInstalled.okNoVersion', { path: k.path }), [t('doctor.keepalivedInstalled.noVersion')]);
    }
    if (!versionAtLeast(k.version, CONFIG_TEST_SINCE)) {
      return result('warn', t('doctor.keepalivedInstalled.old', { version: k.version, path: k.path, since: CONFIG_TEST_SINCE }), [], {
        explain: t('doctor.keepalivedInstalled.old.fix'),
        commands: [ctx.shell.haSetup(['install', '--method', 'source'])],
      });
    }
    return result('ok', t('doctor.keepalivedInstalled.ok', { version: k.version, path: k.path }));
  },
};
