import { t, type MessageKey } from './i18n/index.js';
import { EXIT } from './exit-codes.js';

/** What stands for a secret value wherever one would be shown. */
export const MASKED = '********';

/**
 * An error the user caused (bad flag, bad answer, bad file). It names the field, the
 * value and what would be accepted, so the user can fix it without reading code.
 * Raised before any change is made; the CLI prints it and exits with EXIT.usage.
 */
export class UserError extends Error {
  readonly field: string;
  readonly value: string | undefined;
  readonly accepted: string;
  readonly exitCode: number;

  constructor(opts: { field: string; value?: unknown; accepted: string; reason?: string; exitCode?: number; secret?: boolean }) {
    // A secret (a password) is never echoed back, not even in the error about it.
    const value = opts.value === undefined ? undefined : opts.secret ? MASKED : String(opts.value);
    super(
      t('error.user', {
        field: opts.field,
        value: value === undefined ? t('error.user.novalue') : JSON.stringify(value),
        accepted: opts.accepted,
        reason: opts.reason ? t('error.user.reason', { reason: opts.reason }) : '',
      }),
    );
    this.name = 'UserError';
    this.field = opts.field;
    this.value = value;
    this.accepted = opts.accepted;
    this.exitCode = opts.exitCode ?? EXIT.usage;
  }
}

/** A failure of the system we act on (a command failed, a service did not start). */
export class OperationError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly details: string[];
  constructor(message: string, opts: { hint?: string; details?: string[]; exitCode?: number } = {}) {
    super(message);
    this.name = 'OperationError';
    this.hint = opts.hint;
    this.details = opts.details ?? [];
    this.exitCode = opts.exitCode ?? EXIT.failure;
  }
}

export function messageKeyError(key: MessageKey, params: Record<string, unknown> = {}): OperationError {
  return new OperationError(t(key, params));
}
