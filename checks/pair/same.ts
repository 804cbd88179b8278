/**
 * The checks "both nodes say the same X" share one shape: read X from each node's
 * instance, compare, and on a difference propose re-running the pair setup, which writes
 * one value to both nodes.
 */
import { t, type MessageKey } from '../../src/i18n/index.js';
import { bothInstances, type NodeInstance, type PairContext } from '../../src/doctor/pair-context.js';
import { commandLine } from '../../src/doctor/paths.js';
import type { Applies } from '../types.js';
import { fail, ok, type PairCheck } from './types.js';

/** The command that writes one consistent configuration to both nodes (the first node's VIP). */
export function pairSetupCommand(p: PairContext, first: NodeInstance | null): string {
  const vip = first?.instance.virtualIpaddress[0]?.address;
  const vrid = first?.instance.virtualRouterId;
  const argv = ['ha-setup', 'setup', '--host', p.labels.a, '--host', p.labels.b];
  if (vip) argv.push('--vip', vip.includes('/') ? vip : `${vip}/32`);
  if (vrid) argv.push('--vrid', String(vrid));
  argv.push('--yes');
  return commandLine(argv);
}

/** Both nodes have a vrrp_instance to compare, or the reason the comparison is skipped. */
export async function bothInstancesOrReason(p: PairContext): Promise<Applies> {
  return (await bothInstances(p)) !== null || t('pair.doctor.noInstance');
}

export interface SameSpec {
  id: string;
  title: MessageKey;
  /** What keepalived makes of the node's setting, as text ("51", "PASS lab51pw", ...). */
  value(n: NodeInstance): string;
  /** How the value is shown (passwords are masked unless --show-secrets). */
  show?(value: string, p: PairContext): string;
  /** Why a difference matters (one line). */
  consequence: MessageKey;
}

export function sameValueCheck(spec: SameSpec): PairCheck {
  return {
    id: spec.id,
    title: () => t(spec.title),
    applies: bothInstancesOrReason,
    async run(p) {
      const both = (await bothInstances(p))!;
      const [va, vb] = both.map((n) => spec.value(n));
      const show = (v: string) => (spec.show ? spec.show(v, p) : v);
      const details = both.map((n, i) => `${n.label}: ${show(i === 0 ? va! : vb!)}`);
      if (va === vb) return ok(t('pair.doctor.same', { what: t(spec.title), value: show(va!) }), details);
      return fail(t('pair.doctor.differs', { what: t(spec.title), consequence: t(spec.consequence) }), details, {
        explain: t('pair.doctor.fix.rerun'),
        commands: [pairSetupCommand(p, both[0])],
      });
    },
  };
}
