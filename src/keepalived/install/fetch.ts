import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when the server did not say. */
  total: number | null;
}

/** The file name a URL names, or a neutral one. */
export function tarballNameFromUrl(url: string): string {
  const name = posix.basename(new URL(url).pathname);
  return name && name !== '/' ? name : 'keepalived-source.tar.gz';
}

/**
 * Stream `url` into `file` (never held in memory), reporting bytes as they arrive, and
 * return the SHA-256 of what was written. Runs on the machine running ha-setup.
 */
export async function downloadToFile(url: string, file: string, onProgress: (p: DownloadProgress) => void = () => {}): Promise<{ bytes: number; sha256: string }> {
  const response = await fetch(url, { redirect: 'follow' });
  if (!response.ok || !response.body) {
    throw new DownloadError(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const hash = createHash('sha256');
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      hash.update(chunk);
      onProgress({ received, total });
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), meter, createWriteStream(file, { mode: 0o644 }));
  return { bytes: received, sha256: hash.digest('hex') };
}

export class DownloadError extends Error {}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
