/**
 * The client's view, from inside this process: an HTTP GET of http://VIP/ every interval,
 * each on a fresh connection (a kept-alive socket would hide a moved VIP), with a short
 * timeout. It runs in the process' own network namespace, which is the node's when the
 * command runs on the node (or through `ha-setup lab exec NODE`). Requests are started on
 * a fixed schedule whether or not the previous one has finished, so a hanging request
 * does not lower the resolution.
 */
import http from 'node:http';
import type { ProbeSample, Responder } from './types.js';

export interface HttpAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Bodies are compared to tell the nodes apart; the first few KiB are plenty. */
const BODY_LIMIT = 4096;

export function httpGet(url: string, opts: { timeoutMs: number; hostHeader?: string }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'close', 'User-Agent': 'ha-setup-failover-test' };
    if (opts.hostHeader) headers.Host = opts.hostHeader;
    const req = http.get(url, { agent: false, headers, timeout: opts.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT), headers: res.headers }));
      res.on('error', reject);
    });
    // `timeout` fires on socket inactivity; a whole-request deadline as well, for connects
    // that hang while ARP is unresolved.
    const deadline = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), opts.timeoutMs);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    req.on('close', () => clearTimeout(deadline));
  });
}

export function errorCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}

/** Who served a body, given what each node served before the test. */
export interface ResponderHints {
  selfBody: string | null;
  peerBody: string | null;
  /** The VIP is on this node right now (the VIP watcher's latest view). */
  vipLocal: () => boolean;
  /** MAC the neighbour table has for the VIP, and the peer's own MAC. */
  vipMac: () => string | null;
  peerMac: () => string | null;
}

/**
 * Bodies first: when the nodes serve different pages (the lab's name the node), the page
 * says who answered. Otherwise: a VIP on this node was answered here; a VIP whose
 * neighbour entry carries the peer's MAC was answered by the peer.
 */
export function identifyResponder(body: string, h: ResponderHints): Responder {
  if (h.selfBody !== null && h.peerBody !== null && h.selfBody !== h.peerBody) {
    if (body === h.selfBody) return 'self';
    if (body === h.peerBody) return 'peer';
  }
  if (h.vipLocal()) return 'self';
  const vipMac = h.vipMac();
  const peerMac = h.peerMac();
  if (vipMac && peerMac && vipMac.toLowerCase() === peerMac.toLowerCase()) return 'peer';
  return 'unknown';
}

export interface ProberOptions {
  url: string;
  intervalMs: number;
  timeoutMs: number;
  /** Milliseconds on the test's clock. */
  now: () => number;
  identify: (answer: HttpAnswer) => Responder;
  onSample?: (s: ProbeSample) => void;
  /** Replaceable for tests. */
  get?: (url: string, timeoutMs: number) => Promise<HttpAnswer>;
}

export class Prober {
  readonly samples: ProbeSample[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private firstAt = 0;

  constructor(private readonly opts: ProberOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.firstAt = this.opts.now();
    this.schedule();
  }

  /** Stop sending; waits for requests in flight (at most one timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  private schedule(): void {
    if (!this.running) return;
    // On a fixed grid from the first request: timer lateness does not accumulate.
    const next = this.firstAt + this.seq * this.opts.intervalMs;
    const wait = Math.max(0, next - this.opts.now());
    this.timer = setTimeout(() => {
      if (!this.running) return;
      this.fire();
      this.schedule();
    }, wait);
  }

  private fire(): void {
    const seq = this.seq++;
    const sentMs = this.opts.now();
    const get = this.opts.get ?? ((url: string, timeoutMs: number) => httpGet(url, { timeoutMs }));
    const p = get(this.opts.url, this.opts.timeoutMs).then(
      (a) => this.record({ seq, sentMs, doneMs: this.opts.now(), ok: true, responder: this.opts.identify(a), status: a.status, error: null }),
      (e) => this.record({ seq, sentMs, doneMs: this.opts.now(), ok: false, responder: null, status: null, error: errorCode(e) }),
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private record(s: ProbeSample): void {
    this.samples.push(s);
    this.opts.onSample?.(s);
  }
}
