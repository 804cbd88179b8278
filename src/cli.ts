#!/usr/bin/env node
/**
 * The entry file: as small as possible, because `ha-setup --version`, the most frequent
 * probe of all, needs nothing else. Everything else loads src/main.ts, which holds the
 * whole command tree in one file (one file loads faster than many small ones).
 */
import pkg from '../package.json' with { type: 'json' };

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${pkg.version}\n`);
} else {
  await import('./main.js');
}
