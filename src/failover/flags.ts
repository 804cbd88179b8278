/** failover-test's own flags and their checks (the same for one node and for a pair). */
import { isIP } from 'node:net';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { FAILOVER_MODES, type FailoverMode } from './types.js';

export interface FailoverFlags {
  mode?: string;
  interval?: string;
  timeout?: string;
  peer?: string;
  instance?: string;
  vip?: string;
}

export interface ParsedFlags {
  mode: FailoverMode;
  intervalMs: number;
  timeoutMs: number;
  peer: string | null;
  instance: string | null;
  /** The VIP whose master is taken down (its instance); null: the instance this node is MASTER of. */
  vip: string | null;
}

export function parseFlags(flags: FailoverFlags): ParsedFlags {
  const mode = (flags.mode ?? 'drain') as FailoverMode;
  if (!FAILOVER_MODES.includes(mode)) throw new UserError({ field: '--mode', value: flags.mode, accepted: t('failover.accepted.mode') });
  const interval = Number(flags.interval ?? '50');
  if (!Number.isInteger(interval) || interval < 10 || interval > 1000) {
    throw new UserError({ field: '--interval', value: flags.interval, accepted: t('failover.accepted.interval') });
  }
  const timeout = Number(flags.timeout ?? '60');
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 600) {
    throw new UserError({ field: '--timeout', value: flags.timeout, accepted: t('failover.accepted.timeout') });
  }
  const vip = flags.vip === undefined ? null : flags.vip.trim().split('/')[0]!;
  if (vip !== null && !isIP(vip)) throw new UserError({ field: '--vip', value: flags.vip, accepted: t('failover.accepted.vip') });
  return { mode, intervalMs: interval, timeoutMs: timeout * 1000, peer: flags.peer ?? null, instance: flags.instance ?? null, vip };
}
