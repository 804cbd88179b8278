// The wire checks on what real keepalived 2.2.7 did in a dual-master lab (`lab up
// --active-active`: VI_1 VIP 192.0.2.50 mastered by ha1, VI_2 VIP 192.0.2.51 by ha2),
// recorded by test/fixtures/doctor-wire/record.ts --active-active: one capture of both
// instances, both instances' stats and data, the log. The runner runs each wire check once
// per instance on the one recorded context; each fault is named for VI_2 on the right node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replay, WIRE_FIXTURES } from './doctor-wire-replay.js';
import { WIRE_CHECKS } from '../../checks/index.js';
import { runChecks } from '../../src/doctor/run.js';
import { checkName, nodeUnits } from '../../src/doctor/instances.js';
import { pairConfig } from '../../src/doctor/wire/pair.js';
import { setupCommand } from '../../src/doctor/wire/fixes.js';
import type { CheckStatus } from '../../checks/types.js';
import { setLang } from '../../src/i18n/index.js';

setLang('en');

/** What each `check [instance]` must say on each recorded node; the others must be ok. */
const EXPECTED: Record<string, Record<string, CheckStatus>> = {
  'aa-healthy/ha1': {},
  'aa-healthy/ha2': {},
  // Only VI_2's password differs: each node drops the other's VI_2 adverts, both hold 192.0.2.51.
  'aa-password-vi2/ha2': { 'peer-auth [VI_2]': 'fail', 'vip-placement [VI_2]': 'fail' },
  'aa-password-vi2/ha1': { 'peer-auth [VI_2]': 'fail', 'vip-placement [VI_2]': 'fail' },
  // VI_2's VIP added by hand on ha1, its BACKUP.
  'aa-vip2-by-hand/ha1': { 'vip-placement [VI_2]': 'fail' },
};

for (const [where, row] of Object.entries(EXPECTED)) {
  const [scenario, node] = where.split('/') as [string, string];
  test(`recorded dual-master ${where}: ${Object.entries(row).map(([k, v]) => `${k} ${v}`).join(', ') || 'all ok'}, VI_1 untouched`, async () => {
    assert.ok(existsSync(join(WIRE_FIXTURES, scenario, node, 'meta.json')), `fixture ${where} is missing`);
    const { ctx } = await replay(scenario, node);
    const report = await runChecks(ctx, WIRE_CHECKS);
    assert.equal(report.checks.length, 2 * WIRE_CHECKS.length);
    for (const c of report.checks) {
      const name = checkName(c);
      assert.ok(c.instance === 'VI_1' || c.instance === 'VI_2', name);
      assert.equal(c.status, row[name] ?? 'ok', `${where} ${name}: ${c.summary}\n${c.details.join('\n')}`);
    }
  });
}

test('recorded dual-master: the setup fix for VI_2 changes VI_2 (--second-vrid), from the answers file or from the running config', async () => {
  for (const noAnswers of [false, true]) {
    const { ctx } = await replay('aa-healthy', 'ha2', { noAnswers });
    const vi2 = (await nodeUnits(ctx, true)).find((u) => u.instance === 'VI_2')!.ctx;
    const cmd = await setupCommand(vi2, (await pairConfig(vi2))!, { vrid: 53 });
    if (!noAnswers) assert.match(cmd, /^ha-setup lab exec ha2 -- ha-setup setup --answers \S+ --second-vrid 53 --existing replace --yes$/);
    else assert.match(cmd, /setup --mode active-active --role backup --interface eth0 --vip 192\.0\.2\.50\/24 --vrid 51 --priority 100 --second-vip 192\.0\.2\.51\/24 --second-vrid 53 --second-priority 150 /);
  }
});
