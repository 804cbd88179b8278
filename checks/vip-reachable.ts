import type { Check } from './types.js';
import type { DoctorContext } from '../src/doctor/context.js';
import { t } from '../src/i18n/index.js';
import { restartCommands, result, vipAddresses } from '../src/doctor/result.js';
import { hasVrrpStrict } from '../src/keepalived/model.js';
import { nginxListensOn } from '../src/setup/nginx-listen.js';
import { DEFAULTS, MODES } from '../src/defaults.js';
import { fillTemplate, loadTemplate } from '../src/templates.js';

/**
 * keepalived's own DROP rules for the VIPs in an `nft list ruleset`: the tables it creates
 * are called keepalived (2.2.7: `table ip keepalived` with a set `vips` and
 * `ip daddr @vips drop`). A rule counts when it names a VIP or a set that holds one.
 */
export function vipDropRules(ruleset: string, vips: string[]): string[] {
  const out: string[] = [];
  const tables = ruleset.split(/^table /m).filter((b) => /^\S+ keepalived\b/.test(b));
  for (const body of tables) {
    const sets = new Map<string, string>();
    for (const m of body.matchAll(/set (\S+) \{([\s\S]*?)\n\s*\}/g)) sets.set(m[1]!, m[2]!);
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!/\b(drop|reject)\b/.test(line) || /^policy|^type /.test(line)) continue;
      const named = vips.some((v) => line.includes(v));
      const viaSet = [...line.matchAll(/@(\S+)/g)].some((m) => vips.some((v) => new RegExp(`(^|[\\s{,])${v.replace(/[.:]/g, (c) => `\\${c}`)}([\\s,}]|$)`).test(sets.get(m[1]!) ?? '')));
      if (named || viaSet) out.push(line);
    }
  }
  return out;
}

/** iptables -S: rules dropping a VIP, or keepalived's ipset match (vrrp_iptables / vrrp_ipsets). */
export function iptablesVipDropRules(rules: string, vips: string[]): string[] {
  return rules
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /-j (DROP|REJECT)/.test(l) && (vips.some((v) => l.includes(`${v}/`) || l.includes(` ${v} `)) || /--match-set keepalived/.test(l)));
}

/** keepalived's DROP rules for the VIPs (nftables first, then iptables). */
export async function keepalivedDropRules(ctx: DoctorContext, vips: string[]): Promise<{ rules: string[]; source: string | null }> {
  const nft = await ctx.host.exec('nft', ['list', 'ruleset'], { why: 'rules keepalived installs for vrrp_strict / no_accept', timeoutMs: 5000 });
  if (nft.exitCode === 0) {
    const rules = vipDropRules(nft.stdout, vips);
    if (rules.length) return { rules, source: 'nft list ruleset' };
  }
  const ipt = await ctx.host.exec('iptables', ['-S'], { why: 'rules keepalived installs for vrrp_strict / no_accept', timeoutMs: 5000 });
  if (ipt.exitCode === 0) {
    const rules = iptablesVipDropRules(ipt.stdout, vips);
    if (rules.length) return { rules, source: 'iptables -S' };
  }
  return { rules: [], source: null };
}

async function nonlocalBind(ctx: DoctorContext, ipv6: boolean): Promise<string | null> {
  const key = ipv6 ? 'net.ipv6.ip_nonlocal_bind' : 'net.ipv4.ip_nonlocal_bind';
  const r = await ctx.host.exec('sysctl', ['-n', key], { why: 'may nginx bind an address this node does not hold', timeoutMs: 5000 });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

export const vipReachable: Check = {
  id: 'vip-reachable',
  perInstance: true,
  title: () => t('doctor.vipReachable.title'),
  applies: async (ctx) => ((await ctx.instance())?.virtualIpaddress.length ?? 0) > 0 || t('doctor.vipReachable.noVip'),
  async run(ctx) {
    const inst = (await ctx.instance())!;
    const loaded = (await ctx.config())!;
    const vips = vipAddresses(inst.virtualIpaddress);
    const strict = hasVrrpStrict(loaded.parsed.config);
    const noAccept = inst.extra.some((s) => s.keyword === 'no_accept') || inst.extra.some((s) => s.keyword === 'strict_mode');
    const reload = restartCommands(ctx.services, 'keepalived');
    const details: string[] = [];
    let warn: { summary: string; explain: string; commands: string[] } | null = null;

    if (strict || noAccept) {
      const keyword = strict ? 'vrrp_strict' : inst.extra.some((s) => s.keyword === 'no_accept') ? 'no_accept' : 'strict_mode';
      const { rules, source } = await keepalivedDropRules(ctx, vips);
      if (rules.length) {
        return result('fail', t('doctor.vipReachable.dropped', { keyword, vips: vips.join(', ') }), [t('doctor.vipReachable.rulesFrom', { source }), ...rules.map((r) => `  ${r}`)], {
          explain: t('doctor.vipReachable.dropped.fix', { keyword }),
          commands: reload,
        });
      }
      warn = { summary: t('doctor.vipReachable.strictLatent', { keyword }), explain: t('doctor.vipReachable.dropped.fix', { keyword }), commands: reload };
    }

    for (const vip of vips) {
      if (!(await nginxListensOn(ctx.host, vip))) continue;
      const ipv6 = vip.includes(':');
      const [bind, holds] = await Promise.all([nonlocalBind(ctx, ipv6), ctx.holdsAddress(vip)]);
      details.push(t('doctor.vipReachable.listens', { vip, bind: bind ?? '?', holds: holds ? t('word.yes') : t('word.no') }));
      if (bind !== '0') continue;
      const sh = ctx.shell;
      const mkdir = !(await ctx.host.exists(DEFAULTS.paths.sysctl.slice(0, DEFAULTS.paths.sysctl.lastIndexOf('/'))));
      const fix = {
        explain: t('doctor.vipReachable.nonlocal.fix', { path: sh.path(DEFAULTS.paths.sysctl) }),
        commands: [sh.save(['echo', 'net.ipv4.ip_nonlocal_bind = 1'], DEFAULTS.paths.sysctl, { mkdir }), sh.run(['sysctl', '-p', sh.path(DEFAULTS.paths.sysctl)])],
      };
      if (!holds) return result('fail', t('doctor.vipReachable.nonlocal', { vip }), details, fix);
      warn ??= { summary: t('doctor.vipReachable.nonlocalLatent', { vip }), ...fix };
    }
    if (warn) return result('warn', warn.summary, details, { explain: warn.explain, commands: warn.commands });
    return result('ok', t('doctor.vipReachable.ok', { vips: vips.join(', ') }), details);
  },
  async fixSteps(ctx) {
    const inst = await ctx.instance();
    const vip = inst ? vipAddresses(inst.virtualIpaddress).find((v) => !v.includes(':')) : undefined;
    if (!vip || !(await nginxListensOn(ctx.host, vip))) return [];
    const path = DEFAULTS.paths.sysctl;
    const previous = await ctx.host.readFile(path);
    return [
      { kind: 'write', path, content: fillTemplate(loadTemplate('sysctl-nonlocal-bind.conf'), { vip }), mode: MODES.sysctl, rootOwned: true, previous, configTest: false, why: 'let nginx bind the VIP on the node that does not hold it' },
      { kind: 'exec', argv: ['sysctl', '-w', 'net.ipv4.ip_nonlocal_bind=1'], why: 'apply ip_nonlocal_bind now' },
    ];
  },
};
