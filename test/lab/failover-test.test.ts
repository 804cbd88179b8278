// failover-test end to end in the lab, through the built CLI (run `node scripts/build.mjs`
// first; `npm test` does), on every keepalived release of the lab matrix. Each mode must
// move the VIP to ha2 and back within its bound, agree with an independent prober in the
// client namespace, and leave both nodes as they were.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { clientOutages, startClientProber } from '../helpers/prober.js';
import { assertNodesAsBefore, assertTimelineAgrees, waitVipOnHa1 } from '../helpers/failover-lab.js';
import { LAB_ADDRESSES, LAB_VIP } from '../../src/lab/constants.js';
import { labExecEnv } from '../../src/lab/exec.js';
import { HANDOVER_ALLOWANCE_MS } from '../../src/failover/bound.js';
import { labServices } from '../../src/lab/services.js';
import { labMatrix, labSuiteHooks, baselineTest } from '../helpers/lab-releases.js';
import { FAILOVER_MODES } from '../../src/failover/types.js';

const URL = `http://${LAB_VIP}/`;
const PROBE_INTERVAL_MS = 50;
before(() => {
  assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run node scripts/build.mjs');
});

for (const lab of labMatrix()) {
  describe(`keepalived ${lab.release} (${lab.how})`, () => {
    const onBaseline = baselineTest(lab);
    labSuiteHooks(lab, 'failover-test');

    for (const mode of FAILOVER_MODES) {
      test(`--mode ${mode}: the VIP moves to ha2 within the bound and back, measured like an independent client measures it`, async () => {
        assert.ok(await waitVipOnHa1(15_000), 'ha1 does not hold the VIP before the run');
        const prober = await startClientProber(URL, PROBE_INTERVAL_MS, 200);
        const r = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--yes', '--json', '--mode', mode], { timeoutMs: 90_000 });
        const client = clientOutages(await prober.stop(), 'ha1', 'ha2');
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        const report = JSON.parse(r.stdout) as {
          mode: string;
          events: Array<{ t_ms: number; event: string; detail: string }>;
          failover: { outage_ms: number; failed_requests: number; new_owner: string | null };
          failback: { outage_ms: number; failed_requests: number };
          expected_bound_ms: number;
          restored: boolean;
          owner_before: string;
          owner_after: string;
        };
        process.stderr.write(
          `# keepalived ${lab.release} ${mode}: tool ${report.failover.outage_ms} ms (${report.failover.failed_requests} failed), client ${client.failover.outageMs} ms ` +
            `(${client.failover.failed}); failback tool ${report.failback.outage_ms} ms, client ${client.failback.outageMs} ms; bound ${report.expected_bound_ms} ms\n`,
        );
        assert.equal(report.mode, mode);
        assert.equal(report.restored, true);
        assert.equal(report.failover.new_owner, LAB_ADDRESSES.ha2);
        assert.equal(report.owner_before, LAB_ADDRESSES.ha1);
        assert.equal(report.owner_after, LAB_ADDRESSES.ha1);
        assert.ok(report.failover.outage_ms > 0, 'a failover without any failed request is not plausible here');
        // Within the bound as the tool defines it (keepalived's timers, plus the measurement's
        // resolution and the hand-over), as the independent client saw it.
        const allowed = report.expected_bound_ms + PROBE_INTERVAL_MS + HANDOVER_ALLOWANCE_MS;
        assert.ok(client.failover.outageMs <= allowed, `client outage ${client.failover.outageMs} ms above the bound ${report.expected_bound_ms} ms (+${PROBE_INTERVAL_MS + HANDOVER_ALLOWANCE_MS} ms)`);
        assertTimelineAgrees(report, client, ['fault-injected', 'vip-released', 'first-failed-request', 'first-peer-answer', 'fault-removed', 'vip-back', 'restored']);
        await assertNodesAsBefore();
        assert.ok(await waitVipOnHa1(10_000), 'the VIP is not back on ha1');
      });
    }

    onBaseline('a run interrupted with SIGINT in the middle restores everything', async () => {
      assert.ok(await waitVipOnHa1(15_000));
      // ip netns exec execs in place: the pid we signal is the failover-test process itself.
      const child = execa('ip', ['netns', 'exec', 'ha1', 'node', cliPath, 'failover-test', '--yes', '--mode', 'nginx'], {
        env: { ...labExecEnv('ha1'), NO_COLOR: '1', LANG: 'C.UTF-8' },
        reject: false,
      });
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (c: Buffer) => {
          stderr += c.toString();
          if (/VIP released here/.test(stderr)) resolve();
        });
        void child.then(() => reject(new Error(`ended before the VIP moved:\n${stderr}`)));
      });
      assert.ok(!(await labServices('ha1').isActive('nginx')), 'nginx should be stopped mid-run');
      child.kill('SIGINT');
      const r = await child;
      assert.equal(r.exitCode, 130, `${r.stdout}\n${r.stderr}`);
      assert.match(String(r.stdout), /everything restored: yes/);
      await assertNodesAsBefore();
      assert.ok(await waitVipOnHa1(10_000), 'the VIP is not back on ha1');
    });

    onBaseline('a run on the backup is refused and changes nothing', async () => {
      const r = await runCli(['lab', 'exec', 'ha2', '--', 'node', cliPath, 'failover-test', '--yes', '--mode', 'nginx']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /does not hold the VIP 192\.0\.2\.50.*not the MASTER/);
      assert.match(r.stderr, /nothing was changed/);
      await assertNodesAsBefore();
    });

    onBaseline('without a terminal and without --yes it refuses, naming --yes', async () => {
      const r = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test']);
      assert.equal(r.code, 64, r.stderr);
      assert.match(r.stderr, /--yes/);
      await assertNodesAsBefore();
    });

    onBaseline('--dry-run describes the steps and changes nothing', async () => {
      const r = await runCli(['lab', 'exec', 'ha1', '--', 'node', cliPath, 'failover-test', '--dry-run', '--mode', 'keepalived']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /stop keepalived/);
      assert.match(r.stdout, /dry run/);
      await assertNodesAsBefore();
    });
  });
}
