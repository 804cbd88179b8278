/** `lab up`: build the network, start nginx on each node, configure the nodes, wait for the VIP. */
import type { LocalHost } from '../host/local.js';
import { OperationError } from '../errors.js';
import { t } from '../i18n/index.js';
import {
  LAB_INSTANCES,
  LAB_MEMBERS,
  LAB_NODES,
  LAB_ROLES,
  LAB_STATE_DIR,
  LAB_VIP_TIMEOUT_MS,
  type LabMemberName,
  type LabMode,
  type LabNodeName,
} from './constants.js';
import { configureNode } from './configure.js';
import { labDown } from './down.js';
import { emptyManifest, readManifest, updateManifest } from './manifest.js';
import { linkLabKeepalived, optionsNotAccepted, probeLabKeepalived, type LabKeepalived } from './keepalived.js';
import { chooseScriptUser } from '../setup/keepalived-config.js';
import { scriptUserCommands, userExists } from '../setup/plan.js';
import { createLabNetwork } from './network.js';
import { prepareMemberRoot, writeNginxFiles } from './node-files.js';
import { ensureLabPackages } from './packages.js';
import { labMachine } from './machine.js';
import { sleep } from './procs.js';
import { auditedLabServices, labNodeHost, labServices } from './services.js';
import { heldVips, labStatus, type LabStatus } from './status.js';
import { writeInitScripts } from './init-scripts.js';
import { ensureLabSshd } from './sshd.js';

export interface LabUpOptions {
  /** Tear down an existing lab first instead of reporting it. */
  recreate?: boolean;
  /** Install missing packages with apt-get (default true). */
  install?: boolean;
  progress?: (message: string) => void;
  /** Also start an sshd in each node (the pair commands over ssh); also on a lab that is already up. */
  ssh?: boolean;
  /** The keepalived binary both nodes run (default: the one on PATH). */
  keepalived?: string;
  /** Two instances, each node MASTER of one VIP (双主). */
  mode?: LabMode;
}

export interface LabUpReport {
  /** The lab was there already and was left alone. */
  alreadyUp: boolean;
  installed: string[];
  /** The keepalived the lab runs. */
  keepalived: LabKeepalived;
  /** The script user lab up created on the machine, if it did. */
  createdUser: string | null;
  /** From starting the first keepalived until a node held the VIP. */
  vipAfterMs: number | null;
  totalMs: number;
  status: LabStatus;
  /** --ssh: the nodes whose sshd this run started (on a lab that was up already too). */
  sshStarted: LabNodeName[];
}

/**
 * Wait until each VIP of the lab's mode is held by exactly one node; the holder of each
 * (in the mode's order), null for a VIP on no node or on several when the time ran out.
 */
export async function waitForVipHolders(mode: LabMode, timeoutMs: number): Promise<Array<LabMemberName | null>> {
  const vips = LAB_INSTANCES[mode].map((i) => i.vip);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await Promise.all(LAB_NODES.map((node) => heldVips(node, vips)));
    const holders = vips.map((v) => {
      const on = LAB_NODES.filter((_, k) => held[k]!.includes(v));
      return on.length === 1 ? on[0]! : null;
    });
    if (holders.every((h) => h !== null) || Date.now() >= deadline) return holders;
    await sleep(100);
  }
}

/** The node holding the first VIP once the election settled (null: none or several). */
export async function waitForVipHolder(timeoutMs: number, mode: LabMode = 'active-standby'): Promise<LabMemberName | null> {
  const holders = await waitForVipHolders(mode, timeoutMs);
  return holders.every((h) => h !== null) ? holders[0]! : null;
}

export async function labUp(opts: LabUpOptions = {}): Promise<LabUpReport> {
  const progress = opts.progress ?? (() => undefined);
  const started = Date.now();
  const machine = labMachine;
  // A binary given by path needs no keepalived package.
  const installed = await ensureLabPackages(machine, { install: opts.install ?? true, progress, provided: opts.keepalived ? ['keepalived'] : [] });
  // Checked before anything changes: a path that is not a keepalived is a usage error.
  const keepalived = await probeLabKeepalived(opts.keepalived);

  const mode: LabMode = opts.mode ?? 'active-standby';
  const before = await labStatus();
  if (before.present) {
    if (!opts.recreate) {
      // A lab of the other mode is not "up already": say how to get the one asked for.
      if (opts.mode !== undefined && before.manifest && before.mode !== opts.mode) {
        throw new OperationError(t('lab.error.otherMode', { running: before.mode, wanted: opts.mode }), { hint: `sudo ha-setup lab up --recreate${opts.mode === 'active-active' ? ' --active-active' : ''}` });
      }
      const running = (await readManifest())?.keepalived;
      if (opts.keepalived && running && running.path !== keepalived.path) {
        throw new OperationError(t('lab.error.otherKeepalived', { version: running.version, path: running.path }), { hint: t('lab.hint.otherKeepalived', { wanted: opts.keepalived }) });
      }
      let sshStarted: LabNodeName[] = [];
      if (opts.ssh) {
        // --ssh is never dropped in silence: half a lab has no nodes to start an sshd in.
        if (!before.up) throw new OperationError(t('lab.error.sshPartial', { namespaces: before.namespaces.join(', ') || '-' }), { hint: 'sudo ha-setup lab up --recreate --ssh' });
        for (const node of LAB_NODES) await writeInitScripts(node, labNodeHost(node), running ?? keepalived);
        sshStarted = await ensureLabSshd();
      }
      return { alreadyUp: true, installed, keepalived: running ?? keepalived, createdUser: null, vipAfterMs: null, totalMs: Date.now() - started, status: before, sshStarted };
    }
    progress(t('lab.progress.recreating'));
    await labDown(machine);
  }

  let keepalivedStart = Date.now();
  let createdUser: string | null = null;
  let sshStarted: LabNodeName[] = [];
  try {
    await machine.mkdir(LAB_STATE_DIR, 0o755);
    await updateManifest((m) => Object.assign(m, emptyManifest(), { keepalived, ...(mode === 'active-active' ? { mode } : {}) }));
    await linkLabKeepalived(keepalived);
    const skipped = optionsNotAccepted(keepalived);
    progress(t('lab.progress.keepalived', { version: keepalived.version, path: keepalived.path, options: skipped.length ? t('lab.progress.keepalivedOptions', { options: skipped.join(' ') }) : '' }));
    progress(t('lab.progress.network'));
    await createLabNetwork(machine, (ns) =>
      updateManifest((m) => {
        if (!m.namespaces.includes(ns)) m.namespaces.push(ns);
      }).then(() => undefined),
    );
    for (const member of LAB_MEMBERS) await prepareMemberRoot(member, labNodeHost(member), machine);

    progress(t('lab.progress.nginx'));
    for (const node of LAB_NODES) {
      await writeNginxFiles(node, labNodeHost(node));
      await writeInitScripts(node, labNodeHost(node), keepalived);
      const r = await auditedLabServices(node).start('nginx');
      if (r.exitCode !== 0) {
        throw new OperationError(t('lab.error.serviceStart', { service: 'nginx', node }), { details: r.stderr.split('\n').filter(Boolean) });
      }
    }

    // Both nodes share the machine's users: the check's user is made once, here, not by
    // two setup runs racing to useradd it.
    createdUser = await ensureScriptUser(machine, keepalived);
    if (createdUser) progress(t('lab.progress.scriptUser', { user: createdUser, version: keepalived.version }));

    progress(t('lab.progress.configure'));
    keepalivedStart = Date.now();
    // The nodes need nothing from each other to be configured: do both at once.
    await Promise.all(LAB_NODES.map((node) => configureNode(node, LAB_ROLES[node], mode)));
    if (opts.ssh) sshStarted = await ensureLabSshd();
  } catch (e) {
    // Half a lab is worse than none: undo what was made, then report the failure.
    await labDown(machine).catch(() => undefined);
    throw e;
  }

  progress(t('lab.progress.waitVip'));
  const holder = await waitForVipHolder(LAB_VIP_TIMEOUT_MS, mode);
  const vipAfterMs = Date.now() - keepalivedStart;
  if (holder === null) {
    // The lab stays up for inspection: its logs say why no node (or more than one) became MASTER.
    const logs = await Promise.all(LAB_NODES.map(async (n) => (await labServices(n).recentLogs('keepalived', 5)).map((l) => `${n}: ${l}`)));
    throw new OperationError(t('lab.error.noVip', { seconds: (LAB_VIP_TIMEOUT_MS / 1000).toFixed(0) }), {
      details: logs.flat(),
      hint: t('lab.hint.noVip'),
    });
  }
  return { alreadyUp: false, installed, keepalived, createdUser, vipAfterMs, totalMs: Date.now() - started, status: await labStatus(), sshStarted };
}

/**
 * The user setup will run the check as for this release, created on the machine when it
 * is missing and recorded in the manifest, so that `lab down` removes it (and only then).
 * Returns the user created, or null.
 */
async function ensureScriptUser(machine: LocalHost, keepalived: LabKeepalived): Promise<string | null> {
  const user = chooseScriptUser(keepalived.version);
  if (user === 'root' || (await userExists(machine, user))) return null;
  const add = scriptUserCommands(user).add;
  const r = await machine.exec(add[0]!, add.slice(1), { why: "the nodes' health-check user" });
  if (r.exitCode !== 0) throw new OperationError(t('lab.error.command', { command: add.join(' '), code: r.exitCode }), { details: r.stderr.split('\n').filter(Boolean) });
  await updateManifest((m) => {
    m.createdUsers = [...(m.createdUsers ?? []), user];
  });
  return user;
}
