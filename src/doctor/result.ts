/** Small builders the checks share, so every result has the same shape. */
import type { CheckResult, CheckStatus, Fix } from '../../checks/types.js';
import type { ServiceControl, ServiceName } from '../system/service-control.js';

export function result(status: CheckStatus, summary: string, details: string[] = [], fix: Fix | null = null): CheckResult {
  return { status, summary, details, fix };
}

/** The commands that start (and enable) a service with this node's service manager. */
export function startCommands(services: ServiceControl, name: ServiceName): string[] {
  return services.commandLines('start', name);
}

/** The commands that restart (or, with `reload`, make it re-read its config) a service. */
export function restartCommands(services: ServiceControl, name: ServiceName, op: 'restart' | 'reload' = 'restart'): string[] {
  return services.commandLines(op, name);
}

/** The VIP addresses of an instance without their prefix length. */
export function vipAddresses(addresses: Array<{ address: string }>): string[] {
  return addresses.map((v) => v.address.split('/')[0]!);
}
