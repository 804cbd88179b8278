/** `lab exec MEMBER -- CMD...`: run a command inside a lab member, as if logged in there. */
import { execa } from 'execa';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { LAB_BIN_DIR, labNodeRoot, type LabMemberName } from './constants.js';
import { netnsInode } from './procs.js';
import { existsSync, realpathSync } from 'node:fs';
import { labClientSsh } from './sshd.js';

/** What a command run by `lab exec` finds in its environment. */
export function labExecEnv(member: LabMemberName): Record<string, string> {
  const env: Record<string, string> = {
    HA_SETUP_LAB_NODE: member,
    // ha-setup commands run inside a node take this as their default --root.
    HA_SETUP_ROOT: labNodeRoot(member),
    // The lab's keepalived (lab up --keepalived) is the node's "keepalived".
    PATH: [LAB_BIN_DIR, process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':'),
  };
  // Lab only: the client's key and known_hosts for the nodes' sshd (`lab up --ssh`).
  const ssh = labClientSsh();
  if (member === 'client' && existsSync(ssh.identity)) {
    env.HA_SETUP_SSH_IDENTITY = ssh.identity;
    env.HA_SETUP_SSH_KNOWN_HOSTS = ssh.knownHosts;
  }
  return env;
}

/**
 * `ha-setup` as the command is the ha-setup that runs this `lab exec` (the same node
 * binary, loader flags and entry file): a clone that was never installed, or another
 * version on PATH, must not answer for it.
 */
export function resolveSelf(command: string[], self = { execPath: process.execPath, execArgv: process.execArgv, entry: process.argv[1] }): string[] {
  if (command[0] !== 'ha-setup' || !self.entry) return command;
  let entry = self.entry;
  try {
    entry = realpathSync(entry);
  } catch {
    // keep the path as given
  }
  return [self.execPath, ...self.execArgv, entry, ...command.slice(1)];
}

/** Runs with the terminal inherited; returns the command's exit code (128+N when killed by signal N). */
export async function labExec(member: LabMemberName, command: string[]): Promise<number> {
  if ((await netnsInode(member)) === null) {
    throw new OperationError(t('lab.error.notUp', { member }), { hint: 'ha-setup lab up' });
  }
  const r = await execa('ip', ['netns', 'exec', member, ...resolveSelf(command)], {
    stdio: 'inherit',
    reject: false,
    env: labExecEnv(member),
  });
  if (typeof r.exitCode === 'number') return r.exitCode;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (r.signal ? (signals[r.signal] ?? 0) : 0);
}
