import type { ExecResult, Host } from '../host/types.js';
import { saysNeedsRoot, type Gaps } from './gaps.js';

export type FirewallKind = 'firewalld' | 'ufw' | 'iptables' | 'nftables' | 'none';

export interface FirewallFacts {
  /** The tool in charge of the INPUT path; the one to add the VRRP rule with. */
  kind: FirewallKind;
  /** Is it filtering now? (firewalld running, ufw active, rules loaded) */
  running: boolean;
  /** For iptables: which kernel backend its rules go to. */
  backend?: 'nf_tables' | 'legacy';
}

/** What each probe saw; null = could not tell (not installed is `installed: false`). */
export interface FirewallProbes {
  firewalld: { installed: boolean; running: boolean } | null;
  ufw: { installed: boolean; active: boolean } | null;
  iptables: { installed: boolean; backend: 'nf_tables' | 'legacy' | null; hasRules: boolean | null } | null;
  nftables: { installed: boolean; inputHook: boolean } | null;
}

/**
 * Who is in charge. Front-ends first, because they own the rules below them: firewalld
 * (writes nftables/iptables itself), then ufw (writes iptables), then hand-made iptables
 * rules (with the nf_tables backend those also show up in `nft list ruleset`, which is why
 * iptables is asked before nft), then native nftables input chains. A front-end that is
 * installed but stopped is named (running: false) only when nothing else filters.
 */
export function decideFirewall(p: FirewallProbes): FirewallFacts {
  const backend = p.iptables?.backend ?? undefined;
  if (p.firewalld?.running) return { kind: 'firewalld', running: true };
  if (p.ufw?.active) return { kind: 'ufw', running: true };
  if (p.iptables?.hasRules) return backend ? { kind: 'iptables', running: true, backend } : { kind: 'iptables', running: true };
  if (p.nftables?.inputHook) return { kind: 'nftables', running: true };
  if (p.firewalld?.installed) return { kind: 'firewalld', running: false };
  if (p.ufw?.installed) return { kind: 'ufw', running: false };
  return { kind: 'none', running: false };
}

/** `firewall-cmd --state`: "running" exit 0, "not running" exit 252. */
export function parseFirewalldState(r: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr' | 'notFound'>): FirewallProbes['firewalld'] {
  if (r.notFound) return { installed: false, running: false };
  const text = `${r.stdout}${r.stderr}`.trim();
  if (r.exitCode === 0 && /^running/m.test(text)) return { installed: true, running: true };
  if (r.exitCode === 252 || /not running/.test(text)) return { installed: true, running: false };
  return null;
}

/** `ufw status`: "Status: active" / "Status: inactive". */
export function parseUfwStatus(r: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr' | 'notFound'>): FirewallProbes['ufw'] {
  if (r.notFound) return { installed: false, active: false };
  const m = /Status:\s*(active|inactive)/i.exec(r.stdout);
  if (!m) return null;
  return { installed: true, active: m[1]!.toLowerCase() === 'active' };
}

/** "iptables v1.8.9 (nf_tables)" -> nf_tables; "(legacy)" -> legacy; 1.4.x prints neither. */
export function parseIptablesVersion(text: string): 'nf_tables' | 'legacy' | null {
  if (/\(nf_tables\)/.test(text)) return 'nf_tables';
  if (/\(legacy\)/.test(text)) return 'legacy';
  return null;
}

/** `iptables -S`: any rule ("-A ...") or a non-ACCEPT built-in policy means it filters. */
export function iptablesHasRules(saveText: string): boolean {
  return saveText.split('\n').some((l) => l.startsWith('-A ') || /^-P (INPUT|FORWARD|OUTPUT) (DROP|REJECT)/.test(l));
}

/** `nft list ruleset`: a base chain hooked at input means nftables filters incoming packets. */
export function nftHasInputHook(ruleset: string): boolean {
  return /\bhook\s+input\b/.test(ruleset);
}

/** Probe all four tools through the host (inside a lab node's namespace, for a lab node). */
export async function probeFirewall(host: Host, gaps?: Gaps): Promise<FirewallProbes> {
  const run = (cmd: string, args: string[]) => host.exec(cmd, args, { why: 'find the firewall in charge', timeoutMs: 10_000 });
  const [fwd, ufw, iptVersion, iptRules, nft] = await Promise.all([
    run('firewall-cmd', ['--state']),
    run('ufw', ['status']),
    run('iptables', ['--version']),
    run('iptables', ['-S']),
    run('nft', ['list', 'ruleset']),
  ]);
  const firewalld = parseFirewalldState(fwd);
  if (firewalld === null) gaps?.add('firewall.firewalld', saysNeedsRoot(fwd.stderr) ? 'permission' : 'unparsed');
  const ufwProbe = parseUfwStatus(ufw);
  if (ufwProbe === null) gaps?.add('firewall.ufw', saysNeedsRoot(ufw.stdout + ufw.stderr) ? 'permission' : 'unparsed');

  let iptables: FirewallProbes['iptables'] = { installed: false, backend: null, hasRules: false };
  if (!iptVersion.notFound) {
    const hasRules = iptRules.exitCode === 0 ? iptablesHasRules(iptRules.stdout) : null;
    if (hasRules === null) gaps?.add('firewall.iptables', saysNeedsRoot(iptRules.stderr) ? 'permission' : 'unparsed');
    iptables = { installed: true, backend: parseIptablesVersion(iptVersion.stdout + iptVersion.stderr), hasRules };
  }
  let nftables: FirewallProbes['nftables'] = { installed: false, inputHook: false };
  if (!nft.notFound) {
    if (nft.exitCode === 0) nftables = { installed: true, inputHook: nftHasInputHook(nft.stdout) };
    else {
      nftables = null;
      gaps?.add('firewall.nftables', saysNeedsRoot(nft.stderr) ? 'permission' : 'unparsed');
    }
  }
  return { firewalld, ufw: ufwProbe, iptables, nftables };
}

export async function readFirewall(host: Host, gaps?: Gaps): Promise<FirewallFacts> {
  return decideFirewall(await probeFirewall(host, gaps));
}
