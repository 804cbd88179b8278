/** What the failover-test lab tests (node mode and pair mode) check after each run. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { LAB_NODES, labNodeRoot } from '../../src/lab/constants.js';
import { labServices } from '../../src/lab/services.js';
import { holdsVip } from '../../src/lab/status.js';
import { DEFAULTS } from '../../src/defaults.js';
import { FAILOVER_LOCK } from '../../src/failover/lock.js';
import type { clientOutages } from './prober.js';

/** The acceptance: the tool and an independent client agree within this. */
export const AGREEMENT_MS = 150;

/** After a run the VIP must be (or come back) on ha1; preempt takes ~3.4 s after a restart. */
export async function waitVipOnHa1(timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await holdsVip('ha1')) && !(await holdsVip('ha2'))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Both nodes run nginx and keepalived, and no maintenance flag or lock is left behind. */
export async function assertNodesAsBefore(): Promise<void> {
  for (const node of LAB_NODES) {
    for (const service of ['nginx', 'keepalived'] as const) {
      assert.ok(await labServices(node).isActive(service), `${service} is not running on ${node}`);
    }
    assert.ok(!existsSync(`${labNodeRoot(node)}${DEFAULTS.paths.maintenanceFlag}`), `maintenance flag left behind on ${node}`);
    assert.ok(!existsSync(`${labNodeRoot(node)}${FAILOVER_LOCK}`), `failover-test lock left behind on ${node}`);
  }
}

export interface FailoverReport {
  events: Array<{ t_ms: number; event: string; detail: string }>;
  failover: { outage_ms: number; failed_requests: number; new_owner: string | null };
  failback: { outage_ms: number; failed_requests: number };
}

/** The expected events happened, in time order, and the tool agrees with the independent client. */
export function assertTimelineAgrees(report: FailoverReport, client: ReturnType<typeof clientOutages>, expectedEvents: string[]): void {
  const names = report.events.map((e) => e.event);
  for (const e of expectedEvents) assert.ok(names.includes(e), `event ${e} missing: ${names.join(', ')}`);
  const times = report.events.map((e) => e.t_ms);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'events are in time order');
  assert.ok(Math.abs(report.failover.outage_ms - client.failover.outageMs) <= AGREEMENT_MS, `failover: tool ${report.failover.outage_ms} ms vs client ${client.failover.outageMs} ms`);
  assert.ok(Math.abs(report.failback.outage_ms - client.failback.outageMs) <= AGREEMENT_MS, `failback: tool ${report.failback.outage_ms} ms vs client ${client.failback.outageMs} ms`);
}
