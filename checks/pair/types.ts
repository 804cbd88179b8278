/**
 * A pair check: a check (checks/types.ts) whose context is both nodes at once.
 * One file per check in checks/pair/, listed in checks/pair/index.ts.
 */
import type { Check, CheckResult } from '../types.js';
import type { PairContext } from '../../src/doctor/pair-context.js';

export type PairCheck = Check<PairContext>;

export const ok = (summary: string, details: string[] = []): CheckResult => ({ status: 'ok', summary, details, fix: null });
export const warn = (summary: string, details: string[], fix: CheckResult['fix'] = null): CheckResult => ({ status: 'warn', summary, details, fix });
export const fail = (summary: string, details: string[], fix: CheckResult['fix'] = null): CheckResult => ({ status: 'fail', summary, details, fix });
