/** The lab matrix fetches keepalived's Debian source packages from the archive this machine's apt already uses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineDebianArchive } from '../helpers/keepalived-builds.js';

test('the Debian archive is read from one-line and deb822 apt sources, never -security, trailing slash dropped', () => {
  assert.equal(machineDebianArchive(['deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main\n']), 'http://mirror.example/debian');
  assert.equal(machineDebianArchive(['Types: deb\nURIs: http://m.example/debian-security\nSuites: bookworm-security\n\nTypes: deb-src\nURIs: http://m.example/debian\n']), 'http://m.example/debian');
  assert.equal(machineDebianArchive(['# deb http://old.example/debian bookworm main\n', 'deb http://new.example/debian bookworm main\n']), 'http://new.example/debian');
  assert.throws(() => machineDebianArchive(['deb http://x.example/ubuntu jammy main\n']), /no Debian archive in this machine's apt sources/);
});
