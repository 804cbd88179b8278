/**
 * Refresh the terminal sessions shown in the README: bring up the lab, run each command
 * as a user would, and paste what it printed between the README's session markers
 * (<!-- session:NAME --> ... <!-- /session:NAME -->). Run as root:
 *
 *   node --import tsx scripts/capture-sessions.ts
 *
 * Output is captured without a terminal (no colour, no spinners), exactly as `| cat` shows it.
 */
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeLabLock } from '../test/helpers/lab-lock.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist', 'cli.js');

interface Session {
  name: string;
  /** What the README shows as the command. */
  shown: string;
  argv: string[];
  env?: Record<string, string>;
  /** Run before the command, not shown. */
  before?: string[][];
}

const inLab = (node: string, args: string[]) => ['node', cli, 'lab', 'exec', node, '--', 'node', cli, ...args];

const sessions: Session[] = [
  { name: 'lab-up', shown: 'sudo ha-setup lab up', argv: ['node', cli, 'lab', 'up', '--recreate'] },
  { name: 'lab-status', shown: 'sudo ha-setup lab status', argv: ['node', cli, 'lab', 'status'] },
  { name: 'detect', shown: 'sudo ha-setup lab exec ha1 -- ha-setup detect', argv: inLab('ha1', ['detect']) },
  { name: 'inspect', shown: 'sudo ha-setup lab exec ha2 -- ha-setup inspect', argv: inLab('ha2', ['inspect']) },
  {
    name: 'setup-dry-run',
    shown: 'sudo ha-setup lab exec ha2 -- ha-setup setup --role backup --vip 192.0.2.50/24 --vrid 51 --auth-pass lab51pw --router-id ha2 --priority 90 --dry-run',
    argv: inLab('ha2', ['setup', '--role', 'backup', '--interface', 'eth0', '--vip', '192.0.2.50/24', '--vrid', '51', '--auth-pass', 'lab51pw', '--router-id', 'ha2', '--priority', '90', '--dry-run']),
  },
  { name: 'doctor', shown: 'sudo ha-setup lab exec ha2 -- ha-setup doctor', argv: inLab('ha2', ['doctor']) },
  {
    name: 'doctor-fault',
    shown: '# after `iptables -A INPUT -p vrrp -j DROP` on ha2:\nsudo ha-setup lab exec ha2 -- ha-setup doctor',
    before: [['ip', 'netns', 'exec', 'ha2', 'iptables', '-A', 'INPUT', '-p', 'vrrp', '-j', 'DROP'], ['sleep', '5']],
    argv: inLab('ha2', ['doctor']),
  },
  {
    name: 'doctor-zh',
    shown: 'sudo LANG=zh_CN.UTF-8 ha-setup lab exec ha2 -- ha-setup doctor',
    env: { LANG: 'zh_CN.UTF-8' },
    argv: inLab('ha2', ['doctor']),
  },
  {
    name: 'failover-test',
    shown: 'sudo ha-setup lab exec ha1 -- ha-setup failover-test --yes',
    before: [['ip', 'netns', 'exec', 'ha2', 'iptables', '-D', 'INPUT', '-p', 'vrrp', '-j', 'DROP'], ['sleep', '6']],
    argv: inLab('ha1', ['failover-test', '--yes']),
  },
  { name: 'lab-down', shown: 'sudo ha-setup lab down', argv: ['node', cli, 'lab', 'down'] },
];

function clean(text: string): string {
  return text.split(repo).join('./').replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
}

// The lab is shared with the lab tests: one user at a time.
const release = await takeLabLock('capture-sessions');
let readme = readFileSync(join(repo, 'README.md'), 'utf8');
for (const s of sessions) {
  for (const [cmd, ...args] of s.before ?? []) await execa(cmd!, args, { reject: false });
  const r = await execa(s.argv[0]!, s.argv.slice(1), { reject: false, all: true, env: { NO_COLOR: '1', LANG: 'C.UTF-8', ...s.env } });
  const body = `$ ${s.shown}\n${clean(String(r.all))}\n[exit ${r.exitCode}]`;
  writeFileSync(join(repo, 'docs', 'sessions', `${s.name}.txt`), body + '\n');
  const re = new RegExp(`(<!-- session:${s.name} -->\\n)[\\s\\S]*?(<!-- /session:${s.name} -->)`);
  if (re.test(readme)) readme = readme.replace(re, `$1\`\`\`console\n${body}\n\`\`\`\n$2`);
  process.stdout.write(`${s.name}: exit ${r.exitCode}\n`);
}
writeFileSync(join(repo, 'README.md'), readme);
await release();
