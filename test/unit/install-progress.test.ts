import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress, formatBytes, formatElapsed } from '../../src/ui/progress.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (b: Buffer) => (text += b.toString()));
  return { stream, text: () => text };
}

test('without a TTY: one plain line per step with its elapsed time, no escape codes', async () => {
  const out = capture();
  const progress = createProgress({ stream: out.stream as unknown as NodeJS.WriteStream, isTTY: false, silent: false });
  const value = await progress.step('configure', async (s) => {
    s.update('50%');
    return 42;
  });
  assert.equal(value, 42);
  await assert.rejects(progress.step('make -j2', async () => {
    throw new Error('boom');
  }), /boom/);
  progress.note('full output: /var/log/ha-setup/install-x.log');
  const text = out.text();
  assert.match(text, /^ {5}configure: 50%\nok {3}configure \(\d+\.\ds\)\nFAIL make -j2 \(\d+\.\ds\)\n {5}full output: \/var\/log\/ha-setup\/install-x\.log\n$/);
  assert.doesNotMatch(text, /\u001b/);
});

test('silent progress (--quiet / --json) prints nothing but still runs the step', async () => {
  const out = capture();
  const progress = createProgress({ stream: out.stream as unknown as NodeJS.WriteStream, isTTY: true, silent: true });
  assert.equal(await progress.step('x', async () => 'done'), 'done');
  progress.warn('w');
  assert.equal(out.text(), '');
});

test('elapsed time and sizes read the way people expect', () => {
  assert.equal(formatElapsed(400), '0.4s');
  assert.equal(formatElapsed(23_456), '23.5s');
  assert.equal(formatElapsed(125_000), '2m05s');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1_180_180), '1.1 MB');
});

test('a TTY that reports 0 columns gets plain lines, not a spinner flooding the screen', async () => {
  const out = capture();
  const stream = Object.assign(out.stream, { isTTY: true, columns: 0 }) as unknown as NodeJS.WriteStream;
  await createProgress({ stream, silent: false }).step('unpack source', async () => undefined);
  assert.match(out.text(), /^ok {3}unpack source \(\d+\.\ds\)\n$/);
});
