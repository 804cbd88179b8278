/** Small builders the checks share, so every result has the same shape. */
import type { CheckResult, CheckStatus, Fix } from '../../checks/types.js';
import type { ServiceControl, ServiceName } from '../system/service-control.js';
import type { DoctorContext } from './context.js';
import { commandLine } from './paths.js';

export function result(status: CheckStatus, summary: string, details: string[] = [], fix: Fix | null = null): CheckResult {
  return { status, summary, details, fix };
}

/** The command that starts a service with this node's init system. */
export function startCommands(kind: ServiceControl['kind'], name: ServiceName): string[] {
  switch (kind) {
    case 'systemd':
      return [`systemctl enable --now ${name}`];
    case 'sysv':
      return [`service ${name} start`];
    case 'lab':
      return ['ha-setup lab up'];
  }
}

/** The command that restarts (or, with `reload`, re-reads the config of) a service. */
export function restartCommands(kind: ServiceControl['kind'], name: ServiceName, op: 'restart' | 'reload' = 'restart'): string[] {
  switch (kind) {
    case 'systemd':
      return [`systemctl ${op} ${name}`];
    case 'sysv':
      return [`service ${name} ${op}`];
    case 'lab':
      return ['ha-setup lab up'];
  }
}

/** Run argv through the node's host; a failure becomes an exception with the command's own words. */
export async function runFixCommand(ctx: DoctorContext, argv: string[], why: string): Promise<string> {
  const r = await ctx.host.exec(argv[0]!, argv.slice(1), { why, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${commandLine(argv)}: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`);
  return `$ ${commandLine(argv)}`;
}

/** The VIP addresses of an instance without their prefix length. */
export function vipAddresses(addresses: Array<{ address: string }>): string[] {
  return addresses.map((v) => v.address.split('/')[0]!);
}
