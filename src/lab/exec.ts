/** `lab exec MEMBER -- CMD...`: run a command inside a lab member, as if logged in there. */
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import { fileIsThere, resolveSelf, runInteractive } from '../host/interactive.js';
import { LAB_BIN_DIR, labNodeRoot, type LabMemberName } from './constants.js';
import { netnsInode } from './procs.js';
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
  if (member === 'client' && fileIsThere(ssh.identity)) {
    env.HA_SETUP_SSH_IDENTITY = ssh.identity;
    env.HA_SETUP_SSH_KNOWN_HOSTS = ssh.knownHosts;
  }
  return env;
}

/** Runs with the terminal inherited; returns the command's exit code (128+N when killed by signal N). */
export async function labExec(member: LabMemberName, command: string[]): Promise<number> {
  if ((await netnsInode(member)) === null) {
    throw new OperationError(t('lab.error.notUp', { member }), { hint: 'ha-setup lab up' });
  }
  // `ha-setup` is the ha-setup that runs this `lab exec` (see resolveSelf).
  return runInteractive(['ip', 'netns', 'exec', member, ...resolveSelf(command)], labExecEnv(member));
}
