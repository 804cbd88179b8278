import { test } from 'node:test';
import { LocalHost } from '../../src/host/local.js';
import { hostContract } from '../helpers/host-contract.js';
import { tempDir } from '../helpers/paths.js';

// The shared Host behaviours against the local host; test/lab/ssh-host.test.ts runs the same table over ssh.
for (const c of hostContract) {
  test(`local host: ${c.name}`, () => c.run(new LocalHost(tempDir()), ''));
}
