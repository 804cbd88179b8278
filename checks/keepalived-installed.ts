import type { Check } from './types.js';
import { t } from '../src/i18n/index.js';
import { result } from '../src/doctor/result.js';
import { packageInstallCommand } from '../src/doctor/build-context.js';
import { RELEASE_FEATURES, releaseHas } from '../src/keepalived/releases.js';

export const keepalivedInstalled: Check = {
  id: 'keepalived-installed',
  title: () => t('doctor.keepalivedInstalled.title'),
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
    // Without `keepalived -t` (1.3.5): doctor checks the file with our validator for the release.
    if (!releaseHas(k.version, 'configTest')) {
      return result('ok', t('doctor.keepalivedInstalled.ok', { version: k.version, path: k.path }), [
        t('doctor.keepalivedInstalled.old', { version: k.version, since: RELEASE_FEATURES.configTest.since }),
      ]);
    }
    return result('ok', t('doctor.keepalivedInstalled.ok', { version: k.version, path: k.path }));
  },
};
