// --lang zh speaks Chinese everywhere a person reads: commander's help titles, its help
// command and its usage errors, the failover bound's formula, and tables line up with
// wide characters.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { setLang } from '../../src/i18n/index.js';
import { expectedBound } from '../../src/failover/bound.js';
import { emptyVrrpInstance, emptyVrrpScript } from '../../src/keepalived/model.js';
import { printPreflight } from '../../src/ui/setup-view.js';
import { displayWidth } from '../../src/ui/output.js';
import { factsFor } from '../helpers/facts.js';

after(() => setLang('en'));

test('--lang zh: commander\'s section titles, its help command and default values are Chinese', async () => {
  const r = await runCli(['--lang', 'zh', '--help']);
  assert.equal(r.code, 0);
  for (const title of ['用法：', '选项：', '命令：']) assert.ok(r.stdout.includes(title), `${title} missing:\n${r.stdout}`);
  assert.match(r.stdout, /help \[command\]\s+显示命令帮助/);
  for (const english of ['Usage:', 'Options:', 'Commands:', 'display help for command']) assert.ok(!r.stdout.includes(english), `${english} left:\n${r.stdout}`);
  const logs = await runCli(['--lang', 'zh', 'lab', 'logs', '--help']);
  assert.match(logs.stdout, /参数：/);
  assert.match(logs.stdout, /\(默认: "50"\)/);
  assert.doesNotMatch(logs.stdout, /Arguments:|default:/);
  // English stays English.
  const en = await runCli(['--help']);
  assert.match(en.stdout, /^Usage: ha-setup/m);
});

test('--lang zh: commander\'s usage errors are Chinese', async () => {
  const unknown = await runCli(['--lang', 'zh', 'doctor', '--bogus']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /^错误: 未知选项 '--bogus'/);
  const missing = await runCli(['--lang', 'zh', 'doctor', '--check']);
  assert.match(missing.stderr, /选项 '--check <id>' 需要一个值/);
  const command = await runCli(['--lang', 'zh', 'lab', 'stauts']);
  assert.match(command.stderr, /未知命令 'stauts'（是不是想输入 status？）/);
});

test('the failover bound\'s formula is spelled in the user\'s language', () => {
  const instance = { ...emptyVrrpInstance('VI_1'), priority: 150, advertInt: 1, trackScript: [{ name: 'chk', weight: null, reverse: false }] };
  const scripts = [{ ...emptyVrrpScript('chk'), interval: 1, fall: 1, weight: 0 }];
  setLang('zh');
  const zh = expectedBound({ mode: 'drain', instance, scripts, peerPriority: 100 });
  const weighted = expectedBound({ mode: 'drain', instance, scripts: [{ ...scripts[0]!, weight: -60 }], peerPriority: 100 });
  setLang('en');
  assert.equal(zh.basis, '检查间隔 1 秒 × fall 1 + 偏移时间 609 毫秒（对端优先级 100）');
  assert.match(weighted.basis, /MASTER 失联判定时间 3609 毫秒（3 × advert_int 1 秒/);
  assert.doesNotMatch(zh.basis + weighted.basis, /skew|interval|peer priority|master down/);
  assert.equal(expectedBound({ mode: 'drain', instance, scripts, peerPriority: 100 }).basis, 'interval 1 s x fall 1 + skew 609 ms (peer priority 100)');
});

test('the wizard\'s fact table lines up in Chinese: every value starts in the same terminal column', () => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(...String(chunk).split('\n')), true)) as typeof process.stdout.write;
  try {
    setLang('zh');
    printPreflight(factsFor('debian13', {}), null);
  } finally {
    process.stdout.write = write;
    setLang('en');
  }
  const rows = lines.filter((l) => l.startsWith('  ') && l.trim());
  assert.ok(rows.length >= 8, lines.join('\n'));
  // The value starts after the label and the padding: the column of the first character after two spaces of gap.
  const columns = rows.map((l) => displayWidth(/^ {2}\S+(?: \S+)*? {2,}|^ {2}\S+ /.exec(l)![0]));
  assert.equal(new Set(columns).size, 1, rows.join('\n'));
});
