// Lab pieces that need no namespaces: the root check, log parsing, rendered configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireLabRoot } from '../../src/lab/root.js';
import { lastVrrpState } from '../../src/lab/status.js';
import { labAnswers } from '../../src/lab/configure.js';
import { renderLabNginxConf, pageBody } from '../../src/lab/node-files.js';
import { labNodeHost, labServices } from '../../src/lab/services.js';
import { LAB_VIP_CIDR, labNodeRoot } from '../../src/lab/constants.js';
import { OperationError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';

test('a non-root user is told the lab needs root, with exit code 77', () => {
  assert.throws(
    () => requireLabRoot(1000),
    (e: unknown) => e instanceof OperationError && e.exitCode === EXIT.noPermission && /needs root/.test(e.message) && /sudo/.test(e.hint ?? ''),
  );
  assert.throws(() => requireLabRoot(null), OperationError);
  assert.doesNotThrow(() => requireLabRoot(0));
});

test('the VRRP state is the last transition in the keepalived log, whatever its spelling', () => {
  const log = [
    'Mon Nov 23 10:43:15 2026: (VI_1) Entering BACKUP STATE',
    'Mon Nov 23 10:43:18 2026: (VI_1) Entering MASTER STATE',
    'Mon Nov 23 10:43:45 2026: (VI_1): entering FAULT state due to script chk_nginx',
  ];
  assert.equal(lastVrrpState(log.slice(0, 2).join('\n')), 'MASTER');
  assert.equal(lastVrrpState(log.join('\n')), 'FAULT');
  assert.equal(lastVrrpState('Starting Keepalived v2.2.7'), null);
});

test('lab nodes are answered like a real pair: same VIP, VRID and password, roles apart', () => {
  const ha1 = labAnswers('ha1', 'MASTER');
  const ha2 = labAnswers('ha2', 'BACKUP');
  assert.deepEqual({ ...ha1, role: 'x', routerId: 'x' }, { ...ha2, role: 'x', routerId: 'x' });
  assert.equal(ha1.vip, LAB_VIP_CIDR);
  assert.deepEqual([ha1.role, ha2.role], ['MASTER', 'BACKUP']);
});

test('each node keeps nginx pid, logs and temp files under its own directory', () => {
  const conf = renderLabNginxConf(labNodeHost('ha2'));
  const root = labNodeRoot('ha2');
  for (const directive of ['pid', 'error_log', 'access_log', 'client_body_temp_path', 'proxy_temp_path', 'root']) {
    const m = new RegExp(`^\\s*${directive} (\\S+?);?( notice)?;?$`, 'm').exec(conf);
    assert.ok(m, directive);
    assert.ok(m[1]!.startsWith(root + '/'), `${directive} ${m[1]}`);
  }
  assert.equal(pageBody('ha2'), 'ha2\n');
});

test('keepalived starts with its own pid files and TMPDIR, inside its namespace', () => {
  // Debian's keepalived has BFD: -b gives each node its own BFD pid file.
  const bfd = { path: '/usr/sbin/keepalived', version: '2.2.7', longOptions: ['no-syslog', 'bfd_pid'], shortOptions: ['b', 'G'] };
  const argv = labServices('ha1').argv('keepalived', bfd);
  const root = labNodeRoot('ha1');
  assert.deepEqual(argv.slice(0, 4), ['ip', 'netns', 'exec', 'ha1']);
  assert.ok(argv.includes(`TMPDIR=${root}/tmp`));
  for (const flag of ['-f', '-p', '-r', '-c', '-b']) {
    assert.ok(argv[argv.indexOf(flag) + 1]!.startsWith(root + '/'), flag);
  }
  assert.ok(argv.includes('--dont-fork'));
});
