import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Command, Option } from 'commander';
import { runCli } from '../helpers/cli.js';
import { completionScript, completionTree } from '../../src/commands/completion.js';

const bash = await runCli(['completion', 'bash']);
const zsh = await runCli(['completion', 'zsh']);

/** What bash offers for the command line `words`, the cursor on the last word. */
function complete(script: string, words: string[]): string[] {
  const program = `${script}
COMP_WORDS=(${words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_ha_setup
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

/** The commands `ha-setup --help` lists (what is registered today). */
async function helpCommands(args: string[] = []): Promise<string[]> {
  const help = await runCli([...args, '--help']);
  const section = (help.stdout.split(/^Commands:$/m)[1] ?? '').split(/\n\s*\n/)[0]!;
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help').sort();
}

test('completion bash and zsh exit 0 and print a script', () => {
  assert.equal(bash.code, 0, bash.stderr);
  assert.equal(zsh.code, 0, zsh.stderr);
  assert.match(bash.stdout, /complete -o default -F _ha_setup ha-setup/);
  assert.match(zsh.stdout, /^#compdef ha-setup/);
  assert.match(zsh.stdout, /bashcompinit/);
  // zsh runs the very function tested below.
  assert.ok(zsh.stdout.includes(bash.stdout.split('\n').filter((l) => l.startsWith('_ha_setup() {'))[0]!));
});

test('an unknown shell is a usage error naming the accepted ones', async () => {
  const r = await runCli(['completion', 'fish']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /fish.*bash, zsh/);
});

test('every registered command completes at the top level', async () => {
  assert.deepEqual(complete(bash.stdout, ['ha-setup', '']), await helpCommands());
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'la']), ['lab']);
});

test('lab subcommands complete after lab, also behind global flags', async () => {
  const lab = await helpCommands(['lab']);
  assert.ok(lab.includes('up') && lab.includes('down'));
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'lab', '']), lab);
  assert.deepEqual(complete(bash.stdout, ['ha-setup', '--root', '/tmp', '-v', 'lab', '']), lab);
});

test('flags complete per command, global flags included', () => {
  const setup = complete(bash.stdout, ['ha-setup', 'setup', '--']);
  for (const f of ['--role', '--interface', '--vip', '--auth-pass', '--root', '--json', '--lang', '--help']) assert.ok(setup.includes(f), `${f} in ${setup.join(' ')}`);
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'setup', '--ro']), ['--role', '--root', '--router-id']);
  assert.ok(!complete(bash.stdout, ['ha-setup', 'detect', '--']).includes('--role'));
});

test('values complete for --lang, --role and (when registered) --mode', async () => {
  assert.deepEqual(complete(bash.stdout, ['ha-setup', '--lang', '']), ['en', 'zh']);
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'setup', '--lang', 'z']), ['zh']);
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'setup', '--role', '']), ['backup', 'master']);
  assert.deepEqual(complete(bash.stdout, ['ha-setup', 'setup', '--role=ma']), ['master']);
  // A flag's value is not taken for a subcommand: `--lang lab` does not enter lab.
  assert.deepEqual(complete(bash.stdout, ['ha-setup', '--lang', 'en', '']), await helpCommands());
  if ((await helpCommands()).includes('failover-test')) {
    assert.deepEqual(complete(bash.stdout, ['ha-setup', 'failover-test', '--mode', '']), ['drain', 'keepalived', 'nginx']);
  }
});

test('a program built here: choices() win, hints fill in, --mode completes drain|nginx|keepalived', () => {
  const program = new Command('ha-setup').option('--lang <lang>').option('-q, --quiet');
  program.command('failover-test').option('--mode <mode>').addOption(new Option('--peer <host>'));
  program.command('pick').addOption(new Option('--colour <c>').choices(['red', 'blue']));
  const tree = completionTree(program);
  const failover = tree.find((n) => n.path === 'failover-test')!;
  assert.deepEqual(failover.valueFlags['--mode'], ['drain', 'nginx', 'keepalived']);
  assert.deepEqual(failover.valueFlags['--lang'], ['en', 'zh']);
  assert.deepEqual(failover.valueFlags['--peer'], []);
  assert.ok(failover.flags.includes('-q'));
  assert.deepEqual(tree.find((n) => n.path === 'pick')!.valueFlags['--colour'], ['red', 'blue']);
  const script = completionScript(program, 'bash');
  assert.deepEqual(complete(script, ['ha-setup', 'failover-test', '--mode', '']), ['drain', 'keepalived', 'nginx']);
  assert.deepEqual(complete(script, ['ha-setup', 'pick', '--colour', 'r']), ['red']);
});
