/**
 * Answers -> keepalived.conf model, for the release that will read it. Every lesson from the
 * field that shapes the file is applied here, once: explicit priority (never 255, never
 * implied by state MASTER), a check that puts the instance in FAULT when nginx stops
 * answering (so the VIP always moves), nopreempt only with every node starting as BACKUP,
 * no vrrp_strict, periodic gratuitous ARP, unicast that refuses to fall back to multicast
 * where the release can (unicast_fault_no_peer, 2.2.5+). Keywords come only where the
 * release has them (releases.ts); every other keyword written is known to 1.3.5.
 *
 * Why FAULT (weight 0) on every release, 1.3.5 included: every release advertises priority 0
 * when it enters FAULT (1.3.5: vrrp_state_leave_master() sends VRRP_PRIO_STOP for
 * GOTO_FAULT, one advert, unlogged; 2.x two, logged; recordings fault-wire.txt), so the
 * backup takes over after its skew time. A priority drop larger than the gap would be slower
 * everywhere: 2.x backups discard the lower-priority adverts and wait for their master-down
 * timer (3 x advert_int + skew); a 1.3.5 backup forces an election one advert after the
 * lower advert and adds the VIP one advert later, after the master's priority timer and
 * next advert (4 x advert_int), against 1.3.5's FAULT path of 2 x advert_int + skew.
 */
import { otherRole, type Answers } from './answers.js';
import { DEFAULTS } from '../defaults.js';
import {
  emptyConfig,
  emptyGlobalDefs,
  emptyVrrpInstance,
  emptyVrrpScript,
  type KeepalivedConfig,
  type Statement,
} from '../keepalived/model.js';
import { releaseHas } from '../keepalived/releases.js';

export interface ConfigContext {
  /** The check script's path as keepalived will see it. */
  checkScriptPath: string;
  /** The user keepalived runs the check as. */
  scriptUser: string;
  /** The node's own address on the VRRP interface (unicast source). */
  unicastSrcIp: string | null;
  /** Installed keepalived version ("2.2.7"), null when unknown. */
  keepalivedVersion: string | null;
}

const flag = (keyword: string, ...args: string[]): Statement => ({ keyword, args, block: null });

/** The user the check runs as: keepalived_script, except where `keepalived -t` cannot cope with it. */
export function chooseScriptUser(version: string | null): string {
  // keepalived 2.2.5-2.2.7 kill themselves under `-t` when a script runs as a non-root
  // user (fixed in 2.2.8), so on those releases the check runs as root; the script is
  // root-owned, 0755, in a root-owned directory, which enable_script_security enforces.
  // An unknown version (files written under --root for another machine) gets root too:
  // keepalived itself runs scripts as root when keepalived_script does not exist.
  if (!version || releaseHas(version, 'configTestSelfKill')) return 'root';
  return DEFAULTS.scriptUser;
}

export function buildKeepalivedConfig(answers: Answers, ctx: ConfigContext): KeepalivedConfig {
  const config = emptyConfig();

  const globals = emptyGlobalDefs();
  globals.routerId = answers.routerId;
  globals.enableScriptSecurity = true;
  globals.scriptUser = { user: ctx.scriptUser, group: null };
  // With --smtp-server the notify script mails (src/notify); keepalived's own mail needs a local MTA.
  if (answers.email && !answers.notify?.smtp) {
    globals.notificationEmail = [answers.email];
    globals.notificationEmailFrom = `keepalived@${answers.routerId}`;
    globals.smtpServer = '127.0.0.1';
    globals.smtpConnectTimeout = 30;
  }
  config.globalDefs = globals;

  const check = emptyVrrpScript(DEFAULTS.scriptName);
  check.script = ctx.checkScriptPath;
  check.interval = DEFAULTS.check.interval;
  check.timeout = DEFAULTS.check.timeout;
  check.weight = DEFAULTS.check.weight;
  check.fall = DEFAULTS.check.fall;
  check.rise = DEFAULTS.check.rise;
  config.vrrpScripts.push(check);

  const vip = (address: string) => ({ address, dev: answers.interface, label: null, scope: null, brd: null, options: [] });
  const instance = (name: string, role: Answers['role'], vrid: number, priority: number, vips: readonly string[]) => {
    const vi = emptyVrrpInstance(name);
    // nopreempt is ignored on an instance that starts as MASTER: with nopreempt both
    // nodes start as BACKUP and the priorities alone pick the first master.
    vi.state = answers.nopreempt ? 'BACKUP' : role;
    vi.interface = answers.interface;
    vi.virtualRouterId = vrid;
    vi.priority = priority;
    vi.advertInt = answers.advertInt;
    vi.nopreempt = answers.nopreempt;
    vi.authentication = { authType: 'PASS', authPass: answers.authPass, extra: [] };
    vi.virtualIpaddress = vips.map(vip);
    if (answers.peers.length > 0) {
      vi.unicastSrcIp = ctx.unicastSrcIp;
      vi.unicastPeer = [...answers.peers];
      // Without this, an empty peer list silently means multicast (before 2.2.5 there is no choice).
      if (releaseHas(ctx.keepalivedVersion, 'unicastFaultNoPeer')) vi.extra.push(flag('unicast_fault_no_peer'));
    }
    // Every instance tracks the one check: a node whose nginx stops gives up all its VIPs.
    vi.trackScript = [{ name: DEFAULTS.scriptName, weight: null, reverse: false }];
    vi.garp = [flag('garp_master_refresh', String(DEFAULTS.garpMasterRefresh))];
    vi.smtpAlert = Boolean(answers.email && !answers.notify?.smtp);
    return vi;
  };
  config.vrrpInstances.push(instance(DEFAULTS.instanceName, answers.role, answers.vrid, answers.priority, [answers.vip, ...answers.extraVips]));
  // active-active (双主): the second instance, where this node has the other role.
  if (answers.mode === 'active-active' && answers.secondVrid !== null && answers.secondPriority !== null) {
    config.vrrpInstances.push(instance(DEFAULTS.secondInstanceName, otherRole(answers.role), answers.secondVrid, answers.secondPriority, answers.secondVips));
  }
  return config;
}
