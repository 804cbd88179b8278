import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_STATUSES, type Check, type CheckResult } from '../../checks/types.js';
import { repoRoot } from '../helpers/paths.js';
import { applyFixes, exitCodeFor, keepalivedSettleMs, runChecks, selectChecks } from '../../src/doctor/run.js';
import { ALL_CHECKS, NODE_CHECKS, WIRE_CHECKS } from '../../checks/index.js';
import { doctorJson, renderDoctorReport } from '../../src/ui/doctor-report.js';
import { output } from '../../src/ui/output.js';
import { LocalHost } from '../../src/host/local.js';
import { UserError } from '../../src/errors.js';
import { setLang } from '../../src/i18n/index.js';
import { fakeContext, FakeServices, fixture } from './doctor-fake-context.js';
import { describeStep } from '../../src/setup/apply.js';

const res = (status: CheckResult['status'], summary = status): CheckResult => ({ status, summary, details: [], fix: status === 'ok' ? null : { explain: 'do this', commands: ['cmd --x'] } });
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function check(id: string, run: Check['run'], over: Partial<Check> = {}): Check {
  return { id, title: () => id, run, ...over };
}

/** A check with a bug: it throws. */
function crashing(id: string, message: string): Check {
  return check(id, async () => {
    throw new Error(message);
  });
}

test('checks run concurrently, results come back in check order', async () => {
  const ctx = await fakeContext();
  const finished: string[] = [];
  // Each check waits for the one listed after it: run one after the other, 'slow' would
  // wait for ever (and fail on its time limit); run together, they finish fast, mid, slow.
  const done = { fast: deferred(), mid: deferred() };
  const report = await runChecks(
    ctx,
    [
      check('slow', async () => (await done.mid.promise, finished.push('slow'), res('ok'))),
      check('fast', async () => (finished.push('fast'), done.fast.resolve(), res('warn'))),
      check('mid', async () => (await done.fast.promise, finished.push('mid'), done.mid.resolve(), res('ok'))),
    ],
    { timeoutMs: 5_000 },
  );
  assert.deepEqual(finished, ['fast', 'mid', 'slow']);
  assert.deepEqual(report.checks.map((c) => c.id), ['slow', 'fast', 'mid']);
  assert.deepEqual(report.summary, { ok: 2, warn: 1, fail: 0, skip: 0, error: 0 });
  assert.equal(exitCodeFor(report), 1);
});

test('a crashing check and a hanging one are errors, not faults of the node; the rest still report; exit 3', async () => {
  const ctx = await fakeContext();
  const report = await runChecks(
    ctx,
    [
      crashing('boom', 'cannot read /proc/x'),
      check('hang', () => new Promise(() => {})),
      check('fine', async () => res('ok')),
      check('n/a', async () => res('ok'), { applies: () => 'not here' }),
      check('warned', async () => res('warn')),
    ],
    { timeoutMs: 1_000 },
  );
  const [boom, hang, fine, na] = report.checks;
  assert.equal(boom!.status, 'error');
  assert.match(boom!.summary, /cannot read \/proc\/x/);
  assert.equal(hang!.status, 'error');
  assert.equal(hang!.summary, 'no answer within 1 s');
  assert.equal(fine!.status, 'ok');
  assert.deepEqual(na, { id: 'n/a', status: 'skip', summary: 'not here', details: [], fix: null });
  assert.deepEqual(report.summary, { ok: 1, warn: 1, fail: 0, skip: 1, error: 2 });
  assert.equal(exitCodeFor(report), 3);
});

test('a node over ssh gets the longer time limit: the same slow check is an answer there and an error here', async () => {
  // Only the runner's rule is under test: a host that says it is remote.
  class OverSsh extends LocalHost {
    override readonly remote = true;
  }
  const slow = check('slow', () => new Promise((r) => setTimeout(() => r(res('ok')), 300)));
  const here = await runChecks(await fakeContext(), [slow], { timeoutMs: 200 });
  const there = await runChecks(await fakeContext({ host: new OverSsh('/') }), [slow], { timeoutMs: 200 });
  assert.equal(here.checks[0]!.status, 'error');
  assert.equal(there.checks[0]!.status, 'ok');
});

test('an applies() that throws is an error too, and run is never called', async () => {
  const ctx = await fakeContext();
  let ran = false;
  const report = await runChecks(ctx, [
    check('x', async () => ((ran = true), res('ok')), {
      applies: () => {
        throw new Error('cannot tell');
      },
    }),
  ]);
  assert.equal(report.checks[0]!.status, 'error');
  assert.equal(ran, false);
  assert.equal(exitCodeFor(report), 3);
});

test('report: errors are shown apart from the node\'s problems, with how to report them; JSON counts them; a failure outranks them (exit 2)', async () => {
  const ctx = await fakeContext();
  const report = await runChecks(ctx, [
    crashing('crashy', 'undefined is not a function'),
    check('broken', async () => res('fail')),
  ]);
  assert.deepEqual(report.checks.map((c) => c.status), ['error', 'fail']);
  assert.equal(exitCodeFor(report), 2);
  const colour = output.color;
  output.color = false;
  try {
    const lines = renderDoctorReport(report);
    const problems = lines.indexOf('Problems and how to fix them:');
    const errors = lines.findIndex((l) => l.startsWith('Checks doctor could not finish'));
    assert.ok(problems > 0 && errors > problems, lines.join('\n'));
    const problemBlock = lines.slice(problems, errors);
    const errorBlock = lines.slice(errors);
    assert.ok(problemBlock.some((l) => l.includes('broken')));
    assert.ok(!problemBlock.some((l) => l.includes('crashy')), 'an error is listed among the node\'s problems');
    assert.ok(errorBlock.some((l) => /^ERR crashy: .*undefined is not a function/.test(l)));
    assert.ok(errorBlock.some((l) => l.includes('bug in doctor') && l.includes('ha-setup doctor --check crashy --json')));
    assert.ok(lines.some((l) => /1 could not finish/.test(l)));
    setLang('zh');
    const zh = renderDoctorReport(report);
    assert.ok(zh.some((l) => l.startsWith('doctor 未能完成的检查')));
    assert.ok(zh.some((l) => l.includes('doctor 的缺陷')));
  } finally {
    setLang('en');
    output.color = colour;
  }
  const json = doctorJson(report);
  assert.equal(json.checks[0]!.status, 'error');
  assert.deepEqual(json.summary, { ok: 0, warn: 0, fail: 1, skip: 0, error: 1 });
});

test('no errors: the report has no such section and the summary line is unchanged', async () => {
  const ctx = await fakeContext();
  const report = await runChecks(ctx, [check('a', async () => res('ok'))]);
  const lines = renderDoctorReport(report);
  assert.ok(!lines.some((l) => l.includes('could not finish')));
});

test('exit codes: 0 for ok and skip only', async () => {
  const ctx = await fakeContext();
  const report = await runChecks(ctx, [check('a', async () => res('ok')), check('b', async () => res('skip'))]);
  assert.equal(exitCodeFor(report), 0);
});

test('--check selects one; an unknown id is a UserError listing the ids', () => {
  assert.deepEqual(selectChecks(ALL_CHECKS, 'election').map((c) => c.id), ['election']);
  assert.throws(() => selectChecks(ALL_CHECKS, 'nope'), (e: unknown) => e instanceof UserError && /keepalived-installed, keepalived-running/.test(e.message) && e.exitCode === 64);
});

test('the list holds the node checks and the wire checks, ids unique', () => {
  const ids = ALL_CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(NODE_CHECKS.map((c) => c.id), ['keepalived-installed', 'keepalived-running', 'config-valid', 'maintenance', 'nginx-running', 'check-script', 'systemd-order', 'firewall-vrrp', 'cloud-multicast', 'priority', 'election', 'vip-reachable']);
  assert.deepEqual(WIRE_CHECKS.map((c) => c.id).sort(), ['advert-interval', 'multicast', 'peer-auth', 'unicast', 'vip-placement', 'vrid-conflict']);
});

test('--fix: asks once, applies each failing check\'s steps with the applier, re-runs those on a fresh context', async () => {
  const services = new FakeServices('sysv');
  const fixed = () => services.calls.includes('enable nginx');
  const checks = [
    check('broken', async () => res(fixed() ? 'ok' : 'fail'), { fixSteps: async () => [{ kind: 'service', op: 'enable', name: 'nginx', why: 'test' }] }),
    check('unfixable', async () => res('fail')),
    check('fine', async () => res('ok'), { fixSteps: async () => [{ kind: 'service', op: 'enable', name: 'keepalived', why: 'test' }] }),
  ];
  const ctx = await fakeContext();
  const first = await runChecks(ctx, checks);
  let asked: string[] = [];
  const declined = await applyFixes(ctx, checks, first, { confirm: async (list) => ((asked = list.map((x) => x.check.id)), false), freshContext: () => ctx });
  assert.deepEqual(asked, ['broken']);
  assert.equal(declined.confirmed, false);
  assert.deepEqual(services.calls, []);
  let fresh = 0;
  const done = await applyFixes(ctx, checks, first, {
    confirm: async () => true,
    freshContext: () => (fresh++, ctx),
    applyWith: { host: ctx.host, services },
  });
  assert.equal(fresh, 1);
  assert.deepEqual(services.calls, ['enable nginx']);
  assert.deepEqual(done.fixes, [{ id: 'broken', applied: true, actions: [describeStep({ kind: 'service', op: 'enable', name: 'nginx', why: 'test' })], error: null }]);
  assert.deepEqual(done.report.checks.map((c) => c.status), ['ok', 'fail', 'ok']);
  assert.equal(exitCodeFor(done.report), 2);
});

test('--fix: a repair that restarts keepalived is judged after keepalived settled, and every check runs again', async () => {
  // keepalived -t complained about the script (config-valid) until check-script's fix restarted keepalived.
  let restarted = false;
  const services = new FakeServices('lab');
  const checks = [
    check('config-valid', async () => res(restarted ? 'ok' : 'fail')),
    check('check-script', async () => res(restarted ? 'ok' : 'fail'), {
      fixSteps: async () => ((restarted = true), [{ kind: 'service', op: 'restart', name: 'keepalived', why: 'test' }]),
    }),
  ];
  const ctx = await fakeContext({ config: fixture('doctor', 'setup-master.conf') });
  const first = await runChecks(ctx, checks);
  const waited: number[] = [];
  const apply = { host: ctx.host, services };
  const done = await applyFixes(ctx, checks, first, { confirm: async () => true, freshContext: () => ctx, applyWith: apply, settle: async (ms) => void waited.push(ms) });
  // advert_int 1: 3 x 1 s of master-down interval plus 1 s of skew and script start.
  assert.deepEqual(waited, [keepalivedSettleMs(1)]);
  assert.equal(keepalivedSettleMs(1), 4000);
  // The repair went through the applying (audited) services, not the reading ones.
  assert.deepEqual(services.calls, ['restart keepalived']);
  assert.deepEqual(done.fixes.map((f) => f.applied), [true]);
  assert.deepEqual(done.report.checks.map((c) => `${c.id} ${c.status}`), ['config-valid ok', 'check-script ok']);
  // A repair that does not touch keepalived does not wait.
  const none: number[] = [];
  const plain = [check('x', async () => res('fail'), { fixSteps: async () => [{ kind: 'service', op: 'enable', name: 'nginx', why: 'test' }] })];
  await applyFixes(ctx, plain, await runChecks(ctx, plain), { confirm: async () => true, freshContext: () => ctx, applyWith: { host: ctx.host, services: new FakeServices('sysv') }, settle: async (ms) => void none.push(ms) });
  assert.deepEqual(none, []);
});

test('report: JSON has exactly the documented shape; plain text has no escape codes without colour', async () => {
  const ctx = await fakeContext({ config: fixture('doctor', 'setup-master.conf') });
  const report = await runChecks(ctx, [check('a-check', async () => ({ status: 'fail', summary: 'broken', details: ['evidence'], fix: { explain: 'why', commands: ['do it'] } })), check('b', async () => res('ok'))]);
  const json = doctorJson(report);
  assert.deepEqual(Object.keys(json), ['node', 'durationMs', 'checks', 'summary']);
  assert.deepEqual(json.checks, [
    { id: 'a-check', status: 'fail', summary: 'broken', details: ['evidence'], fix: { explain: 'why', commands: ['do it'] } },
    { id: 'b', status: 'ok', summary: 'ok', details: [], fix: null },
  ]);
  assert.deepEqual(json.summary, { ok: 1, warn: 0, fail: 1, skip: 0, error: 0 });
  const colour = output.color;
  output.color = false;
  try {
    const lines = renderDoctorReport(report);
    assert.ok(lines.every((l) => !l.includes('\u001b')));
    assert.ok(lines.includes('FAIL  a-check  broken'));
    assert.ok(lines.includes('    $ do it'));
    output.color = true;
    assert.ok(renderDoctorReport(report).some((l) => l.includes('\u001b[31m')));
    output.color = false;
    setLang('zh');
    assert.ok(renderDoctorReport(report).some((l) => l.startsWith('失败  a-check')));
  } finally {
    setLang('en');
    output.color = colour;
  }
});

test('the JSON Schema in docs/doctor.md describes what --json prints: keys, statuses, summary counts', async () => {
  const doc = readFileSync(join(repoRoot, 'docs/doctor.md'), 'utf8');
  const block = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>).find((j) => j.type === 'object');
  assert.ok(block, 'docs/doctor.md has a JSON Schema block');
  const schema = block as { required: string[]; properties: { checks: { items: { required: string[]; properties: { status: { enum: string[] }; details: { items: { type: string } } } } }; summary: { required: string[] } } };
  const ctx = await fakeContext();
  const report = await runChecks(ctx, [
    check('a', async () => ({ status: 'fail', summary: 'broken', details: ['line'], fix: { explain: 'why', commands: ['do'] } })),
    crashing('b', 'bug'),
  ]);
  const json = doctorJson(report);
  assert.deepEqual(Object.keys(json).sort(), [...schema.required].sort());
  for (const c of json.checks) {
    assert.deepEqual(Object.keys(c).sort(), [...schema.properties.checks.items.required].sort());
    assert.ok(schema.properties.checks.items.properties.status.enum.includes(c.status), c.status);
    assert.ok(c.details.every((d) => typeof d === schema.properties.checks.items.properties.details.items.type));
  }
  assert.deepEqual([...schema.properties.checks.items.properties.status.enum].sort(), [...REPORT_STATUSES].sort());
  assert.deepEqual(Object.keys(json.summary).sort(), [...schema.properties.summary.required].sort());
});
