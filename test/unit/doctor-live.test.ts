/** The live view of doctor: a check that could not finish is shown as such, apart from the node's results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { DoctorLive, type LiveRow } from '../../src/ui/doctor-live.js';
import { setLang } from '../../src/i18n/index.js';

const rows = (errorState: LiveRow['state']): LiveRow[] => [
  { id: 'config-valid', title: 'config', state: 'fail', summary: 'syntax error at line 3' },
  { id: 'election', title: 'election', state: errorState, summary: 'the check itself crashed: bug' },
];

test('live view: an error row reads ERR and a line says doctor, not the node, could not finish', () => {
  const view = render(createElement(DoctorLive, { title: 'ha-setup doctor on local', rows: rows('error') }));
  try {
    const frame = view.lastFrame() ?? '';
    assert.match(frame, /FAIL\s+config-valid/);
    assert.match(frame, /ERR\s+election\s+the check itself crashed: bug/);
    assert.match(frame, /1 could not finish: a fault of doctor, not of this node/);
  } finally {
    view.unmount();
  }
  setLang('zh');
  try {
    const zh = render(createElement(DoctorLive, { title: 't', rows: rows('error') }));
    assert.match(zh.lastFrame() ?? '', /1 项未能完成/);
    zh.unmount();
  } finally {
    setLang('en');
  }
});

test('live view: without errors there is no such line', () => {
  const view = render(createElement(DoctorLive, { title: 't', rows: rows('ok') }));
  assert.doesNotMatch(view.lastFrame() ?? '', /could not finish/);
  view.unmount();
});
