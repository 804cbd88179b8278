import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NetnsHost } from '../../src/host/netns.js';
import { makeNodeNamespace } from '../helpers/netns.js';
import { tempDir } from '../helpers/paths.js';

const ns = makeNodeNamespace('hn-node', '192.0.2.41/24');
after(() => ns.remove());

test('commands run inside the namespace; a missing program is "not found" as on a plain host', async () => {
  const host = new NetnsHost(ns.name, tempDir());
  const r = await host.exec('ip', ['-j', 'addr', 'show', 'dev', 'eth0']);
  assert.equal(r.exitCode, 0);
  assert.equal(JSON.parse(r.stdout)[0].addr_info[0].local, '192.0.2.41');
  const missing = await host.exec('ha-setup-no-such-program', ['--version']);
  assert.equal(missing.notFound, true);
  assert.equal(missing.exitCode, 127);
});

test('files live under the node directory; a path the daemons use (already under it) is taken as is', async () => {
  const root = tempDir();
  const host = new NetnsHost(ns.name, root);
  mkdirSync(join(root, 'etc/keepalived'), { recursive: true });
  writeFileSync(join(root, 'etc/keepalived/check_nginx.sh'), '#!/bin/sh\n');
  const runtime = host.runtimePath('/etc/keepalived/check_nginx.sh');
  assert.equal(runtime, join(root, 'etc/keepalived/check_nginx.sh'));
  assert.equal(await host.readFile('/etc/keepalived/check_nginx.sh'), '#!/bin/sh\n');
  assert.equal(await host.readFile(runtime), '#!/bin/sh\n');
  assert.equal(await host.exists('/etc/keepalived/nothing-here'), false);
});
