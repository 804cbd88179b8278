/**
 * Start-up time of the built CLI as a ratio to bare Node (`node -e 0`), median of
 * interleaved runs so that a noisy neighbour slows every variant alike, and the size of
 * dist/ (total and per chunk, with the packages each large chunk holds, from esbuild's
 * metafile). Printed, never asserted. Target: each ratio within 1.5.
 *
 *   npm run build && node --import tsx bench/startup.ts [--runs 15]
 *
 * Commands that are not registered (yet) are reported as skipped, not measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const cli = `${repoRoot}dist/cli.js`;

/** What is measured: data, so a new command is one more line. */
export const STARTUP_CASES: Array<{ name: string; args: string[]; requires?: string }> = [
  { name: 'ha-setup --version', args: ['--version'] },
  { name: 'ha-setup --help', args: ['--help'] },
  { name: 'ha-setup doctor --help', args: ['doctor', '--help'], requires: 'doctor' },
  { name: 'ha-setup failover-test --help', args: ['failover-test', '--help'], requires: 'failover-test' },
  { name: 'ha-setup completion bash', args: ['completion', 'bash'], requires: 'completion' },
];

function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function registeredCommands(): Set<string> {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LANG: 'C' } });
  const names = new Set<string>();
  let inCommands = false;
  for (const line of r.stdout.split('\n')) {
    if (/^Commands:/.test(line)) inCommands = true;
    else if (inCommands && /^\S/.test(line)) inCommands = false;
    else if (inCommands) {
      const m = /^ {2}(\S+)/.exec(line);
      if (m) names.add(m[1]!.split('|')[0]!);
    }
  }
  return names;
}

export interface StartupFigure {
  name: string;
  medianMs: number;
  ratio: number;
}

export function measureStartup(runs = 15): { baselineMs: number; figures: StartupFigure[]; skipped: string[] } {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const known = registeredCommands();
  const cases = STARTUP_CASES.filter((c) => !c.requires || known.has(c.requires));
  const skipped = STARTUP_CASES.filter((c) => !cases.includes(c)).map((c) => c.name);
  const baseline: number[] = [];
  const samples = cases.map(() => [] as number[]);
  // Warm the file cache once, then interleave: baseline, case 1, case 2, ... per round.
  timeOnce(['-e', '0']);
  for (const c of cases) timeOnce([cli, ...c.args]);
  for (let i = 0; i < runs; i++) {
    baseline.push(timeOnce(['-e', '0']));
    cases.forEach((c, j) => samples[j]!.push(timeOnce([cli, ...c.args])));
  }
  const baselineMs = median(baseline);
  return {
    baselineMs,
    figures: cases.map((c, j) => ({ name: c.name, medianMs: median(samples[j]!), ratio: median(samples[j]!) / baselineMs })),
    skipped,
  };
}

export interface ChunkFigure {
  file: string;
  bytes: number;
  /** The packages (or "src") the chunk is made of, largest first, with their bytes in it. */
  parts: Array<{ name: string; bytes: number }>;
}

const packageOf = (input: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1]! : input.startsWith('checks/') ? 'checks' : 'src';
};

/** dist/*.js, largest first, each with what it is made of (dist/metafile.json, written by the build). */
export function measureBundle(): { totalBytes: number; chunks: ChunkFigure[] } {
  const dist = `${repoRoot}dist/`;
  const meta = JSON.parse(readFileSync(`${dist}metafile.json`, 'utf8')) as { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> };
  const chunks = readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const parts = new Map<string, number>();
      for (const [input, v] of Object.entries(meta.outputs[`dist/${file}`]?.inputs ?? {})) parts.set(packageOf(input), (parts.get(packageOf(input)) ?? 0) + v.bytesInOutput);
      return { file, bytes: statSync(`${dist}${file}`).size, parts: [...parts].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes) };
    })
    .sort((a, b) => b.bytes - a.bytes);
  return { totalBytes: chunks.reduce((n, c) => n + c.bytes, 0), chunks };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/startup.ts')) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 15;
  const bundle = measureBundle();
  console.log(`dist/: ${kb(bundle.totalBytes)} in ${bundle.chunks.length} files`);
  for (const c of bundle.chunks) {
    if (c.bytes < 20 * 1024) continue;
    const parts = c.parts.slice(0, 5).map((p) => `${p.name} ${kb(p.bytes)}`).join(', ');
    console.log(`  ${kb(c.bytes).padStart(9)}  ${c.file.padEnd(22)} ${parts}`);
  }
  const small = bundle.chunks.filter((c) => c.bytes < 20 * 1024);
  console.log(`  ${kb(small.reduce((n, c) => n + c.bytes, 0)).padStart(9)}  ${small.length} files under 20 KB`);
  console.log();
  const { baselineMs, figures, skipped } = measureStartup(runs);
  console.log(`start-up, median of ${runs} interleaved runs (target: ratio <= 1.5)`);
  console.log(`  ${'node -e 0'.padEnd(34)} ${baselineMs.toFixed(1).padStart(7)} ms   1.00x`);
  for (const f of figures) {
    const mark = f.ratio <= 1.5 ? 'ok' : 'OVER TARGET';
    console.log(`  ${f.name.padEnd(34)} ${f.medianMs.toFixed(1).padStart(7)} ms   ${f.ratio.toFixed(2)}x  ${mark}`);
  }
  for (const s of skipped) console.log(`  ${s.padEnd(34)} not registered yet, skipped`);
}
