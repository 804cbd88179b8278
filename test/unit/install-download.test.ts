import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { download, DownloadError, sha256Of, tarballNameFromUrl } from '../../src/keepalived/install/fetch.js';

/** A server on the loopback of this process that answers one path with `body`, anything else with 404. */
async function serve(body: Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url !== '/keepalived-2.2.7.tar.gz') {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) });
    // in pieces, so progress is reported more than once
    res.write(body.subarray(0, 1000));
    setTimeout(() => res.end(body.subarray(1000)), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('download: the bytes as served, with progress against Content-Length, and their sha256', async () => {
  const body = randomBytes(200_000);
  const server = await serve(body);
  try {
    const seen: Array<[number, number | null]> = [];
    const got = await download(`${server.url}/keepalived-2.2.7.tar.gz`, ({ received, total }) => seen.push([received, total]));
    assert.ok(got.equals(body));
    assert.ok(seen.length >= 2, `progress reported ${seen.length} time(s)`);
    assert.deepEqual(seen.at(-1), [body.length, body.length]);
    assert.equal(sha256Of(got), createHash('sha256').update(body).digest('hex'));
    await assert.rejects(download(`${server.url}/missing.tar.gz`), (e) => e instanceof DownloadError && /HTTP 404 Not Found/.test(e.message));
  } finally {
    await server.close();
  }
});

test('the tarball name a URL gives, or a neutral one', () => {
  assert.equal(tarballNameFromUrl('https://example.org/src/keepalived-2.3.4.tar.gz?x=1'), 'keepalived-2.3.4.tar.gz');
  assert.equal(tarballNameFromUrl('https://example.org/'), 'keepalived-source.tar.gz');
});
