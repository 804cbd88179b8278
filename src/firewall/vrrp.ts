/**
 * Does the active firewall let VRRP (IP protocol 112) in, and what exact commands make it
 * so, persistently. Shared by setup (which adds the rule) and doctor (which checks it and
 * prints the fix), so both always agree.
 */
import type { Host, WriteResult } from '../host/types.js';
import { packageInstallEnvArgv } from '../system/package-install.js';

export type FirewallKind = 'firewalld' | 'nftables' | 'iptables' | 'ufw' | 'none';

export interface FirewallInfo {
  kind: FirewallKind;
  running: boolean | null;
}

export interface VrrpRuleStatus {
  /** true: VRRP gets in; false: something drops it; null: could not tell. */
  allowed: boolean | null;
  /** The rule or policy that decided, as the firewall prints it. */
  evidence: string | null;
  /** nftables: the input chains that would drop VRRP ("family table chain"). */
  blockingChains: string[];
}

export interface FirewallStep {
  argv: string[];
  /** Writes the command's stdout to this file (persisting a ruleset). */
  saveTo?: { path: string; header?: string; mode: number };
  /** How to take the step back during a rollback. */
  undo?: string[];
  why: string;
}

const VRRP = /\b(vrrp|112)\b/;

/** nft: walk each input-hook chain in order; the first rule about VRRP, or a catch-all drop, decides. */
export function nftVrrpStatus(ruleset: string): VrrpRuleStatus {
  const blocking: string[] = [];
  let sawInput = false;
  let evidence: string | null = null;
  let table = '';
  let chain: { name: string; lines: string[] } | null = null;
  const decide = (c: { name: string; lines: string[] }) => {
    const body = c.lines.map((l) => l.trim()).filter(Boolean);
    if (!body.some((l) => /hook input/.test(l))) return;
    sawInput = true;
    const policyDrop = body.some((l) => /policy drop/.test(l));
    for (const line of body) {
      if (/^type filter hook|^policy /.test(line)) continue;
      const verdict = /\b(accept|drop|reject)\b/.exec(line)?.[1];
      if (!verdict) continue;
      if (VRRP.test(line)) {
        if (verdict !== 'accept') {
          blocking.push(`${table} ${c.name}`);
          evidence = line;
        }
        return;
      }
      if (verdict !== 'accept' && /^(counter( packets \d+ bytes \d+)? )?(drop|reject)/.test(line)) {
        blocking.push(`${table} ${c.name}`);
        evidence = line;
        return;
      }
    }
    if (policyDrop) {
      blocking.push(`${table} ${c.name}`);
      evidence = `chain ${c.name} policy drop`;
    }
  };
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    const tm = /^table (\w+) (\S+) \{/.exec(line);
    if (tm) {
      table = `${tm[1]} ${tm[2]}`;
      continue;
    }
    const cm = /^chain (\S+) \{/.exec(line);
    if (cm) {
      chain = { name: cm[1]!, lines: [] };
      continue;
    }
    if (chain && line === '}') {
      decide(chain);
      chain = null;
      continue;
    }
    if (chain) chain.lines.push(line);
  }
  if (!sawInput) return { allowed: true, evidence: null, blockingChains: [] };
  return { allowed: blocking.length === 0, evidence, blockingChains: blocking };
}

/** iptables -S INPUT: rules in order, then the chain policy. */
export function iptablesVrrpStatus(rules: string): VrrpRuleStatus {
  let policyDrop = false;
  for (const raw of rules.split('\n')) {
    const line = raw.trim();
    if (/^-P INPUT (DROP|REJECT)/.test(line)) policyDrop = true;
    if (!line.startsWith('-A INPUT')) continue;
    const target = /-j (\S+)/.exec(line)?.[1];
    if (!target) continue;
    if (/-p (vrrp|112)\b/.test(line)) {
      return target === 'ACCEPT'
        ? { allowed: true, evidence: line, blockingChains: [] }
        : { allowed: false, evidence: line, blockingChains: ['INPUT'] };
    }
    const conditional = / (-[sdpmi]|--\w+|-o) /.test(line.replace(/^-A INPUT/, '').replace(/-j \S+.*$/, ' '));
    if (!conditional && (target === 'DROP' || target === 'REJECT')) {
      return { allowed: false, evidence: line, blockingChains: ['INPUT'] };
    }
  }
  return policyDrop
    ? { allowed: false, evidence: '-P INPUT DROP', blockingChains: ['INPUT'] }
    : { allowed: true, evidence: null, blockingChains: [] };
}

/** firewall-cmd --list-all output of the active zone. */
export function firewalldVrrpStatus(listAll: string): VrrpRuleStatus {
  const protocols = /^\s*protocols:(.*)$/m.exec(listAll)?.[1] ?? '';
  const services = /^\s*services:(.*)$/m.exec(listAll)?.[1] ?? '';
  if (/\bvrrp\b/.test(protocols)) return { allowed: true, evidence: `protocols:${protocols}`, blockingChains: [] };
  if (/\bvrrp\b/.test(services)) return { allowed: true, evidence: `services:${services}`, blockingChains: [] };
  const rich = listAll.split('\n').find((l) => /rule/.test(l) && /protocol value="?(vrrp|112)"?/.test(l) && /accept/.test(l));
  if (rich) return { allowed: true, evidence: rich.trim(), blockingChains: [] };
  return { allowed: false, evidence: null, blockingChains: [] };
}

/** ufw: /etc/ufw/user.rules and before.rules hold the rules that pass VRRP. */
export function ufwVrrpStatus(status: string, rulesFiles: string[]): VrrpRuleStatus {
  if (/Status: inactive/.test(status)) return { allowed: true, evidence: 'Status: inactive', blockingChains: [] };
  const line = rulesFiles.join('\n').split('\n').find((l) => /-p (vrrp|112)\b/.test(l) && /-j ACCEPT/.test(l));
  return line ? { allowed: true, evidence: line.trim(), blockingChains: [] } : { allowed: false, evidence: null, blockingChains: [] };
}

export async function vrrpRuleStatus(host: Host, fw: FirewallInfo): Promise<VrrpRuleStatus> {
  const unknown: VrrpRuleStatus = { allowed: null, evidence: null, blockingChains: [] };
  switch (fw.kind) {
    case 'none':
      return { allowed: true, evidence: null, blockingChains: [] };
    case 'nftables': {
      const r = await host.exec('nft', ['list', 'ruleset']);
      return r.exitCode === 0 ? nftVrrpStatus(r.stdout) : unknown;
    }
    case 'iptables': {
      const r = await host.exec('iptables', ['-S', 'INPUT']);
      return r.exitCode === 0 ? iptablesVrrpStatus(r.stdout) : unknown;
    }
    case 'firewalld': {
      if (fw.running === false) return { allowed: true, evidence: 'not running', blockingChains: [] };
      const r = await host.exec('firewall-cmd', ['--list-all']);
      return r.exitCode === 0 ? firewalldVrrpStatus(r.stdout) : unknown;
    }
    case 'ufw': {
      const r = await host.exec('ufw', ['status']);
      if (r.exitCode !== 0) return unknown;
      const files = await Promise.all(['/etc/ufw/user.rules', '/etc/ufw/before.rules'].map((p) => host.readFile(p)));
      return ufwVrrpStatus(r.stdout, files.filter((f): f is string => f !== null));
    }
  }
}

export interface AllowOptions {
  family: 'rhel' | 'debian' | 'suse' | 'alpine' | 'other' | null;
  /** Unicast peers: ufw needs a from/to clause; multicast uses the VRRP group. */
  peers: string[];
  ipv6: boolean;
  /** nftables: chains that drop VRRP, as "family table chain". */
  blockingChains: string[];
  /** What brings a saved ruleset back at boot; without it the rules are saved and nothing more. */
  boot?: FirewallBoot;
}

/**
 * What makes saved firewall rules come back after a reboot on this node. A saved file is
 * worth nothing without its loader: Debian's netfilter-persistent (package
 * iptables-persistent) restores /etc/iptables/rules.v4, RHEL's iptables-services restores
 * /etc/sysconfig/iptables, nftables.service loads /etc/nftables.conf (Debian) or
 * /etc/sysconfig/nftables.conf (RHEL) when it is enabled.
 */
export interface FirewallBoot {
  /** false: the node never reboots (a lab node): the ruleset is saved, nothing is installed or enabled. */
  boots: boolean;
  systemd: boolean;
  packageManager: 'apt' | 'dnf' | 'yum' | 'zypper' | 'apk' | null;
  /** The loader is installed (iptables) or enabled (nftables.service); null: could not tell. */
  loader: boolean | null;
}

/** Where a saved ruleset goes on this family of distribution (the file its loader reads at boot). */
export function persistFile(kind: 'iptables' | 'ip6tables' | 'nftables', family: AllowOptions['family']): string {
  const rhel = family === 'rhel' || family === 'suse';
  if (kind === 'nftables') return rhel ? '/etc/sysconfig/nftables.conf' : '/etc/nftables.conf';
  if (kind === 'ip6tables') return rhel ? '/etc/sysconfig/ip6tables' : '/etc/iptables/rules.v6';
  return rhel ? '/etc/sysconfig/iptables' : '/etc/iptables/rules.v4';
}

/** The files that tell whether the loader of saved iptables rules is installed, per family. */
const IPTABLES_LOADER: Partial<Record<NonNullable<AllowOptions['family']>, string>> = {
  debian: '/usr/sbin/netfilter-persistent',
  rhel: '/usr/libexec/iptables/iptables.init',
};

/** Read what restores saved rules at boot on this node (files under its root, systemctl for nftables). */
export async function readFirewallBoot(
  host: Host,
  fw: FirewallInfo,
  node: { boots: boolean; systemd: boolean | null; family: AllowOptions['family']; packageManager: FirewallBoot['packageManager'] },
): Promise<FirewallBoot> {
  const base = { boots: node.boots, systemd: node.systemd === true, packageManager: node.packageManager };
  if (!node.boots) return { ...base, loader: null };
  if (fw.kind === 'iptables') {
    const file = node.family ? IPTABLES_LOADER[node.family] : undefined;
    return { ...base, loader: file ? await host.exists(file) : null };
  }
  if (fw.kind === 'nftables' && node.systemd) {
    const r = await host.exec('systemctl', ['is-enabled', '--quiet', 'nftables'], { why: 'does nftables.service load the saved ruleset at boot', timeoutMs: 10_000 });
    return { ...base, loader: r.notFound ? null : r.exitCode === 0 };
  }
  return { ...base, loader: null };
}

/** Install (and enable) what restores saved iptables rules at boot, when it is missing. */
function iptablesLoaderSteps(opts: AllowOptions): { before: FirewallStep[]; after: FirewallStep[] } {
  const b = opts.boot;
  const none = { before: [], after: [] };
  if (!b || !b.boots || b.loader !== false || !b.packageManager) return none;
  const why = 'restore the saved rules at boot';
  if (opts.family === 'debian' && b.packageManager === 'apt') {
    return { before: [{ argv: packageInstallEnvArgv('apt', ['iptables-persistent']), why }], after: [] };
  }
  if (opts.family === 'rhel' && (b.packageManager === 'dnf' || b.packageManager === 'yum')) {
    return {
      before: [{ argv: packageInstallEnvArgv(b.packageManager, ['iptables-services']), why }],
      after: b.systemd ? [{ argv: ['systemctl', 'enable', 'iptables'], why }] : [],
    };
  }
  return none;
}

/** The exact commands that let VRRP in and keep it so after a reboot. */
export function allowVrrpSteps(fw: FirewallInfo, opts: AllowOptions): FirewallStep[] {
  const why = 'let VRRP (IP protocol 112) in, or the peers cannot see each other and both take the VIP';
  switch (fw.kind) {
    case 'none':
      return [];
    case 'firewalld':
      return [
        { argv: ['firewall-cmd', '--permanent', '--add-protocol=vrrp'], undo: ['firewall-cmd', '--permanent', '--remove-protocol=vrrp'], why },
        { argv: ['firewall-cmd', '--add-protocol=vrrp'], undo: ['firewall-cmd', '--remove-protocol=vrrp'], why },
      ];
    case 'iptables': {
      const loader = iptablesLoaderSteps(opts);
      const steps: FirewallStep[] = [
        { argv: ['iptables', '-I', 'INPUT', '1', '-p', 'vrrp', '-j', 'ACCEPT'], undo: ['iptables', '-D', 'INPUT', '-p', 'vrrp', '-j', 'ACCEPT'], why },
        { argv: ['iptables-save'], saveTo: { path: persistFile('iptables', opts.family), mode: 0o600 }, why: 'keep the rule after a reboot' },
      ];
      if (opts.ipv6) {
        steps.splice(1, 0, { argv: ['ip6tables', '-I', 'INPUT', '1', '-p', 'vrrp', '-j', 'ACCEPT'], undo: ['ip6tables', '-D', 'INPUT', '-p', 'vrrp', '-j', 'ACCEPT'], why });
        steps.push({ argv: ['ip6tables-save'], saveTo: { path: persistFile('ip6tables', opts.family), mode: 0o600 }, why: 'keep the rule after a reboot' });
      }
      return [...loader.before, ...steps, ...loader.after];
    }
    case 'nftables': {
      const steps: FirewallStep[] = opts.blockingChains.map((c) => ({
        argv: ['nft', 'insert', 'rule', ...c.split(' '), 'meta', 'l4proto', 'vrrp', 'accept'],
        why,
      }));
      steps.push({
        argv: ['nft', 'list', 'ruleset'],
        saveTo: { path: persistFile('nftables', opts.family), header: '#!/usr/sbin/nft -f\nflush ruleset\n\n', mode: 0o600 },
        why: 'keep the rule after a reboot',
      });
      const b = opts.boot;
      if (b?.boots && b.systemd && b.loader === false) steps.push({ argv: ['systemctl', 'enable', 'nftables'], why: 'load the saved ruleset at boot' });
      return steps;
    }
    case 'ufw': {
      const sources = opts.peers.length > 0 ? opts.peers.map((p) => ['from', p]) : [['to', '224.0.0.18'], ...(opts.ipv6 ? [['to', 'ff02::12']] : [])];
      return sources.map(([dir, addr]) => ({
        argv: ['ufw', 'allow', dir!, addr!, 'proto', 'vrrp'],
        undo: ['ufw', 'delete', 'allow', dir!, addr!, 'proto', 'vrrp'],
        why,
      }));
    }
  }
}

/** Run one step on the host; a step that saves a ruleset writes its output atomically (with a backup). */
export async function applyFirewallStep(host: Host, step: FirewallStep): Promise<{ exitCode: number; error: string; write: WriteResult | null; previous: string | null }> {
  const r = await host.exec(step.argv[0]!, step.argv.slice(1), { why: step.why, timeoutMs: 10 * 60_000 });
  if (r.exitCode !== 0) return { exitCode: r.exitCode, error: (r.stderr || r.stdout).trim() || `exit ${r.exitCode}`, write: null, previous: null };
  if (!step.saveTo) return { exitCode: 0, error: '', write: null, previous: null };
  const previous = await host.readFile(step.saveTo.path);
  const write = await host.writeFileAtomic(step.saveTo.path, (step.saveTo.header ?? '') + r.stdout, { mode: step.saveTo.mode, rootOwned: true, why: step.why });
  return { exitCode: 0, error: '', write, previous };
}
