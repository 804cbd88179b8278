// What each recorded release's --help and -v say it accepts and was built with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsOption, parseBuildOptions, parseHelpOptions } from '../../src/keepalived/binary.js';
import { parseKeepalivedVersion } from '../../src/keepalived/version.js';
import { sharedDir } from '../helpers/paths.js';

const recording = (release: string, file: string) => readFileSync(join(sharedDir, 'reference', 'keepalived-recordings', release, file), 'utf8');

// release -> [-t, -e, --no-syslog, -b, --signum, JSON build, BFD build]
const EXPECTED: Record<string, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = {
  '1.3.5': [false, false, false, false, false, false, false],
  '2.0.20': [true, false, true, false, true, false, false],
  '2.1.5': [true, false, true, false, true, false, false],
  '2.2.7': [true, true, true, true, true, true, true],
  '2.2.8': [true, true, true, false, true, false, false],
  '2.3.4': [true, true, true, false, true, false, false],
  '2.4.3': [true, true, true, false, true, false, false],
};

for (const [release, [t, e, noSyslog, b, signum, json, bfd]] of Object.entries(EXPECTED)) {
  test(`keepalived ${release}: options from --help, build from -v`, () => {
    const help = parseHelpOptions(recording(release, 'help.txt'));
    const version = recording(release, 'version.txt');
    assert.equal(parseKeepalivedVersion(version), release);
    assert.equal(acceptsOption({ longOptions: help.long, shortOptions: help.short }, 't'), t);
    assert.equal(acceptsOption({ longOptions: help.long, shortOptions: help.short }, 'e'), e);
    assert.equal(acceptsOption({ longOptions: help.long, shortOptions: help.short }, 'no-syslog'), noSyslog);
    assert.equal(acceptsOption({ longOptions: help.long, shortOptions: help.short }, 'b'), b);
    assert.equal(acceptsOption({ longOptions: help.long, shortOptions: help.short }, 'signum'), signum);
    const build = parseBuildOptions(version);
    assert.equal(build.has('JSON'), json);
    assert.equal(build.has('BFD'), bfd);
  });
}

test('the default config a release names in --help', () => {
  assert.equal(parseHelpOptions(recording('2.2.7', 'help.txt')).defaultConfig, '/etc/keepalived/keepalived.conf');
  assert.equal(parseHelpOptions(recording('2.4.3', 'help.txt')).defaultConfig, '<PREFIX-2.4.3>/etc/keepalived/keepalived.conf');
  assert.equal(parseHelpOptions(recording('1.3.5', 'help.txt')).defaultConfig, null);
});
