/**
 * Where each VIP of a config goes, for `inspect`: with every check passing and when nginx
 * dies on this node or on the peer. The peer is its own config when given, else the
 * mirror of this one (what setup writes on the other node). Pure: the caller reads files.
 */
import type { KeepalivedConfig } from '../keepalived/model.js';
import { DEFAULTS } from '../defaults.js';
import { t } from '../i18n/index.js';
import { mirroredConfig, vipPlacements } from './election.js';

/** The two nodes, as the JSON names them (keys never translated). */
export type PlacementNodeName = 'this' | 'peer';

/** `inspect --json`'s `vip_placement` (docs/inspect.md). */
export interface PlacementReport {
  /** `file`: the peer's own config (`--peer-config`); `mirror`: assumed to mirror this one (file null). */
  peer: { source: 'file' | 'mirror'; file: string | null };
  vips: Array<{ vip: string; instance: string; holder: PlacementNodeName | null; nginx_down: Record<PlacementNodeName, PlacementNodeName | null> }>;
}

export function placementReport(config: KeepalivedConfig, peer: { file: string; config: KeepalivedConfig } | null): PlacementReport {
  const other = peer?.config ?? mirroredConfig(config, DEFAULTS.priority);
  const list = vipPlacements([
    { name: 'this', config },
    { name: 'peer', config: other },
  ]);
  const as = (n: string | null) => n as PlacementNodeName | null;
  return {
    peer: peer ? { source: 'file', file: peer.file } : { source: 'mirror', file: null },
    vips: list.map((p) => ({ vip: p.vip, instance: p.instance, holder: as(p.holder), nginx_down: { this: as(p.whenNginxDies.this ?? null), peer: as(p.whenNginxDies.peer ?? null) } })),
  };
}

/** The report as lines of text, in the user's language. */
export function placementLines(r: PlacementReport): string[] {
  if (r.vips.length === 0) return [];
  const who = (n: PlacementNodeName | null) => t(n === 'this' ? 'doctor.election.thisNode' : n === 'peer' ? 'doctor.election.thePeer' : 'doctor.election.nobody');
  return [
    t('inspect.placement.title', { peer: r.peer.file ?? t('inspect.placement.mirror') }),
    ...r.vips.map((v) => `  ${t('inspect.placement.vip', { vip: v.vip, instance: v.instance, holder: who(v.holder), thisDown: who(v.nginx_down.this), peerDown: who(v.nginx_down.peer) })}`),
  ];
}
