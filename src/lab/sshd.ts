/**
 * An OpenSSH server in each lab node (`lab up --ssh`), so that the pair commands can be
 * rehearsed exactly as on real servers: from the client namespace, agentless, through
 * the system ssh client. Everything it uses lives under the node's directory: host key,
 * sshd_config, pid file, log, root's authorized_keys. The sshd tells every session where
 * the node's "/" is (`SetEnv HA_SETUP_ROOT=... HA_SETUP_LAB_NODE=...`), which SshHost
 * honours: files land under the node's directory, daemons start through its init scripts.
 *
 * The client's key and known_hosts are generated under the client's directory;
 * `lab exec client` points ha-setup at them (HA_SETUP_SSH_IDENTITY, HA_SETUP_SSH_KNOWN_HOSTS).
 */
import { t } from '../i18n/index.js';
import { LAB_ADDRESSES, LAB_NODES, labNodeRoot, type LabNodeName } from './constants.js';
import { labMachine } from './machine.js';
import { ownDaemonFromPidFile, sleep, spawnDetached, terminate } from './procs.js';
import { OperationError } from '../errors.js';

/** A program on the machine that must succeed (its output is the error when it does not). */
async function run(cmd: string, args: string[], why: string): Promise<void> {
  const r = await labMachine.exec(cmd, args, { why });
  if (r.exitCode !== 0) throw new OperationError(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
}

/** A lab file only the lab rewrites: no backups. */
const write = (path: string, text: string, mode: number) => labMachine.writeFileAtomic(path, text, { mode, backup: false });
const read = async (path: string) => (await labMachine.readFile(path).catch(() => null)) ?? '';

export const SSHD_BINARY = '/usr/sbin/sshd';

/** The files of a node's sshd, as real paths. */
export function labSshdPaths(node: LabNodeName) {
  const root = labNodeRoot(node);
  return {
    config: `${root}/etc/ssh/sshd_config`,
    hostKey: `${root}/etc/ssh/ssh_host_ed25519_key`,
    pidFile: `${root}/run/sshd.pid`,
    log: `${root}/var/log/sshd.log`,
    authorizedKeys: `${root}/root/.ssh/authorized_keys`,
  };
}

/** The client's key and known_hosts (what `lab exec client` hands to ha-setup). */
export function labClientSsh() {
  const dir = `${labNodeRoot('client')}/root/.ssh`;
  return { dir, identity: `${dir}/id_ed25519`, knownHosts: `${dir}/known_hosts` };
}

export function renderLabSshdConfig(node: LabNodeName): string {
  const p = labSshdPaths(node);
  return [
    `# Written by \`ha-setup lab up --ssh\` for lab node ${node}; removed by \`ha-setup lab down\`.`,
    'Port 22',
    `ListenAddress ${LAB_ADDRESSES[node]}`,
    `HostKey ${p.hostKey}`,
    `PidFile ${p.pidFile}`,
    `AuthorizedKeysFile ${p.authorizedKeys}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'LogLevel INFO',
    'MaxStartups 100',
    // What makes a session see the node's directory as "/" (SshHost reads it on first contact).
    `SetEnv HA_SETUP_ROOT=${labNodeRoot(node)} HA_SETUP_LAB_NODE=${node}`,
    '',
  ].join('\n');
}

async function keygen(path: string, comment: string): Promise<void> {
  if (await labMachine.exists(path)) return;
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], 'a lab ssh key');
}

/** The running sshd of a node, if it is ours (pid file, alive, command line names our config). */
export async function labSshdPid(node: LabNodeName): Promise<number | null> {
  const p = labSshdPaths(node);
  return (await ownDaemonFromPidFile(p.pidFile, p.config))?.pid ?? null;
}

/**
 * Start (or keep) an sshd in every lab node. Idempotent: a node whose sshd runs is left
 * alone. Keys are generated once and kept for the lab's lifetime. Returns the nodes whose
 * sshd it started.
 */
export async function ensureLabSshd(nodes: readonly LabNodeName[] = LAB_NODES): Promise<LabNodeName[]> {
  if (!(await labMachine.exists(SSHD_BINARY))) {
    throw new OperationError(t('lab.error.noSshd', { binary: SSHD_BINARY }), { hint: 'apt-get install openssh-server' });
  }
  const client = labClientSsh();
  await labMachine.mkdir(client.dir, 0o700);
  await keygen(client.identity, 'ha-setup-lab-client');
  const clientPub = await read(`${client.identity}.pub`);
  // sshd's privilege separation directory (the openssh-server package creates it at boot).
  await labMachine.mkdir('/run/sshd', 0o755);
  const knownHosts: string[] = [];
  const started: LabNodeName[] = [];
  for (const node of nodes) {
    const p = labSshdPaths(node);
    const root = labNodeRoot(node);
    await labMachine.mkdir(`${root}/etc/ssh`, 0o755);
    await labMachine.mkdir(`${root}/root/.ssh`, 0o700);
    await labMachine.mkdir(`${root}/var/log`, 0o755);
    await labMachine.mkdir(`${root}/run`, 0o755);
    await keygen(p.hostKey, `ha-setup-lab-${node}`);
    await write(p.authorizedKeys, clientPub, 0o600);
    await write(p.config, renderLabSshdConfig(node), 0o600);
    const [type, data] = (await read(`${p.hostKey}.pub`)).trim().split(/\s+/);
    knownHosts.push(`${LAB_ADDRESSES[node]} ${type} ${data}`);
    if ((await labSshdPid(node)) !== null) continue;
    await startOne(node);
    started.push(node);
  }
  await write(client.knownHosts, knownHosts.join('\n') + '\n', 0o600);
  return started;
}

async function startOne(node: LabNodeName): Promise<void> {
  const p = labSshdPaths(node);
  await run(SSHD_BINARY, ['-t', '-f', p.config], 'the lab sshd_config');
  const before = (await read(p.log)).length;
  // Its own session, so it outlives the command that started it; `lab down` stops it.
  spawnDetached(['ip', 'netns', 'exec', node, SSHD_BINARY, '-D', '-e', '-f', p.config], p.log);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = (await read(p.log)).slice(before);
    if (/Server listening on/.test(log) && (await labSshdPid(node)) !== null) return;
    if (Date.now() > deadline) throw new OperationError(t('lab.error.sshdStart', { node }), { details: log.split('\n').filter(Boolean).slice(-5) });
    await sleep(25);
  }
}

/** Stop a node's sshd (tests: a refused or unreachable node). */
export async function stopLabSshd(node: LabNodeName): Promise<void> {
  const p = labSshdPaths(node);
  const own = await ownDaemonFromPidFile(p.pidFile, p.config);
  if (own) await terminate(own.pid, own.startTime, 3000);
}
