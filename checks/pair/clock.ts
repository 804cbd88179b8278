import { t } from '../../src/i18n/index.js';
import { fail, ok, warn, type PairCheck } from './types.js';

/**
 * Up to this far apart, logs of the two nodes line up well enough to follow a failover;
 * above it pair-clock warns, above CLOCK_FAIL_MS it fails. The measured offset is judged,
 * not offset minus its uncertainty: docs/pair.md quotes these numbers (a test compares).
 */
export const CLOCK_OK_MS = 1000;
export const CLOCK_FAIL_MS = 30_000;

export const clock: PairCheck = {
  id: 'pair-clock',
  title: () => t('pair.doctor.clock.title'),
  async run(p) {
    const c = await p.clock();
    if (!c) return warn(t('pair.doctor.clock.unknown'), []);
    const details = [t('pair.doctor.clock.detail', { b: p.labels.b, a: p.labels.a, offset: c.offsetMs, uncertainty: c.uncertaintyMs })];
    const fix = { explain: t('pair.doctor.clock.fix', { a: p.labels.a, b: p.labels.b }), commands: ['timedatectl set-ntp true', 'chronyc tracking'] };
    const off = Math.abs(c.offsetMs);
    if (off <= CLOCK_OK_MS) return ok(t('pair.doctor.clock.ok', { offset: off }), details);
    if (off <= CLOCK_FAIL_MS) return warn(t('pair.doctor.clock.apart', { offset: off }), details, fix);
    return fail(t('pair.doctor.clock.apart', { offset: off }), details, fix);
  },
};
