/**
 * `ha-setup notify test`: the node's own notify script sends one test message through each
 * channel it has, synchronously (`ha-notify.sh --test`), so what is tested is exactly what
 * keepalived will run: the same script, secrets file, curl and openssl on the same node.
 */
import type { Host } from '../host/types.js';
import { DEFAULTS } from '../defaults.js';
import { CHANNEL_IDS, type ChannelId } from './channels.js';

export interface ChannelResult {
  channel: ChannelId;
  ok: boolean;
  /** What failed (curl's message, the robot's answer); empty when delivered. */
  detail: string;
  ms: number;
}

export type NotifyTestOutcome = { kind: 'noScript'; path: string } | { kind: 'none' } | { kind: 'sent'; results: ChannelResult[] };

/** Parse the script's `CHANNEL ok` / `CHANNEL fail DETAIL` lines. */
export function parseTestLines(stdout: string, ms: number): ChannelResult[] {
  return stdout
    .split('\n')
    .map((l) => /^(\S+) (ok|fail)(?: (.*))?$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null && (CHANNEL_IDS as readonly string[]).includes(m[1]!))
    .map((m) => ({ channel: m[1] as ChannelId, ok: m[2] === 'ok', detail: (m[3] ?? '').trim(), ms }));
}

export async function runNotifyTest(host: Host): Promise<NotifyTestOutcome> {
  const path = DEFAULTS.paths.notifyScript;
  if (!(await host.exists(path))) return { kind: 'noScript', path };
  const started = Date.now();
  // Every channel in turn, each cut off after the script's own timeout.
  const budget = (DEFAULTS.notify.timeoutSeconds + 2) * CHANNEL_IDS.length * 1000;
  const r = await host.exec('sh', [host.runtimePath(path), '--test'], { why: 'send one test message through each notification channel', timeoutMs: budget });
  if (r.stdout.trim() === 'none') return { kind: 'none' };
  return { kind: 'sent', results: parseTestLines(r.stdout, Date.now() - started) };
}
