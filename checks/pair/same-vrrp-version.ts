import type { NodeInstance } from '../../src/doctor/pair-context.js';
import { sameValueCheck } from './same.js';

/** The instance's `version`, else global vrrp_version, else keepalived's default 2. */
export function vrrpVersionOf(n: NodeInstance): string {
  if (n.instance.version !== null) return String(n.instance.version);
  const global = n.config.globalDefs?.vrrpGlobals.find((s) => s.keyword === 'vrrp_version');
  return global?.args[0] ?? '2';
}

/** A VRRPv2 node drops v3 adverts and the other way round. */
export const sameVrrpVersion = sameValueCheck({
  id: 'pair-same-vrrp-version',
  title: 'pair.doctor.version.title',
  value: vrrpVersionOf,
  consequence: 'pair.doctor.version.consequence',
});
