/** Small constructors for CheckResult and the evidence lines every wire check shows. */
import type { CheckResult, CheckStatus, Fix } from '../../../checks/types.js';
import type { DoctorContext } from '../context.js';
import { t } from '../../i18n/index.js';
import { tcpdumpInstallCommand } from '../build-context.js';
import { describeSender, pairConfig, runtimeFacts, wireFacts, type PairConfig, type WireFacts } from './pair.js';

export function result(status: CheckStatus, summary: string, details: string[], fix: Fix | null = null): CheckResult {
  return { status, summary, details, fix };
}

/** Why the capture says nothing (tcpdump missing, no permission, no interface); null when it ran. */
export async function captureProblem(ctx: DoctorContext, wire: WireFacts | null): Promise<{ summary: string; fix: Fix | null } | null> {
  if (wire?.listened) return null;
  const cap = wire?.capture ?? null;
  const skip = cap ? null : ((await ctx.captureSkip?.()) ?? null);
  if (cap?.tcpdumpMissing || skip?.reason === 'tcpdump-missing') {
    const facts = await ctx.facts();
    const argv = skip?.install ?? tcpdumpInstallCommand(facts.distro.packageManager);
    const cmd = argv ? ctx.shell.shared(argv) : null;
    return {
      summary: t('wire.capture.tcpdumpMissing'),
      fix: cmd ? { explain: t('wire.fix.installTcpdump'), commands: [cmd] } : null,
    };
  }
  return { summary: t('wire.capture.failed', { error: skip?.message ?? cap?.error ?? t('wire.capture.none') }), fix: null };
}

/** The evidence lines of the capture: how long we listened and each sender heard. */
export function captureDetails(pair: PairConfig, wire: WireFacts): string[] {
  const cap = wire.capture;
  if (!cap) return [];
  const out = [t('wire.detail.listened', { iface: cap.iface, seconds: (cap.durationMs / 1000).toFixed(1), count: cap.adverts.length })];
  for (const s of wire.own) out.push(t('wire.detail.own', { sender: describeSender(s) }));
  for (const s of wire.sameVrid) out.push(t('wire.detail.heard', { sender: describeSender(s) }));
  const others = wire.summary.senders.filter((s) => s.vrid !== pair.vrid && !wire.own.includes(s));
  for (const s of others) out.push(t('wire.detail.otherVrid', { sender: describeSender(s) }));
  return out;
}

/**
 * What the wire checks start from: this node's pair config, the capture, keepalived's
 * runtime (log events, counters), whether the capture is usable, and the capture's
 * details (or why there are none).
 */
export async function wireEvidence(ctx: DoctorContext) {
  const pair = (await pairConfig(ctx))!;
  const [wire, rt] = await Promise.all([wireFacts(ctx), runtimeFacts(ctx)]);
  const problem = await captureProblem(ctx, wire);
  const details = wire && !problem ? captureDetails(pair, wire) : [t('wire.detail.noCapture', { why: problem?.summary ?? '' })];
  return { pair, wire, rt, problem, details };
}
