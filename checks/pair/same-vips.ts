import { sameValueCheck } from './same.js';

/** The VIP set is what moves: a node that would take over a different set leaves clients stranded. */
export const sameVips = sameValueCheck({
  id: 'pair-same-vips',
  title: 'pair.doctor.vips.title',
  value: (n) => n.instance.virtualIpaddress.map((v) => v.address).sort().join(', ') || '-',
  consequence: 'pair.doctor.vips.consequence',
});
