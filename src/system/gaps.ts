/**
 * Facts we could not see. Absent facts stay null in the result (never guessed); this list
 * says which ones and why, so "null" can be told apart from "no".
 */
export type GapReason =
  /** The file or command is not there. */
  | 'missing'
  /** It is there but needs root (DMI product_uuid, nft, ufw, other users' /proc entries). */
  | 'permission'
  /** It ran but its output could not be understood. */
  | 'unparsed'
  /** It cannot be known for this host (e.g. systeminformation inside a lab namespace). */
  | 'not-applicable';

export interface Unavailable {
  /** Dotted fact id, e.g. "firewall.nftables", "cloud.product_uuid", "keepalived.pid". */
  fact: string;
  reason: GapReason;
}

export class Gaps {
  readonly list: Unavailable[] = [];
  add(fact: string, reason: GapReason): void {
    if (!this.list.some((u) => u.fact === fact)) this.list.push({ fact, reason });
  }
}

/** EACCES/EPERM from a read, or "Operation not permitted"/"need to be root" from a command. */
export function isPermissionError(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'EACCES' || code === 'EPERM';
}

export function saysNeedsRoot(text: string): boolean {
  return /operation not permitted|permission denied|need to be root|must be root|are you root/i.test(text);
}
