/**
 * The checks "both nodes say the same X" share one shape: read X from each node's
 * instance, compare, and on a difference propose re-running the pair setup, which writes
 * one value to both nodes.
 */
import { t, type MessageKey } from '../../src/i18n/index.js';
import { bothInstances, nodeInstance, type NodeInstance, type PairContext } from '../../src/doctor/pair-context.js';
import { commandLine } from '../../src/doctor/paths.js';
import type { Applies } from '../types.js';
import { fail, ok, type PairCheck } from './types.js';

/**
 * The command that writes one consistent configuration to both nodes (the first node's
 * VIP and VRID; a dual-master node's two instances as --vip and --second-vip).
 */
export function pairSetupCommand(p: PairContext, first: NodeInstance | null): string {
  const all = first?.config.vrrpInstances ?? [];
  const [one, two] = all.length === 2 ? all : [first?.instance, undefined];
  const argv = ['ha-setup', 'setup', '--host', p.labels.a, '--host', p.labels.b];
  if (two) argv.push('--mode', 'active-active');
  const vip = one?.virtualIpaddress[0]?.address;
  if (vip) argv.push('--vip', vip.includes('/') ? vip : `${vip}/32`);
  if (one?.virtualRouterId) argv.push('--vrid', String(one.virtualRouterId));
  const second = two?.virtualIpaddress[0]?.address;
  if (second) argv.push('--second-vip', second.includes('/') ? second : `${second}/32`);
  if (two?.virtualRouterId) argv.push('--second-vrid', String(two.virtualRouterId));
  argv.push('--yes');
  return commandLine(argv);
}

/**
 * Both nodes have a vrrp_instance to compare, or the reason the comparison is skipped:
 * neither has one, or (several instances) this one is on one node only.
 */
export async function bothInstancesOrReason(p: PairContext): Promise<Applies> {
  if ((await bothInstances(p)) !== null) return true;
  const lone = await loneInstance(p);
  return lone ? t('pair.doctor.onlyOn', { instance: lone.instance.name, node: lone.label }) : t('pair.doctor.noInstance');
}

/** The pair is seen through one instance (several on a node) that only one node has: that node's. */
export async function loneInstance(p: PairContext): Promise<NodeInstance | null> {
  if (p.instance === undefined) return null;
  const [a, b] = await Promise.all([nodeInstance(p.a, p.labels.a), nodeInstance(p.b, p.labels.b)]);
  return a && !b ? a : b && !a ? b : null;
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
  /** This check is where an instance configured on one node only fails (one check says it, the others skip). */
  reportsLoneInstance?: boolean;
}

export function sameValueCheck(spec: SameSpec): PairCheck {
  return {
    id: spec.id,
    title: () => t(spec.title),
    perInstance: true,
    applies: async (p) => (spec.reportsLoneInstance === true && (await loneInstance(p)) !== null) || bothInstancesOrReason(p),
    async run(p) {
      const lone = spec.reportsLoneInstance ? await loneInstance(p) : null;
      if (lone) {
        const other = lone.label === p.labels.a ? p.labels.b : p.labels.a;
        const vips = lone.instance.virtualIpaddress.map((v) => v.address).join(', ') || '-';
        return fail(t('pair.doctor.missingOn', { instance: lone.instance.name, node: lone.label, other, vips }), [`${lone.label}: ${spec.value(lone)}`, `${other}: -`], {
          explain: t('pair.doctor.fix.rerun'),
          commands: [pairSetupCommand(p, lone)],
        });
      }
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
