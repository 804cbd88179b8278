import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueModules, langFromEnv, setLang, t } from '../../src/i18n/index.js';

test('every catalogue module has the same keys in English and Chinese', () => {
  for (const mod of catalogueModules) {
    const en = Object.keys(mod.en).sort();
    const zh = Object.keys(mod.zh).sort();
    assert.deepEqual(zh, en);
    for (const key of en) assert.ok((mod.zh as Record<string, string>)[key]!.length > 0, `empty zh text for ${key}`);
  }
});

test('placeholders are the same in both languages', () => {
  for (const mod of catalogueModules) {
    for (const [key, text] of Object.entries(mod.en)) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names((mod.zh as Record<string, string>)[key]!), names(text as string), key);
    }
  }
});

test('language comes from LC_ALL, then LC_MESSAGES, then LANG', () => {
  assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh');
  assert.equal(langFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(langFromEnv({ LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'C' }), 'zh');
  assert.equal(langFromEnv({}), 'en');
});

test('t() interpolates and follows the chosen language', () => {
  setLang('zh');
  assert.match(t('error.user', { field: '--vrid', value: '300', accepted: '1-255', reason: '' }), /--vrid：不接受 300/);
  setLang('en');
  assert.equal(t('error.user', { field: '--vrid', value: '300', accepted: '1-255', reason: '' }), '--vrid: 300 is not accepted. Accepted: 1-255.');
});
