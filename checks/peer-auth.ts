/**
 * peer-auth: does the other node use our password? PASS passwords travel in clear, so the
 * capture answers it directly and names the sender; keepalived's own evidence (the
 * "Authentication Errors: Failure" counter, `received an invalid passwd[ from X]!`, 1.x
 * `(VI_1): received an invalid passwd!`) backs it up when the other side is silent.
 * keepalived compares only the first 8 characters of auth_pass.
 */
import type { Check, CheckResult } from './types.js';
import { t } from '../src/i18n/index.js';
import { AUTH_PASS_LEN, counter, currentEvents, eventsSinceStart, pairConfig } from '../src/doctor/wire/pair.js';
import { reloadCommand } from '../src/doctor/wire/fixes.js';
import { result, wireEvidence } from '../src/doctor/wire/result.js';
import { authFix, mismatches } from '../src/doctor/wire/diagnose.js';

const AUTH_EVENTS = ['invalid-password', 'auth-type-mismatch', 'ah-mismatch', 'invalid-auth-type'] as const;

export const check: Check = {
  id: 'peer-auth',
  title: () => t('wire.peerAuth.title'),
  perInstance: true,
  needsCapture: true,
  async applies(ctx) {
    const pair = await pairConfig(ctx);
    if (pair === null) return t('wire.skip.noInstance');
    // VRRPv3 has no authentication field.
    return pair.version === 2 || t('wire.skip.v3NoAuth');
  },
  async run(ctx): Promise<CheckResult> {
    const { pair, wire, rt, details } = await wireEvidence(ctx);
    const show = ctx.options.showSecrets;
    const shown = (v: string | null) => (v === null ? '-' : `"${v.slice(0, AUTH_PASS_LEN)}"`);
    const authName = (n: number) => (n === 1 ? 'PASS' : n === 2 ? 'AH' : t('wire.peerAuth.none'));
    // 1. The wire: each sender with our VRID whose password or auth type differs.
    const bad = (wire?.sameVrid ?? []).filter((s) => s.version === 2).map((s) => ({ s, m: mismatches(s, pair) })).filter((x) => x.m.includes('password') || x.m.includes('auth-type'));
    const fix = await authFix(ctx, pair, show, bad[0]?.s.src ?? (wire?.sameVrid ?? []).find((s) => !wire?.own.includes(s))?.src ?? null);
    if (bad.length > 0) {
      for (const { s, m } of bad) {
        if (m.includes('auth-type')) details.push(t('wire.peerAuth.typeDiffers', { src: s.src, theirs: authName(s.authType ?? 0), ours: authName(pair.authType) }));
        else if (show) details.push(t('wire.peerAuth.secrets', { src: s.src, theirs: shown(s.authData), ours: shown(pair.pass) }));
      }
      const srcs = bad.map((x) => x.s.src).join(', ');
      const summary = bad.some((x) => x.m.includes('auth-type')) ? t('wire.peerAuth.typeMismatch', { src: srcs }) : t('wire.peerAuth.wireMismatch', { src: srcs });
      addLogAndCounters(details);
      return result('fail', summary, details, fix);
    }

    // 2. Our own adverts, or the daemon's data dump, carry another password than keepalived.conf: not reloaded.
    const ownStale = (wire?.own ?? []).find((s) => s.vrid === pair.vrid && s.authType === 1 && (s.authData ?? '').slice(0, AUTH_PASS_LEN) !== (pair.pass ?? ''));
    const dumps = await ctx.dumps();
    const dumpPass = dumps?.data?.instances.find((i) => i.name === pair.instance.name)?.password ?? null;
    const dumpStale = dumpPass !== null && !dumpPass.masked && pair.pass !== null && dumpPass.reveal().slice(0, AUTH_PASS_LEN) !== pair.pass;
    // 2.4.0+ masks the password in the data dump: the running one is compared from our own adverts.
    if (dumpPass?.masked) details.push(t('wire.peerAuth.maskedDump'));
    if (ownStale || dumpStale) {
      if (show) details.push(t('wire.peerAuth.secretsOwn', { running: shown(ownStale?.authData ?? dumpPass?.reveal() ?? null), file: shown(pair.pass) }));
      return result('fail', t('wire.peerAuth.notReloaded'), details, { explain: t('wire.fix.reload'), commands: [reloadCommand(ctx)] });
    }

    // 3. keepalived's own account.
    const failure = counter(rt!, (s) => s.authErrors.failure);
    const typeMismatch = counter(rt!, (s) => s.authErrors.typeMismatch);
    const current = rt ? currentEvents(rt, pair, [...AUTH_EVENTS]) : [];
    if (current.length > 0 || failure.grew === true || typeMismatch.grew === true) {
      addLogAndCounters(details);
      const from = [...new Set(current.map((e) => e.from).filter((f): f is string => f !== null))];
      const summary = from.length ? t('wire.peerAuth.logMismatchFrom', { src: from.join(', ') }) : t('wire.peerAuth.logMismatch');
      return result('fail', summary, details, fix);
    }
    const earlier = rt ? eventsSinceStart(rt, [...AUTH_EVENTS]) : [];
    if ((failure.before ?? 0) > 0 || (typeMismatch.before ?? 0) > 0 || earlier.length > 0) {
      // Failures that stopped are history, not a problem: a warning here would outlive the fix
      // for as long as keepalived runs (its counters never go down). Only when neither the
      // capture nor a second counter reading could show "now" does it stay a warning.
      addLogAndCounters(details);
      const failures = (failure.after ?? failure.before ?? 0) + (typeMismatch.after ?? typeMismatch.before ?? 0);
      const seenNow = Boolean(wire?.listened) || failure.grew === false;
      if (seenNow) return result('ok', t('wire.peerAuth.earlier', { failures }), [...details, t('wire.fix.earlierAuth')]);
      return result('warn', t('wire.peerAuth.earlier', { failures }), details, { explain: t('wire.fix.earlierAuth'), commands: [] });
    }
    const compared = (wire?.sameVrid ?? []).filter((s) => s.version === 2).map((s) => s.src);
    addLogAndCounters(details);
    return result('ok', compared.length ? t('wire.peerAuth.ok', { src: compared.join(', ') }) : t('wire.peerAuth.okNoPeer'), details);

    function addLogAndCounters(out: string[]): void {
      if (!rt) return;
      const f = counter(rt, (s) => s.authErrors.failure);
      const tm = counter(rt, (s) => s.authErrors.typeMismatch);
      if (f.before !== null) out.push(t('wire.detail.counterAuth', { before: f.before, after: f.after ?? '-', typeBefore: tm.before ?? '-', typeAfter: tm.after ?? '-' }));
      for (const e of eventsSinceStart(rt, [...AUTH_EVENTS]).slice(-3)) out.push(t('wire.detail.log', { line: e.message }));
    }
  },
};
