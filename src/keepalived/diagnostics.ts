import { t, type MessageKey } from '../i18n/index.js';

/** Where something is in the configuration files. line and column are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/**
 * A problem found while reading the files (as opposed to a validator finding about
 * the values). `code` is stable for machines; `message` is a sentence in the user's
 * language.
 */
export interface Diagnostic extends SourcePos {
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.column}`;
}

/** `file:line:column message`, the form editors and terminals link to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPos(d)} ${d.message}`;
}

export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  add(severity: Diagnostic['severity'], code: string, pos: SourcePos, key: MessageKey, params: Record<string, unknown> = {}): void {
    this.items.push({ severity, code, file: pos.file, line: pos.line, column: pos.column, message: t(key, params) });
  }
}
