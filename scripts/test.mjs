// `npm test` after the build: every unit and lab test with Node's test runner, then a check
// that the run left nothing behind. Temporary files go to a directory of this run (TMPDIR,
// TMUX_TMPDIR); it must be empty at the end (the runner's own compile cache aside), and
// /tmp, /var/tmp and /var/log/ha-setup must hold nothing new. Exit code: the tests' own,
// or 1 when they passed but left something.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

// `node scripts/test.mjs FILE...` runs only those (with the same check).
const given = process.argv.slice(2);
const files = given.length ? given : ['test/unit', 'test/lab'].flatMap((dir) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.test.ts'))
    .sort()
    .map((n) => join(dir, n)),
);

/** Names directly in `dir`, or every file below it with its size and mtime (`deep`). */
function listing(dir, deep = false) {
  const out = new Map();
  if (!existsSync(dir)) return out;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (deep && st.isDirectory()) walk(path);
      else out.set(path, deep ? `${st.size} ${st.mtimeMs}` : '');
    }
  };
  walk(dir);
  return out;
}

const changes = (before, after) => [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);

const watched = { '/tmp': false, '/var/tmp': false, '/var/log/ha-setup': true };
const before = Object.fromEntries(Object.entries(watched).map(([d, deep]) => [d, listing(d, deep)]));
const runTmp = mkdtempSync('/tmp/ha-setup-tests-');
const uid = typeof process.getuid === 'function' ? process.getuid() : '';

const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp, TMUX_TMPDIR: runTmp },
});

// tsx keeps its compile cache in TMPDIR: the runner's, not a test's.
const left = readdirSync(runTmp).filter((n) => n !== `tsx-${uid}`).map((n) => join(runTmp, n));
const leaks = [...left, ...Object.entries(watched).flatMap(([d, deep]) => changes(before[d], listing(d, deep)).filter((p) => p !== runTmp))];
rmSync(runTmp, { recursive: true, force: true });
if (leaks.length > 0) {
  process.stderr.write(`\nthe test run left behind (each test must remove what it made; on a shared machine another process may have made some):\n${leaks.map((p) => `  ${p}`).join('\n')}\n`);
}
process.exitCode = r.status !== 0 ? (r.status ?? 1) : leaks.length > 0 ? 1 : 0;
