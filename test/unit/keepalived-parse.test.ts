import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { parseConfig, parseConfigText } from '../../src/keepalived/parse.js';
import { formatDiagnostic } from '../../src/keepalived/diagnostics.js';
import { tempDir } from '../helpers/paths.js';

test('# and ! start a comment anywhere outside quotes; quoted values keep them', async () => {
  const { config, diagnostics } = await parseConfigText(
    [
      'vrrp_instance VI_1 { # the instance',
      '  state BACKUP ! backup',
      '  authentication {',
      '    auth_pass ab#cd',
      '  }',
      '  notify_master "/usr/bin/x --tag=a#b"',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(diagnostics, []);
  const i = config.vrrpInstances[0]!;
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.authentication!.authPass, 'ab');
  assert.equal(i.notifyMaster, '/usr/bin/x --tag=a#b');
});

test('a brace on the next line opens the block of the line before', async () => {
  const { config, diagnostics } = await parseConfigText('vrrp_instance VI_1\n{\n  virtual_router_id 7\n  virtual_ipaddress\n  {\n    192.0.2.9/24\n  }\n}\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(config.vrrpInstances[0]!.virtualRouterId, 7);
  assert.deepEqual(config.vrrpInstances[0]!.virtualIpaddress.map((v) => v.address), ['192.0.2.9/24']);
});

test('virtual_ipaddress options dev, label, scope, brd and the rest are kept apart', async () => {
  const { config } = await parseConfigText('vrrp_instance V {\n virtual_ipaddress {\n  192.0.2.9/24 brd 192.0.2.255 dev eth0 scope global label eth0:1 no_track\n }\n}\n');
  assert.deepEqual(config.vrrpInstances[0]!.virtualIpaddress[0], { address: '192.0.2.9/24', dev: 'eth0', label: 'eth0:1', scope: 'global', brd: '192.0.2.255', options: ['no_track'] });
});

test('$NAME definitions are substituted, ${NAME} too, multi-line ones become several lines', async () => {
  const { config, diagnostics } = await parseConfigText(
    ['$IF=eth1', '$PRIO = 120', '$VIPS=192.0.2.1/24 \\', '  192.0.2.2/24', 'vrrp_instance V {', ' interface $IF', ' priority ${PRIO}', ' virtual_ipaddress {', '  $VIPS', ' }', '}'].join('\n'),
  );
  assert.deepEqual(diagnostics, []);
  const i = config.vrrpInstances[0]!;
  assert.equal(i.interface, 'eth1');
  assert.equal(i.priority, 120);
  assert.deepEqual(i.virtualIpaddress.map((v) => v.address), ['192.0.2.1/24', '192.0.2.2/24']);
});

test('@id lines apply only for that config id, @^id lines only for others', async () => {
  const text = 'vrrp_instance V {\n@ha1 priority 150\n@^ha1 priority 100\n}\n';
  assert.equal((await parseConfigText(text, { configId: 'ha1' })).config.vrrpInstances[0]!.priority, 150);
  assert.equal((await parseConfigText(text, { configId: 'ha2' })).config.vrrpInstances[0]!.priority, 100);
  assert.equal((await parseConfigText(text)).config.vrrpInstances[0]!.priority, 100);
});

test('include: relative to the including file, globs sorted, read under --root, cycles reported', async () => {
  const root = tempDir('ka-include-');
  try {
    mkdirSync(join(root, 'etc/keepalived/conf.d'), { recursive: true });
    writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), 'global_defs {\n router_id n1\n}\ninclude conf.d/*.conf\ninclude loop.conf\n');
    writeFileSync(join(root, 'etc/keepalived/conf.d/20-b.conf'), 'vrrp_instance B {\n virtual_router_id 2\n}\n');
    writeFileSync(join(root, 'etc/keepalived/conf.d/10-a.conf'), 'vrrp_instance A {\n virtual_router_id 1\n}\n');
    writeFileSync(join(root, 'etc/keepalived/conf.d/ignored.txt'), 'not a config\n');
    writeFileSync(join(root, 'etc/keepalived/loop.conf'), 'include keepalived.conf\n');
    const r = await parseConfig(new LocalHost(root), '/etc/keepalived/keepalived.conf');
    assert.deepEqual(r.config.vrrpInstances.map((i) => i.name), ['A', 'B']);
    assert.deepEqual(r.files, ['/etc/keepalived/keepalived.conf', '/etc/keepalived/conf.d/10-a.conf', '/etc/keepalived/conf.d/20-b.conf', '/etc/keepalived/loop.conf']);
    const cycle = r.diagnostics.find((d) => d.code === 'include-cycle')!;
    assert.equal(`${cycle.file}:${cycle.line}`, '/etc/keepalived/loop.conf:1');
    assert.match(cycle.message, /keepalived\.conf is already being read/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing include and a glob without matches are reported at the include line', async () => {
  const root = tempDir('ka-include-');
  try {
    mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
    writeFileSync(join(root, 'etc/keepalived/keepalived.conf'), '\ninclude /etc/keepalived/nope.conf\ninclude /etc/keepalived/none/*.conf\n');
    const r = await parseConfig(new LocalHost(root), '/etc/keepalived/keepalived.conf');
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.line]),
      [
        ['include-missing', 2],
        ['include-no-match', 3],
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('braces: a missing } and an extra } are reported with file:line:column; parsing goes on', async () => {
  const missing = await parseConfigText('vrrp_instance V {\n  priority 100\n', { file: '/x.conf' });
  assert.deepEqual(missing.diagnostics.map(formatDiagnostic), ['/x.conf:1:1 the block "vrrp_instance" opened on line 1 is never closed: a "}" is missing']);
  assert.equal(missing.config.vrrpInstances[0]!.priority, 100);
  const extra = await parseConfigText('}\nvrrp_instance V {\n priority 90\n}\n', { file: '/x.conf' });
  assert.equal(formatDiagnostic(extra.diagnostics[0]!), '/x.conf:1:1 this "}" closes nothing: there is one "}" too many, or a "{" is missing above');
  assert.equal(extra.config.vrrpInstances[0]!.priority, 90);
});

test('unknown keywords inside an instance are kept and reported; a bad number is kept too', async () => {
  const r = await parseConfigText('vrrp_instance V {\n  priorty 100\n  priority abc\n}\n', { file: '/x.conf' });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), [
    "/x.conf:2:3 unknown keyword 'priorty': keepalived ignores this line. If it is text pasted from a web page, delete it or put # in front of it",
    '/x.conf:3:3 "priority" needs a number, not "abc"',
  ]);
  assert.deepEqual(r.config.vrrpInstances[0]!.extra, [
    { keyword: 'priorty', args: ['100'], block: null },
    { keyword: 'priority', args: ['abc'], block: null },
  ]);
});

test('an unterminated quote is reported at the quote', async () => {
  const r = await parseConfigText('vrrp_script s {\n  script "/bin/check\n}\n', { file: '/x.conf' });
  assert.equal(formatDiagnostic(r.diagnostics[0]!), '/x.conf:2:10 this quote is never closed; keepalived reads the rest of the line as one value');
});

test('diagnostics speak Chinese under --lang zh', async () => {
  const { setLang } = await import('../../src/i18n/index.js');
  setLang('zh');
  try {
    const r = await parseConfigText('bogus_word 1\n');
    assert.match(r.diagnostics[0]!.message, /未知关键字 'bogus_word'/);
  } finally {
    setLang('en');
  }
});

test('locations map model paths to where they were written', async () => {
  const r = await parseConfigText('vrrp_instance V {\n  authentication {\n    auth_pass 123456789\n  }\n}\n', { file: '/k.conf' });
  assert.deepEqual(r.locations.get('vrrp_instance[V].authentication.auth_pass'), { file: '/k.conf', line: 3, column: 5 });
});

test('a missing main file is a UserError naming the path', async () => {
  await assert.rejects(parseConfig(new LocalHost('/'), '/nonexistent/keepalived.conf'), (e: Error) => e.name === 'UserError' && e.message.includes('/nonexistent/keepalived.conf'));
});
