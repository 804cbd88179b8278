/**
 * Repeated failover-test runs in the lab, each watched by an independent prober in the
 * client namespace: what bench/failover.ts and bench/releases.ts print. Figures only; the
 * lab must be up with ha1 as MASTER.
 */
import { execa } from 'execa';
import { cliPath } from './paths.js';
import { clientOutages, startClientProber } from './prober.js';
import { LAB_VIP } from '../../src/lab/constants.js';
import { holdsVip } from '../../src/lab/status.js';

export { FAILOVER_MODES, type FailoverMode } from '../../src/failover/types.js';
import type { FailoverMode } from '../../src/failover/types.js';

export const cli = (args: string[]) => execa('node', [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', LANG: 'C.UTF-8' } });

export interface ModeRuns {
  /** Outage as failover-test measured it, per run that produced a report. */
  tool: number[];
  /** Outage as the client prober saw it, per run. */
  client: number[];
  failback: number[];
  codes: number[];
  boundMs: number;
}

export async function runMode(mode: FailoverMode, runs: number): Promise<ModeRuns> {
  const out: ModeRuns = { tool: [], client: [], failback: [], codes: [], boundMs: 0 };
  for (let i = 0; i < runs; i++) {
    // the old master must hold the VIP again (preempt) before the next run
    for (let w = 0; w < 150 && !((await holdsVip('ha1')) && !(await holdsVip('ha2'))); w++) await new Promise((r) => setTimeout(r, 100));
    const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
    const r = await cli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--json', '--mode', mode]);
    const c = clientOutages(await prober.stop(), 'ha1', 'ha2');
    out.codes.push(r.exitCode ?? -1);
    try {
      const rep = JSON.parse(String(r.stdout)) as { failover: { outage_ms: number }; failback: { outage_ms: number }; expected_bound_ms: number };
      out.tool.push(rep.failover.outage_ms);
      out.failback.push(rep.failback.outage_ms);
      out.boundMs = rep.expected_bound_ms;
    } catch {
      // a failed run has no report: its exit code says so
    }
    out.client.push(c.failover.outageMs);
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** "612 (598-640)" */
export function medianRange(xs: number[]): string {
  return xs.length === 0 ? '-' : `${median(xs).toFixed(0)} (${Math.min(...xs)}-${Math.max(...xs)})`;
}
