// The client-visible outage of each failover-test mode in the lab, with the defaults the
// wizard writes (the lab's nodes are configured by the setup flow), next to the bound the
// protocol allows. Median of RUNS runs per mode, as measured by the tool itself and by an
// independent prober in the client namespace. Printed figures, never assertions.
// Run: node --import tsx bench/failover.ts   (root; builds nothing: run `node scripts/build.mjs` first)
import { execa } from 'execa';
import { cliPath } from '../test/helpers/paths.js';
import { takeLabLock } from '../test/helpers/lab-lock.js';
import { clientOutages, startClientProber } from '../test/helpers/prober.js';
import { LAB_VIP } from '../src/lab/constants.js';
import { holdsVip } from '../src/lab/status.js';

const RUNS = Number(process.env.RUNS ?? 5);
const cli = (args: string[]) => execa('node', [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', LANG: 'C.UTF-8' } });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const release = await takeLabLock('bench/failover');
try {
  await cli(['lab', 'down']);
  const up = await cli(['lab', 'up']);
  if (up.exitCode !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  console.log(`failover-test, ${RUNS} runs per mode, probe every 50 ms (median, min-max)`);
  console.log('mode        tool ms            client ms          failback ms   bound ms   exit codes');
  for (const mode of ['drain', 'nginx', 'keepalived']) {
    const tool: number[] = [];
    const client: number[] = [];
    const back: number[] = [];
    const codes: number[] = [];
    let bound = 0;
    for (let i = 0; i < RUNS; i++) {
      // the old master must hold the VIP again (preempt) before the next run
      for (let w = 0; w < 150 && !((await holdsVip('ha1')) && !(await holdsVip('ha2'))); w++) await new Promise((r) => setTimeout(r, 100));
      const prober = await startClientProber(`http://${LAB_VIP}/`, 50, 200);
      const r = await cli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--json', '--mode', mode]);
      const c = clientOutages(await prober.stop(), 'ha1', 'ha2');
      codes.push(r.exitCode ?? -1);
      try {
        const rep = JSON.parse(String(r.stdout)) as { failover: { outage_ms: number }; failback: { outage_ms: number }; expected_bound_ms: number };
        tool.push(rep.failover.outage_ms);
        back.push(rep.failback.outage_ms);
        bound = rep.expected_bound_ms;
      } catch {
        // a failed run has no report: its exit code says so
      }
      client.push(c.failover.outageMs);
    }
    const range = (xs: number[]) => `${median(xs).toFixed(0).padStart(5)} (${Math.min(...xs)}-${Math.max(...xs)})`.padEnd(19);
    console.log(`${mode.padEnd(12)}${range(tool)}${range(client)}${median(back).toFixed(0).padStart(8)}      ${String(bound).padStart(6)}     ${codes.join(',')}`);
  }
} finally {
  await cli(['lab', 'down']);
  await release();
}
