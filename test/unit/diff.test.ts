import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../src/ui/diff.js';

test('a changed line shows as - then +, with context, and far-away lines elided', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
  const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h'].join('\n');
  assert.deepEqual(unifiedDiff(before, after, 1), ['@@', ' c', '-d', '+D', ' e', '@@']);
});

test('added and removed lines', () => {
  assert.deepEqual(unifiedDiff('x\ny', 'x\ny\nz', 5), [' x', ' y', '+z']);
  assert.deepEqual(unifiedDiff('x\ny\nz', 'x\nz', 5), [' x', '-y', ' z']);
  assert.deepEqual(unifiedDiff('same', 'same', 2), ['@@']);
});
