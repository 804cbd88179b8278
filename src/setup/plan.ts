/**
 * facts + answers -> plan. The only place that decides what setup writes and runs. The
 * plan is data: --dry-run prints it, apply executes it, tests assert it.
 */
import type { Host } from '../host/types.js';
import type { Facts } from '../system/facts.js';
import type { Answers } from './answers.js';
import { DEFAULTS, MODES } from '../defaults.js';
import { buildKeepalivedConfig, chooseScriptUser } from './keepalived-config.js';
import { renderConfig } from '../keepalived/render.js';
import { fillTemplate, loadTemplate } from '../templates.js';
import { allowVrrpSteps, readFirewallBoot, vrrpRuleStatus, type FirewallStep } from '../firewall/vrrp.js';
import { nodeShell } from '../system/node-shell.js';
import { parseCidr, cidrContains } from './net.js';
import type { ServiceName } from '../system/service-control.js';
import { nginxListensOn } from './nginx-listen.js';
import type { PlannedRelease } from './release.js';
import { addNotifyHook, renderNotifyScript, renderNotifySecrets, type NotifyPaths } from '../notify/script.js';

export type PlanStep =
  | { kind: 'install'; method: 'package' | 'source'; source: string | null; why: string }
  | { kind: 'write'; path: string; content: string; mode: number; rootOwned: boolean; previous: string | null; configTest: boolean; why: string }
  | { kind: 'exec'; argv: string[]; why: string; undo?: string[]; saveTo?: { path: string; header?: string; mode: number } }
  | { kind: 'service'; op: 'enable' | 'restart' | 'start' | 'reload'; name: ServiceName; why: string };

/** Firewall steps as plan steps: the applier runs them, saves their ruleset and undoes them. */
export function firewallPlanSteps(steps: readonly FirewallStep[]): PlanStep[] {
  return steps.map((s) => ({ kind: 'exec', argv: s.argv, why: s.why, undo: s.undo, saveTo: s.saveTo }));
}

export interface Plan {
  node: string;
  steps: PlanStep[];
  /** Files that already match (shown as "unchanged"). */
  unchanged: string[];
  /** Things the user should know before confirming. */
  notes: string[];
  /** The files as written, for the final screen and tests. */
  files: { config: string; checkScript: string; answers: string; notifyScript: string | null };
  /** The keepalived release the files are written for. */
  release: PlannedRelease;
}

export interface PlanOptions {
  /** --root other than "/": write files only, run and start nothing. */
  filesOnly: boolean;
  installMethod: 'package' | 'source';
  installSource: string | null;
  /** The release keepalived will be when it is not installed yet (setup/release.ts); default: unknown. */
  release?: PlannedRelease;
  /** What the node is configured with now (src/setup/existing.ts), to tell what a reload cannot keep. */
  previous?: Partial<Answers>;
}

/**
 * Changes after which keepalived, even on a reload, re-creates the VRRP instance: it sends
 * priority 0 and starts again as BACKUP, so the VIP moves away and back once (measured in
 * the lab for multicast -> unicast; VRID and interface re-create it too). Other changes
 * (priority, password, advert_int, e-mail, peers within unicast) keep the instance and its state.
 */
export function recreatesInstance(previous: Partial<Answers>, next: Answers): boolean {
  if (previous.vrid === undefined) return false;
  return previous.vrid !== next.vrid || previous.interface !== next.interface || (previous.peers?.length ?? 0) > 0 !== next.peers.length > 0;
}

function renderCheckScript(answers: Answers, host: Host): string {
  return fillTemplate(loadTemplate('check_nginx.sh'), {
    interval: DEFAULTS.check.interval,
    scriptName: DEFAULTS.scriptName,
    maintenanceFlag: host.runtimePath(DEFAULTS.paths.maintenanceFlag),
    url: answers.checkUrl,
    curlTimeout: Math.max(0.3, (DEFAULTS.check.timeout - DEFAULTS.check.retryDelayMs / 1000) / 2).toFixed(1),
    retryDelay: (DEFAULTS.check.retryDelayMs / 1000).toFixed(1),
  });
}

/** The node's own address on the VRRP interface in the VIP's subnet: the unicast source. */
function nodeAddressFor(facts: Facts, answers: Answers): string | null {
  const iface = facts.interfaces.find((i) => i.name === answers.interface);
  const vip = parseCidr(answers.vip);
  if (!iface || !vip) return null;
  const candidates = (vip.family === 4 ? iface.ipv4 : iface.ipv6).map(parseCidr).filter((c) => c !== null);
  return (candidates.find((c) => cidrContains(c, vip.address)) ?? candidates[0])?.address ?? null;
}

export function answersFileContent(answers: Answers): string {
  // A node with one VIP keeps the file it always had (a re-run writes nothing new).
  const { extraVips, ...rest } = answers;
  return JSON.stringify(extraVips.length > 0 ? { ...rest, extraVips } : rest, null, 2) + '\n';
}

/**
 * Is `name` in the node's user database? A lab node has a directory of its own but the
 * machine's users (its processes run on this machine's kernel and /etc/passwd), a
 * sandboxed remote node those of its machine: the machine's /etc/passwd is the one to read.
 */
export async function userExists(host: Host, name: string): Promise<boolean> {
  const users = host.runtimeView();
  const passwd = (await users.readFile('/etc/passwd')) ?? '';
  return passwd.split('\n').some((l) => l.split(':')[0] === name);
}

/** The unprivileged user the health check runs as (enable_script_security), and how to remove it. */
export function scriptUserCommands(name: string): { add: string[]; remove: string[] } {
  return { add: ['useradd', '--system', '--no-create-home', '--shell', '/sbin/nologin', '--user-group', name], remove: ['userdel', name] };
}

export async function buildPlan(host: Host, facts: Facts, answers: Answers, opts: PlanOptions): Promise<Plan> {
  const steps: PlanStep[] = [];
  const unchanged: string[] = [];
  const notes: string[] = [];
  const run = !opts.filesOnly;

  if (!facts.keepalived.installed && run) {
    steps.push({ kind: 'install', method: opts.installMethod, source: opts.installSource, why: 'keepalived is not installed' });
  }

  const release: PlannedRelease = facts.keepalived.installed ? { version: facts.keepalived.version, source: 'installed' } : (opts.release ?? { version: null, source: null });
  const scriptUser = chooseScriptUser(release.version);
  if (run && scriptUser !== 'root' && !(await userExists(host, scriptUser))) {
    const user = scriptUserCommands(scriptUser);
    steps.push({
      kind: 'exec',
      argv: user.add,
      undo: user.remove,
      why: 'an unprivileged user for the health check (enable_script_security)',
    });
  }

  const checkScript = renderCheckScript(answers, host);
  const model = buildKeepalivedConfig(answers, {
    checkScriptPath: host.runtimePath(DEFAULTS.paths.checkScript),
    scriptUser,
    unicastSrcIp: nodeAddressFor(facts, answers),
    keepalivedVersion: release.version,
  });
  // Every instance of the model reports to the one notify script (after all are built).
  const notifyPaths: NotifyPaths = {
    script: host.runtimePath(DEFAULTS.paths.notifyScript),
    secrets: host.runtimePath(DEFAULTS.paths.notifySecrets),
    fifo: host.runtimePath(DEFAULTS.paths.notifyFifo),
    stateDir: host.runtimePath(DEFAULTS.paths.notifyState),
  };
  if (answers.notify) addNotifyHook(model, notifyPaths, release.version);
  const config = renderConfig(model);
  const answersJson = answersFileContent(answers);

  const write = async (path: string, content: string, mode: number, why: string, extra: { rootOwned?: boolean; configTest?: boolean } = {}) => {
    const previous = await host.readFile(path);
    const stat = previous === null ? null : await host.stat(path);
    if (previous === content && stat?.mode === mode) {
      unchanged.push(path);
      return false;
    }
    steps.push({ kind: 'write', path, content, mode, rootOwned: extra.rootOwned ?? true, previous, configTest: extra.configTest ?? false, why });
    return true;
  };

  // keepalived runs the check script anew at every interval: a new script needs nothing restarted.
  await write(DEFAULTS.paths.checkScript, checkScript, MODES.script, 'the health check keepalived runs: exits 0 only while nginx answers here');
  // Secrets before the script, the script before the config that names it.
  let notifyScript: string | null = null;
  if (answers.notify) {
    notifyScript = renderNotifyScript(model, answers.routerId, notifyPaths, release.version);
    await write(DEFAULTS.paths.notifySecrets, renderNotifySecrets(answers.notify, answers.email, answers.routerId), MODES.notifySecrets, 'the notification channels: URLs with their tokens, robot secrets, SMTP login (root only: 0600)');
    await write(DEFAULTS.paths.notifyScript, notifyScript, MODES.script, 'the notify script keepalived runs on every state change: sends to each channel in the background');
  } else if (await host.exists(DEFAULTS.paths.notifySecrets)) {
    // Every channel removed: keepalived.conf no longer names the script, and the tokens go too
    // (a write, so a failed run puts them back).
    await write(DEFAULTS.paths.notifySecrets, renderNotifySecrets(null, null, answers.routerId), MODES.notifySecrets, 'no notification channel any more: the tokens and secrets are removed');
  }
  const configChanged = await write(DEFAULTS.paths.config, config, MODES.config, 'the VRRP instance, its VIP and the nginx check (holds the VRRP password: 0600)', { configTest: true });

  // Under --root the target's init system is unknown: the drop-in is harmless without systemd.
  if (facts.systemd !== false || opts.filesOnly) {
    const dropIn = loadTemplate('keepalived-after-nginx.conf');
    if (await write(DEFAULTS.paths.systemdDropIn, dropIn, MODES.dropIn, 'start keepalived after nginx at boot')) {
      if (run && facts.systemd) steps.push({ kind: 'exec', argv: ['systemctl', 'daemon-reload'], why: 'make systemd read the new drop-in' });
    }
  }

  const vips = [answers.vip, ...answers.extraVips];
  if ((await Promise.all(vips.map((v) => nginxListensOn(host, v.split('/')[0]!)))).some(Boolean)) {
    notes.push('setup.sysctl.needed');
    const sysctl = fillTemplate(loadTemplate('sysctl-nonlocal-bind.conf'), { vip: vips.join(', ') });
    if (await write(DEFAULTS.paths.sysctl, sysctl, MODES.sysctl, 'let nginx bind the VIP on the node that does not hold it') && run) {
      // The path the node's own sysctl reads (a lab node's file is under its directory).
      steps.push({ kind: 'exec', argv: ['sysctl', '-p', host.runtimePath(DEFAULTS.paths.sysctl)], why: 'apply ip_nonlocal_bind now' });
    }
  }

  if (run) {
    const status = await vrrpRuleStatus(host, facts.firewall);
    if (status.allowed !== true) {
      const vip = parseCidr(answers.vip);
      const boot = await readFirewallBoot(host, facts.firewall, { boots: nodeShell(host).boots, systemd: facts.systemd, family: facts.distro.family, packageManager: facts.distro.packageManager });
      steps.push(
        ...firewallPlanSteps(
          allowVrrpSteps(facts.firewall, {
            family: facts.distro.family,
            peers: answers.peers,
            ipv6: vip?.family === 6,
            blockingChains: status.blockingChains,
            boot,
          }),
        ),
      );
    }
  }

  await write(DEFAULTS.paths.answers, answersJson, MODES.answers, 'the answers, to re-run or to set up the peer the same way');

  if (run && (configChanged || facts.keepalived.running !== true)) {
    steps.push({ kind: 'service', op: 'enable', name: 'keepalived', why: 'start keepalived at boot' });
    // A running keepalived re-reads keepalived.conf on SIGHUP and keeps its state: the master
    // stays master and the VIP does not move (measured in the lab for priority, password,
    // advert_int and global_defs changes; docs/setup.md). A restart would move the VIP away and back.
    if (facts.keepalived.running === true) {
      const moves = opts.previous !== undefined && recreatesInstance(opts.previous, answers);
      if (moves) notes.push('setup.note.instanceRecreated');
      steps.push({ kind: 'service', op: 'reload', name: 'keepalived', why: moves ? 'make the running keepalived read the new configuration' : 'make the running keepalived read the new configuration; the VIP stays where it is' });
    }
    else steps.push({ kind: 'service', op: 'restart', name: 'keepalived', why: 'run keepalived with the new configuration' });
  }

  if (facts.nginx.running === false || !facts.nginx.installed) notes.push('setup.warn.noNginx');
  if (facts.cloud.multicast === false && answers.peers.length === 0) notes.push('setup.warn.cloudMulticast');

  return { node: host.label, steps, unchanged, notes, files: { config, checkScript, answers: answersJson, notifyScript }, release };
}
