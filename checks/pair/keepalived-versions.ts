import { t } from '../../src/i18n/index.js';
import { compareReleases, keywordSince, releaseKnowsKeyword } from '../../src/keepalived/releases.js';
import { keywordsInUse } from '../../src/keepalived/validate.js';
import { fail, ok, warn, type PairCheck } from './types.js';

/**
 * Keywords one node's configuration uses that the other node's release does not know: the
 * older node ignores (or rejects) them, so the pair behaves differently on each side.
 */
export const keepalivedVersions: PairCheck = {
  id: 'pair-keepalived-versions',
  title: () => t('pair.doctor.versions.title'),
  async run(p) {
    const [fa, fb, ca, cb] = await Promise.all([p.a.facts(), p.b.facts(), p.a.config(), p.b.config()]);
    const va = fa.keepalived.version;
    const vb = fb.keepalived.version;
    const details = [`${p.labels.a}: ${va ?? '-'}`, `${p.labels.b}: ${vb ?? '-'}`];
    if (!va || !vb) return warn(t('pair.doctor.versions.unknown'), details);
    if (compareReleases(va, vb) === 0) return ok(t('pair.doctor.versions.same', { version: va }), details);
    const older = compareReleases(va, vb) < 0 ? { label: p.labels.a, version: va } : { label: p.labels.b, version: vb };
    const used = [ca, cb].flatMap((c) => (c ? keywordsInUse(c.parsed.config) : []));
    const unsupported = [...new Set(used.filter((k) => !releaseKnowsKeyword(older.version, k.block, k.keyword)).map((k) => `${k.keyword} (${keywordSince(k.block, k.keyword)})`))];
    if (unsupported.length > 0) {
      return fail(t('pair.doctor.versions.unsupported', { node: older.label, version: older.version, options: unsupported.join(', ') }), details, {
        explain: t('pair.doctor.versions.fix'),
        commands: [`ha-setup install --host ${older.label}`],
      });
    }
    return warn(t('pair.doctor.versions.differ', { a: va, b: vb }), details);
  },
};
