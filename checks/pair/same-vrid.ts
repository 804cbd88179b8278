import { sameValueCheck } from './same.js';

/** Different VRIDs are two separate groups: each node is MASTER of its own, both hold the VIP. */
export const sameVrid = sameValueCheck({
  id: 'pair-same-vrid',
  title: 'pair.doctor.vrid.title',
  value: (n) => String(n.instance.virtualRouterId ?? '-'),
  consequence: 'pair.doctor.vrid.consequence',
  reportsLoneInstance: true,
});
