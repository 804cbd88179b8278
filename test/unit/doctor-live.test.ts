/** The live view of doctor: a check that could not finish is shown as such, apart from the node's results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doctorLiveLines, type LiveRow } from '../../src/ui/doctor-live.js';
import { setLang } from '../../src/i18n/index.js';

const rows = (errorState: LiveRow['state']): LiveRow[] => [
  { id: 'config-valid', title: 'config', state: 'fail', summary: 'syntax error at line 3' },
  { id: 'election', title: 'election', state: errorState, summary: 'the check itself crashed: bug' },
];

test('live view: an error row reads ERR and a line says doctor, not the node, could not finish', () => {
  const frame = doctorLiveLines('ha-setup doctor on local', rows('error')).join('\n');
  assert.match(frame, /FAIL\s+config-valid/);
  assert.match(frame, /ERR\s+election\s+the check itself crashed: bug/);
  assert.match(frame, /1 could not finish: a fault of doctor, not of this node/);
  setLang('zh');
  try {
    assert.match(doctorLiveLines('t', rows('error')).join('\n'), /1 项未能完成/);
  } finally {
    setLang('en');
  }
});

test('live view: without errors there is no such line', () => {
  assert.doesNotMatch(doctorLiveLines('t', rows('ok')).join('\n'), /could not finish/);
});
