// The docs match the code: every default they quote is the one src/defaults.ts (and the
// one constant behind each threshold) holds, and user docs speak of behaviour, never of the
// code's function names or source files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { DEFAULTS } from '../../src/defaults.js';
import { LAB_VIP_TIMEOUT_MS, LAB_VRRP } from '../../src/lab/constants.js';
import { CAPTURE_MARGIN_MS } from '../../src/doctor/build-context.js';
import { CLOCK_FAIL_MS, CLOCK_OK_MS } from '../../checks/pair/clock.js';

const doc = (name: string) => readFileSync(join(repoRoot, name), 'utf8').replace(/\s+/g, ' ');
const num = (s: string | undefined) => Number(s);

/** A phrase a doc must contain, and the defaults its numbers must equal. */
function quotes(file: string, phrase: RegExp, expected: number[]): void {
  const m = phrase.exec(doc(file));
  assert.ok(m, `${file} no longer says ${phrase}: update this test with the new wording`);
  assert.deepEqual(m.slice(1).map(num), expected, `${file}: ${m[0]}`);
}

test('the check, priorities and advert interval the docs quote are the defaults setup writes', () => {
  const c = DEFAULTS.check;
  quotes('README.md', /The check runs every second \(`interval (\d+)`.*?`fall (\d+)`, `rise (\d+)` and `weight (-?\d+)`/, [c.interval, c.fall, c.rise, c.weight]);
  quotes('README.md', /`advert_int (\d+)`: lower is not possible/, [DEFAULTS.advertInt]);
  quotes('README.md', /`garp_master_refresh (\d+)`: the master repeats its gratuitous ARP every (\d+) s/, [DEFAULTS.garpMasterRefresh, DEFAULTS.garpMasterRefresh]);
  quotes('README.md', /the script itself retries once after (\d+) ms/, [c.retryDelayMs]);
  quotes('docs/lab.md', /every second \(fall (\d+), rise (\d+), weight (-?\d+):/, [c.fall, c.rise, c.weight]);
  quotes('docs/lab.md', /priority (\d+) \(ha1, MASTER\) and (\d+) \(ha2, BACKUP\), advert_int (\d+)/, [LAB_VRRP.priority.MASTER, LAB_VRRP.priority.BACKUP, LAB_VRRP.advertInt]);
  quotes('docs/lab.md', /waits up to (\d+) s for one MASTER/, [LAB_VIP_TIMEOUT_MS / 1000]);
  quotes('docs/failover-test.md', /defaults of the wizard: interval (\d+), fall (\d+), weight (-?\d+), priorities (\d+)\/(\d+), advert_int (\d+)/, [c.interval, c.fall, c.weight, DEFAULTS.priority.master, DEFAULTS.priority.backup, DEFAULTS.advertInt]);
  quotes('docs/setup.md', /`garp_master_refresh (\d+)`/, [DEFAULTS.garpMasterRefresh]);
  quotes('docs/doctor.md', /\(ha-setup: (\d+) \/ (\d+)\)/, [DEFAULTS.priority.master, DEFAULTS.priority.backup]);
});

test('the notify limits the docs quote are the ones the script is written with', () => {
  const n = DEFAULTS.notify;
  quotes('docs/notify.md', /Every request is cut off after (\d+) s/, [n.timeoutSeconds]);
  quotes('docs/notify.md', /At most (\d+) messages per instance and minute/, [n.perMinute]);
  quotes('README.md', /at most (\d+) messages per instance and minute/, [n.perMinute]);
});

test('the thresholds the docs quote are the ones the checks use', () => {
  quotes('docs/doctor.md', /default 3 x `advert_int` \+ (\d+(?:\.\d+)?) s/, [CAPTURE_MARGIN_MS / 1000]);
  quotes('docs/pair.md', /clocks more than (\d+) s apart \(warn above (\d+) s\)/, [CLOCK_FAIL_MS / 1000, CLOCK_OK_MS / 1000]);
});

// Notes for people changing the code (linked from the README's Architecture section) name it on purpose.
const DEVELOPER_NOTES = new Set(['architecture.md', 'architecture-config.md', 'packaging.md', 'vrrp.md']);

test('user docs name no function, constant or source file of the code', () => {
  const files = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((n) => n.endsWith('.md') && !DEVELOPER_NOTES.has(n)).map((n) => `docs/${n}`)];
  const found: string[] = [];
  for (const file of files) {
    readFileSync(join(repoRoot, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        // The README's map of the source tree names directories, not code.
        if (file === 'README.md' && /^src\/[\w/.,\s-]*\s{2,}/.test(line)) return;
        for (const m of line.matchAll(/`[^`]*`/g)) {
          const code = m[0];
          // JSON keys and environment variables are behaviour; calls and source files are code.
          const bad = /\b[a-z]+[A-Z]\w*\(/.test(code) || /\bsrc\/[\w/.-]+\.tsx?\b/.test(code);
          if (bad) found.push(`${file}:${i + 1}: ${code}`);
        }
        if (/\(`src\/|`src\/[\w/.-]+`/.test(line)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 100)}`);
      });
  }
  assert.deepEqual(found, []);
});
