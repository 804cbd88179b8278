import { createHash } from 'node:crypto';
import { posix } from 'node:path';

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
 * Download `url` into memory (a keepalived release tarball is about 1 MB), reporting bytes
 * as they arrive. Runs on the machine running ha-setup; the bytes are then staged onto the
 * node through its Host, so the node itself needs no way out to the network.
 */
export async function download(url: string, onProgress: (p: DownloadProgress) => void = () => {}): Promise<Buffer> {
  const response = await fetch(url, { redirect: 'follow' });
  if (!response.ok || !response.body) {
    throw new DownloadError(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    received += chunk.length;
    onProgress({ received, total });
  }
  return Buffer.concat(chunks);
}

export class DownloadError extends Error {}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
