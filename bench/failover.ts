// The client-visible outage of each failover-test mode in the lab, with the defaults the
// wizard writes (the lab's nodes are configured by the setup flow), next to the bound the
// protocol allows. Median of RUNS runs per mode, as measured by the tool itself and by an
// independent prober in the client namespace. Printed figures, never assertions.
// Run: node --import tsx bench/failover.ts   (root; builds nothing: run `node scripts/build.mjs` first)
import { takeLabLock } from '../test/helpers/lab-lock.js';
import { cli, FAILOVER_MODES, median, medianRange, runMode } from '../test/helpers/failover-runs.js';

const RUNS = Number(process.env.RUNS ?? 5);

const release = await takeLabLock('bench/failover');
try {
  await cli(['lab', 'down']);
  const up = await cli(['lab', 'up']);
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  console.log(`failover-test, ${RUNS} runs per mode, probe every 50 ms (median, min-max)`);
  console.log('mode        tool ms            client ms          failback ms   bound ms   exit codes');
  for (const mode of FAILOVER_MODES) {
    const m = await runMode(mode, RUNS);
    console.log(`${mode.padEnd(12)}${medianRange(m.tool).padEnd(19)}${medianRange(m.client).padEnd(19)}${median(m.failback).toFixed(0).padStart(8)}      ${String(m.boundMs).padStart(6)}     ${m.codes.join(',')}`);
  }
} finally {
  await cli(['lab', 'down']);
  await release();
}
