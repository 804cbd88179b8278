import { t } from '../../src/i18n/index.js';
import { bothInstances, type NodeInstance, type PairContext } from '../../src/doctor/pair-context.js';
import { fail, ok, type PairCheck } from './types.js';
import { bothInstancesOrReason, pairSetupCommand } from './same.js';

/** The node's own addresses on its VRRP interface (unicast_src_ip first when set). */
async function ownAddresses(p: PairContext, which: 'a' | 'b', n: NodeInstance): Promise<string[]> {
  const facts = await p[which].facts();
  const iface = facts.interfaces.find((i) => i.name === n.instance.interface);
  const list = [...(iface?.ipv4 ?? []), ...(iface?.ipv6 ?? [])].map((a) => a.split('/')[0]!);
  return n.instance.unicastSrcIp ? [n.instance.unicastSrcIp, ...list] : list;
}

/**
 * Unicast on both or on neither, and each node's unicast_peer naming the other: a peer
 * list that names some other address sends the adverts nowhere useful, both become MASTER.
 */
export const unicastPeers: PairCheck = {
  id: 'pair-unicast-peers',
  title: () => t('pair.doctor.unicast.title'),
  perInstance: true,
  applies: bothInstancesOrReason,
  async run(p) {
    const [a, b] = (await bothInstances(p))!;
    const details = [a, b].map((n) => `${n.label}: unicast_src_ip ${n.instance.unicastSrcIp ?? '-'}, unicast_peer ${n.instance.unicastPeer.join(' ') || '-'}`);
    const fix = { explain: t('pair.doctor.fix.rerun'), commands: [pairSetupCommand(p, a)] };
    const ua = a.instance.unicastPeer.length > 0;
    const ub = b.instance.unicastPeer.length > 0;
    if (!ua && !ub) return ok(t('pair.doctor.unicast.multicast'), details);
    if (ua !== ub) return fail(t('pair.doctor.unicast.mixed', { unicast: ua ? a.label : b.label, multicast: ua ? b.label : a.label }), details, fix);
    const [addrA, addrB] = await Promise.all([ownAddresses(p, 'a', a), ownAddresses(p, 'b', b)]);
    const problems: string[] = [];
    if (!a.instance.unicastPeer.some((x) => addrB.includes(x))) problems.push(t('pair.doctor.unicast.missing', { node: a.label, peer: b.label, addresses: addrB.join(', ') || '-' }));
    if (!b.instance.unicastPeer.some((x) => addrA.includes(x))) problems.push(t('pair.doctor.unicast.missing', { node: b.label, peer: a.label, addresses: addrA.join(', ') || '-' }));
    if (problems.length) return fail(problems.join('; '), details, fix);
    return ok(t('pair.doctor.unicast.ok'), details);
  },
};
