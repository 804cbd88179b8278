/**
 * An independent prober for lab tests: a small node program run inside the `client`
 * namespace (`ip netns exec client node -e ...`) that GETs the VIP every interval on a
 * fixed grid, each request on a new connection with a short timeout, and on SIGTERM
 * prints every sample as JSON. It shares no code with src/failover, so it checks the
 * tool's measurement rather than repeating it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ClientSample {
  /** ms since the prober started */
  t: number;
  ok: boolean;
  body: string;
}

const PROGRAM = String.raw`
const http = require('node:http');
const [url, interval, timeout] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const start = performance.now();
const samples = [];
const inflight = new Set();
let n = 0, timer = null, stopping = false;
function one() {
  const t = performance.now() - start;
  const p = new Promise((resolve) => {
    let done = false;
    const finish = (ok, body) => { if (done) return; done = true; samples.push({ t, ok, body }); resolve(); };
    const req = http.get(url, { agent: false, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => finish(true, body.trim()));
      res.on('error', () => finish(false, ''));
    });
    const kill = setTimeout(() => { req.destroy(); finish(false, ''); }, timeout);
    req.on('error', () => finish(false, ''));
    req.on('close', () => clearTimeout(kill));
  });
  inflight.add(p);
  p.then(() => inflight.delete(p));
}
function tick() {
  if (stopping) return;
  one();
  n++;
  timer = setTimeout(tick, Math.max(0, n * interval - (performance.now() - start)));
}
process.on('SIGTERM', async () => {
  stopping = true;
  clearTimeout(timer);
  await Promise.all([...inflight]);
  process.stdout.write(JSON.stringify(samples.sort((a, b) => a.t - b.t)));
  process.exit(0);
});
process.stdout.write('ready\n');
tick();
`;

export interface RunningProber {
  stop(): Promise<ClientSample[]>;
}

/** Probers not stopped yet: a test that fails before `stop()` must not leave one running. */
const running = new Set<ChildProcess>();
let reaperInstalled = false;

function reapAtExit(child: ChildProcess): void {
  running.add(child);
  child.on('exit', () => running.delete(child));
  // Not a reason for the test process to stay alive (a forgotten prober would hold it
  // forever), and killed when that process exits.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

export async function startClientProber(url: string, intervalMs = 50, timeoutMs = 200, netns = 'client'): Promise<RunningProber> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', PROGRAM, url, String(intervalMs), String(timeoutMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: string) => {
      out += c;
      if (out.startsWith('ready\n')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`client prober exited early (${code})`)));
  });
  reapAtExit(child);
  return {
    async stop() {
      child.ref();
      (child.stdout as unknown as { ref?: () => void }).ref?.();
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // ip netns exec execs in place: the pid is the node program's own.
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(out.slice('ready\n'.length)) as ClientSample[];
    },
  };
}

export interface ClientOutage {
  outageMs: number;
  failed: number;
}

/**
 * Failover: the failures between the last answer of `from` before `to` first answers and
 * that first answer of `to`, measured from the first failure to the first answer after
 * the last one. Failback: the same from `to` back to `from`.
 */
export function clientOutages(samples: ClientSample[], from: string, to: string): { failover: ClientOutage; failback: ClientOutage } {
  const firstTo = samples.findIndex((s) => s.ok && s.body === to);
  const backIdx = firstTo < 0 ? -1 : samples.findIndex((s, i) => i > firstTo && s.ok && s.body === from);
  const span = (lo: number, hi: number): ClientOutage => {
    const part = samples.slice(lo, hi);
    const failures = part.map((s, i) => ({ s, i: lo + i })).filter((x) => !x.s.ok);
    if (failures.length === 0) return { outageMs: 0, failed: 0 };
    const last = failures[failures.length - 1]!.i;
    const recovered = samples.slice(last + 1).find((s) => s.ok);
    const end = recovered ? recovered.t : samples[samples.length - 1]!.t;
    return { outageMs: Math.round(end - failures[0]!.s.t), failed: failures.length };
  };
  const lastFromBefore = firstTo < 0 ? 0 : samples.slice(0, firstTo).map((s) => s.ok && s.body === from).lastIndexOf(true);
  const failover = firstTo < 0 ? span(0, samples.length) : span(Math.max(0, lastFromBefore), firstTo + 1);
  const lastToBefore = backIdx < 0 ? firstTo : samples.slice(0, backIdx).map((s) => s.ok && s.body === to).lastIndexOf(true);
  const failback = backIdx < 0 ? { outageMs: 0, failed: 0 } : span(lastToBefore, backIdx + 1);
  return { failover, failback };
}
