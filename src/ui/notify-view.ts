import { t } from '../i18n/index.js';
import { paint, printLine } from './output.js';
import type { NotifyTestOutcome } from '../notify/test.js';

export function printNotifyTest(outcome: NotifyTestOutcome): void {
  if (outcome.kind === 'noScript') return printLine(t('notify.test.noScript', { path: outcome.path }));
  if (outcome.kind === 'none') return printLine(t('notify.test.none'));
  for (const r of outcome.results) {
    printLine(r.ok ? paint('green', t('notify.test.ok', { channel: r.channel })) : paint('red', t('notify.test.fail', { channel: r.channel, detail: r.detail })));
  }
  printLine(t('notify.test.summary', { ok: outcome.results.filter((r) => r.ok).length, total: outcome.results.length }));
}
