// The client-side outage of each failover-test mode, per keepalived release: measured in the
// lab for the releases that run here (Debian's 2.2.7, our builds of 2.3.3 and 2.3.4; RUNS
// runs per mode, median and min-max, by an independent prober in the client namespace),
// and quoted from the recordings for the others (one run each, marked "rec").
// Printed figures, never assertions.
// Run: node --import tsx bench/releases.ts   (root; run `node scripts/build.mjs` first; RUNS=3 default;
//      HA_SETUP_LAB_RELEASES=2.3.3 narrows the measured releases)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_RELEASES } from '../src/keepalived/releases.js';
import { takeLabLock } from '../test/helpers/lab-lock.js';
import { labMatrix } from '../test/helpers/lab-releases.js';
import { cli, FAILOVER_MODES, medianRange, runMode, type FailoverMode } from '../test/helpers/failover-runs.js';
import { sharedDir } from '../test/helpers/paths.js';

const RUNS = Math.max(3, Number(process.env.RUNS ?? 3));
const RECORDINGS = join(sharedDir, 'reference', 'keepalived-recordings');

/**
 * What timing.txt of a recorded release says, as the outage a client would see in each mode.
 * The recorder polled the VIP on both nodes (no client), one run:
 * - drain (the check fails, nginx still serves): from the VIP leaving the master to it showing on the backup;
 * - nginx (nginx is gone from the fault on): from the fault to the VIP on the backup;
 * - keepalived (SIGTERM): from the signal to the VIP on the backup.
 */
function recordedOutages(timing: string): Partial<Record<FailoverMode, number>> {
  const fault = /^fault .*-> VIP on rec-b: (\d+) ms .*VIP gone from rec-a at (\d+) ms/m.exec(timing);
  const stop = /^SIGTERM .*-> VIP on rec-b: (\d+) ms/m.exec(timing);
  return {
    ...(fault ? { drain: Number(fault[1]) - Number(fault[2]), nginx: Number(fault[1]) } : {}),
    ...(stop ? { keepalived: Number(stop[1]) } : {}),
  };
}

const measured = new Map<string, Record<FailoverMode, string> & { bound: string }>();
for (const lab of labMatrix()) {
  const binary = await lab.binary();
  const release = await takeLabLock(`bench/releases ${lab.release}`);
  try {
    await cli(['lab', 'down']);
    const up = await cli(['lab', 'up', '--keepalived', binary]);
    if (up.exitCode !== 0) throw new Error(`lab up --keepalived ${binary} failed: ${up.stderr}`);
    const row = { bound: '' } as Record<FailoverMode, string> & { bound: string };
    const bounds: number[] = [];
    for (const mode of FAILOVER_MODES) {
      const m = await runMode(mode, RUNS);
      const failed = m.codes.filter((c) => c !== 0).length;
      row[mode] = `${medianRange(m.client)}${failed ? ` [${failed} exit!=0]` : ''}`;
      bounds.push(m.boundMs);
    }
    row.bound = bounds.join('/');
    measured.set(lab.release, row);
  } finally {
    await cli(['lab', 'down']);
    await release();
  }
}

const cell = (s: string, w: number) => s.padEnd(w);
console.log(`client-side outage in ms per release and failover-test mode: median (min-max) of ${RUNS} runs measured here; "rec" = one run quoted from the recordings (timing.txt)`);
console.log(`${cell('keepalived', 12)}${cell('source', 40)}${FAILOVER_MODES.map((m) => cell(m, 22)).join('')}bound ms (drain/nginx/keepalived)`);
for (const { version } of KNOWN_RELEASES) {
  const row = measured.get(version);
  if (row) {
    const how = labMatrix().find((l) => l.release === version)!.how;
    console.log(`${cell(version, 12)}${cell(`measured (${how})`, 40)}${FAILOVER_MODES.map((m) => cell(row[m], 22)).join('')}${row.bound}`);
    continue;
  }
  const file = join(RECORDINGS, version, 'timing.txt');
  const rec = existsSync(file) ? recordedOutages(readFileSync(file, 'utf8')) : {};
  const values = FAILOVER_MODES.map((m) => cell(rec[m] === undefined ? '-' : `${rec[m]} rec`, 22)).join('');
  console.log(`${cell(version, 12)}${cell(existsSync(file) ? 'recorded (1 run)' : 'not recorded', 40)}${values}`);
}
