// How long `ha-setup doctor` takes on a healthy lab node, against the target of
// 3 x advert_int + 1 s (advert_int 1 in the lab). Median of RUNS runs per node: the time
// doctor reports for its checks and the wall time of the whole command as a user waits
// for it. Printed figures, never assertions.
// Run: node --import tsx bench/doctor.ts   (root; run `node scripts/build.mjs` first)
import { execa } from 'execa';
import { cliPath } from '../test/helpers/paths.js';
import { takeLabLock } from '../test/helpers/lab-lock.js';
import { LAB_VRRP } from '../src/lab/constants.js';

const RUNS = Number(process.env.RUNS ?? 5);
const cli = (args: string[]) => execa('node', [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', LANG: 'C.UTF-8' } });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const target = (3 * LAB_VRRP.advertInt + 1) * 1000;
const release = await takeLabLock('bench/doctor');
try {
  await cli(['lab', 'down']);
  const up = await cli(['lab', 'up']);
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  console.log(`doctor on a healthy lab node, ${RUNS} runs each (median, min-max); target ${target} ms`);
  for (const node of ['ha1', 'ha2']) {
    const reported: number[] = [];
    const wall: number[] = [];
    const codes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const r = await cli(['lab', 'exec', node, '--', 'node', cliPath, 'doctor', '--json']);
      wall.push(performance.now() - started);
      codes.push(r.exitCode ?? -1);
      reported.push(JSON.parse(r.stdout).durationMs);
    }
    const fmt = (xs: number[]) => `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`;
    console.log(`  ${node}: checks ${fmt(reported)} ms, wall ${fmt(wall)} ms, ${median(wall) <= target ? 'within' : 'OVER'} target; exit codes ${codes.join(',')}`);
  }
} finally {
  await cli(['lab', 'down']);
  await release();
}
