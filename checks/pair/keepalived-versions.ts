import { t } from '../../src/i18n/index.js';
import { bothInstances } from '../../src/doctor/pair-context.js';
import { compareVersions, versionAtLeast } from '../../src/keepalived/version.js';
import { fail, ok, warn, type PairCheck } from './types.js';

/**
 * Options one release understands and the other does not: what the older node ignores
 * (or rejects) makes the pair behave differently on each side.
 */
const OPTIONS_SINCE: Array<{ keyword: string; since: string }> = [
  { keyword: 'unicast_fault_no_peer', since: '2.2.5' },
  { keyword: 'vrrp_startup_delay', since: '2.2.0' },
  { keyword: 'track_process', since: '2.0.11' },
];

export const keepalivedVersions: PairCheck = {
  id: 'pair-keepalived-versions',
  title: () => t('pair.doctor.versions.title'),
  appliesTo: () => true,
  async run(p) {
    const [fa, fb] = await Promise.all([p.a.facts(), p.b.facts()]);
    const va = fa.keepalived.version;
    const vb = fb.keepalived.version;
    const details = [`${p.labels.a}: ${va ?? '-'}`, `${p.labels.b}: ${vb ?? '-'}`];
    if (!va || !vb) return warn(t('pair.doctor.versions.unknown'), details);
    if (compareVersions(va, vb) === 0) return ok(t('pair.doctor.versions.same', { version: va }), details);
    const both = await bothInstances(p);
    const older = compareVersions(va, vb) < 0 ? { label: p.labels.a, version: va } : { label: p.labels.b, version: vb };
    const used = both ? both.flatMap((n) => n.instance.extra.map((s) => s.keyword)) : [];
    const unsupported = OPTIONS_SINCE.filter((o) => used.includes(o.keyword) && !versionAtLeast(older.version, o.since));
    if (unsupported.length > 0) {
      return fail(t('pair.doctor.versions.unsupported', { node: older.label, version: older.version, options: unsupported.map((o) => `${o.keyword} (${o.since})`).join(', ') }), details, {
        explain: t('pair.doctor.versions.fix'),
        commands: [`ha-setup install --host ${older.label}`],
      });
    }
    return warn(t('pair.doctor.versions.differ', { a: va, b: vb }), details);
  },
};
