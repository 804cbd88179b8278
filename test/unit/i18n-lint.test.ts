import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/**
 * User-visible text lives in the message catalogue (src/i18n/catalog/) so that --lang zh
 * can speak Chinese. This test reads the code and fails on words written straight into
 * what users see: printed lines, error messages, check summaries and fixes.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'catalog' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

// A word a translator would translate: three or more letters, not a technical token that
// stays the same in every language (commands, file names, keywords, units).
const TECHNICAL = new Set(
  'keepalived VRRP VIP MASTER BACKUP FAULT nginx ha-setup vrrp_script vrrp_instance track_script auth_pass json JSON sudo systemctl tcpdump arping curl ssh PID pid http https sec usecs ms'.split(' '),
);
/** The literal parts of a template: `${...}` (with nested braces) removed. */
function literalParts(literal: string): string {
  let out = '';
  for (let i = 0; i < literal.length; i++) {
    if (literal[i] === '$' && literal[i + 1] === '{') {
      let depth = 0;
      for (i++; i < literal.length; i++) {
        if (literal[i] === '{') depth++;
        else if (literal[i] === '}' && --depth === 0) break;
      }
      out += ' ';
    } else out += literal[i];
  }
  return out;
}

// A command line shown for the user to run is the same in every language.
const COMMAND_LINE = /^\s*(sudo |apt-get |yum |dnf |zypper |ha-setup |ip |nft |iptables |systemctl |curl |ssh |firewall-cmd |ufw )/;

function hasWords(literal: string): boolean {
  const text = literalParts(literal).replace(/\\[nt]/g, ' ');
  if (COMMAND_LINE.test(text)) return false;
  return (text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? []).some((w) => !TECHNICAL.has(w) && !/^[a-z]+[A-Z_-]/.test(w) && /[aeiou]/i.test(w) && /\s/.test(text.trim()));
}

const STRING = String.raw`('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\x60(?:[^\x60\\]|\\.)*\x60)`;
const RULES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'printed text', pattern: new RegExp(String.raw`\b(?:printLine|printInfo|printVerbose|console\.(?:log|error|warn))\(\s*` + STRING, 'g') },
  { what: 'an error message', pattern: new RegExp(String.raw`new (?:OperationError|UserError)\(\s*` + STRING, 'g') },
  { what: 'a check summary, fix or reason', pattern: new RegExp(String.raw`\b(?:summary|explain|reason|hint):\s*` + STRING, 'g') },
  // A check's applies(): `true`, or the reason it is skipped (`cond || 'reason'`).
  { what: 'a skip reason', pattern: new RegExp(String.raw`\bapplies\b[^\n]*(?:\n[^\n]*){0,4}?\|\|\s*` + STRING, 'g') },
  { what: 'a progress line', pattern: new RegExp(String.raw`\.(?:note|warn|step)\(\s*` + STRING, 'g') },
];

// Errors that only a developer can see (a broken invariant), never a user's mistake.
const DEVELOPER_ONLY = [/templates\/ directory not found/, /template value missing/];

test('no user-visible text is written outside the message catalogue', () => {
  const offenders: string[] = [];
  for (const file of [...sourceFiles(join(repoRoot, 'src')), ...sourceFiles(join(repoRoot, 'checks'))]) {
    const text = readFileSync(file, 'utf8');
    for (const rule of RULES) {
      for (const m of text.matchAll(rule.pattern)) {
        const literal = m[1]!.slice(1, -1);
        if (!hasWords(literal) || DEVELOPER_ONLY.some((d) => d.test(literal))) continue;
        const line = text.slice(0, m.index).split('\n').length;
        offenders.push(`${relative(repoRoot, file)}:${line}: ${rule.what}: ${m[1]!.slice(0, 80)}`);
      }
    }
  }
  assert.deepEqual(offenders, [], `write these through t() and src/i18n/catalog/:\n${offenders.join('\n')}`);
});

test('only src/ui and src/commands write to the terminal', () => {
  const offenders: string[] = [];
  for (const file of [...sourceFiles(join(repoRoot, 'src')), ...sourceFiles(join(repoRoot, 'checks'))]) {
    const rel = relative(repoRoot, file);
    if (rel.startsWith('src/ui/') || rel.startsWith('src/commands/') || rel === 'src/cli.ts' || rel === 'src/main.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/process\.(?:stdout|stderr)\.write\(|console\.(?:log|error|warn|info)\(/g)) {
      offenders.push(`${rel}:${text.slice(0, m.index).split('\n').length}`);
    }
  }
  assert.deepEqual(offenders, []);
});
