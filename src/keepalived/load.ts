/**
 * Reads keepalived configuration text the way keepalived's reader does before any
 * keyword is looked at: comments removed, `@id` / `@^id` lines kept or dropped for the
 * config id, `$NAME=value` definitions recorded and substituted, `include` patterns
 * expanded in place. Files are read through a Host, so `--root` and lab nodes work.
 */
import { posix } from 'node:path';
import type { Host } from '../host/types.js';
import { stripComment, tokenizeLine } from './tokenize.js';
import type { DiagnosticList, SourcePos } from './diagnostics.js';
import {
  AUTHENTICATION_KEYWORDS,
  GLOBAL_DEFS_KEYWORDS,
  TOP_LEVEL_KEYWORDS,
  VRRP_GLOBAL_KEYWORDS,
  VRRP_INSTANCE_KEYWORDS,
  VRRP_SCRIPT_KEYWORDS,
  VRRP_SYNC_GROUP_KEYWORDS,
  VRRP_TRACK_PROCESS_KEYWORDS,
  keywordLike,
} from './keywords.js';

export interface SourceLine {
  file: string;
  line: number;
  /** Text after comment removal, conditional and substitution; blank lines are not kept. */
  text: string;
  /** Characters removed from the front (an `@id ` prefix), so columns still match the file. */
  offset: number;
}

export interface LoadOptions {
  /** keepalived's `-i` config id; `@id` lines apply only when it matches, `@^id` when it does not. */
  configId?: string;
  /** Text to use for the top file instead of reading it (tests, stdin). */
  text?: string;
}

/** keepalived itself stops at a depth well below this; it only guards against runaway nesting. */
const MAX_INCLUDE_DEPTH = 32;

interface LoadState {
  host: Host;
  configId: string | undefined;
  definitions: Map<string, string>;
  diagnostics: DiagnosticList;
  /** Every file read, in order. */
  files: string[];
}

export async function loadLines(host: Host, path: string, diagnostics: DiagnosticList, opts: LoadOptions = {}): Promise<{ lines: SourceLine[]; files: string[] }> {
  const state: LoadState = { host, configId: opts.configId, definitions: new Map(), diagnostics, files: [] };
  const lines: SourceLine[] = [];
  await loadFile(state, path, opts.text ?? null, [], lines);
  return { lines, files: state.files };
}

/** Keywords of every section, braces and addresses (an included list of VIPs): what a config line starts with. */
const KNOWN_FIRST = new Set<string>([
  ...TOP_LEVEL_KEYWORDS, ...GLOBAL_DEFS_KEYWORDS, ...VRRP_INSTANCE_KEYWORDS, ...VRRP_GLOBAL_KEYWORDS,
  ...AUTHENTICATION_KEYWORDS, ...VRRP_SCRIPT_KEYWORDS, ...VRRP_TRACK_PROCESS_KEYWORDS, ...VRRP_SYNC_GROUP_KEYWORDS, '{', '}', 'include',
]);
const ADDRESS = /^([0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d+)?$/;

/**
 * Does this text read as keepalived configuration at all? A file of which no line starts
 * with a keyword, a brace or an address, and some line with no word at all (/etc/shadow's
 * `root:$6$...`), is not one: its lines are never shown, not even as unknown keywords.
 */
export function looksLikeKeepalivedConfig(text: string): boolean {
  const firsts = text
    .split('\n')
    .map((l) => stripComment(l).trim().replace(/^@\^?\S+\s+/, ''))
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0]!.replace(/[{}]$/, '') || l[0]!);
  return firsts.length === 0 || firsts.some((w) => KNOWN_FIRST.has(w) || ADDRESS.test(w) || /^\$[A-Za-z_]/.test(w)) || firsts.every(keywordLike);
}

async function loadFile(state: LoadState, path: string, givenText: string | null, chain: string[], out: SourceLine[]): Promise<void> {
  const text = givenText ?? (await readConfigFile(state, path, null));
  if (text === null) return; // the caller reports it with the including line's position
  state.files.push(path);
  if (!looksLikeKeepalivedConfig(text)) {
    const lines = text.split('\n').filter((l) => l.trim()).length;
    state.diagnostics.add('error', 'not-a-config', { file: path, line: 1, column: 1 }, 'keepalived.parse.notAConfig', { file: path, lines });
    return;
  }
  const chainHere = [...chain, path];
  const physical = text.split('\n');
  let multiline: { name: string; parts: string[] } | null = null;

  for (let index = 0; index < physical.length; index++) {
    const lineNo = index + 1;
    let raw = stripComment(physical[index]!.replace(/\r$/, ''));

    if (multiline) {
      const trimmed = raw.replace(/\s+$/, '');
      const continues = trimmed.endsWith('\\');
      const part = (continues ? trimmed.slice(0, -1) : trimmed).trim();
      if (part) multiline.parts.push(part);
      if (!continues) {
        state.definitions.set(multiline.name, multiline.parts.join('\n'));
        multiline = null;
      }
      continue;
    }

    let offset = raw.length - raw.trimStart().length;
    raw = raw.trim();
    if (!raw) continue;

    if (raw.startsWith('@')) {
      const negate = raw[1] === '^';
      const m = /^@\^?(\S+)[ \t]+(.*)$/.exec(raw);
      if (!m) continue; // keepalived drops an `@id` with nothing after it
      const matches = state.configId !== undefined && m[1] === state.configId;
      if (matches === negate) continue;
      offset += raw.length - m[2]!.length;
      raw = m[2]!;
    }

    const def = /^\$([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/.exec(raw);
    if (def) {
      const value = def[2]!.replace(/\s+$/, '');
      if (value.endsWith('\\')) {
        const first = value.slice(0, -1).trim();
        multiline = { name: def[1]!, parts: first ? [first] : [] };
      } else {
        state.definitions.set(def[1]!, value);
      }
      continue;
    }

    const substituted = substitute(raw, state.definitions);
    for (const piece of substituted.split('\n')) {
      const textHere = stripComment(piece).trim();
      if (!textHere) continue;
      const pos: SourcePos = { file: path, line: lineNo, column: offset + 1 };
      const { tokens } = tokenizeLine(textHere);
      if (tokens[0]?.text === 'include' && !tokens[0].quoted) {
        await expandInclude(state, pos, tokens.slice(1).map((tk) => tk.text), chainHere, out);
        continue;
      }
      out.push({ file: path, line: lineNo, text: textHere, offset: substituted === raw ? offset : 0 });
    }
  }
  if (multiline) state.definitions.set(multiline.name, multiline.parts.join('\n'));
}

/** `$NAME` and `${NAME}` become their values; unknown names stay as written (keepalived does the same). */
function substitute(text: string, definitions: Map<string, string>): string {
  if (!definitions.size || !text.includes('$')) return text;
  let result = text;
  // A definition may refer to another one; a few rounds settle it, and stop loops.
  for (let round = 0; round < 8; round++) {
    const next = result.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
      const name = braced ?? bare!;
      return definitions.has(name) ? definitions.get(name)! : whole;
    });
    if (next === result) break;
    result = next;
  }
  return result;
}

async function expandInclude(state: LoadState, pos: SourcePos, args: string[], chain: string[], out: SourceLine[]): Promise<void> {
  const pattern = args[0];
  if (!pattern) {
    state.diagnostics.add('error', 'include-missing-path', pos, 'keepalived.parse.includeNoPath');
    return;
  }
  if (chain.length >= MAX_INCLUDE_DEPTH) {
    state.diagnostics.add('error', 'include-too-deep', pos, 'keepalived.parse.includeTooDeep', { max: MAX_INCLUDE_DEPTH });
    return;
  }
  const base = posix.dirname(chain[chain.length - 1]!);
  const absolute = posix.isAbsolute(pattern) ? posix.normalize(pattern) : posix.join(base, pattern);
  const files = hasGlob(absolute) ? await expandGlob(state.host, absolute) : [absolute];
  if (files.length === 0) {
    state.diagnostics.add('warning', 'include-no-match', pos, 'keepalived.parse.includeNoMatch', { pattern });
    return;
  }
  for (const file of files) {
    if (chain.includes(file)) {
      state.diagnostics.add('error', 'include-cycle', pos, 'keepalived.parse.includeCycle', { file, chain: [...chain, file].join(' -> ') });
      continue;
    }
    const text = await readConfigFile(state, file, pos);
    if (text === null) continue;
    await loadFile(state, file, text, chain, out);
  }
}

/**
 * A file's text, or null with the reason as a diagnostic at `pos` (the include line) when it
 * is missing, a directory or not a regular file. Only the top file has no `pos`: its
 * caller checked it.
 */
async function readConfigFile(state: LoadState, file: string, pos: SourcePos | null): Promise<string | null> {
  const at = pos ?? { file, line: 1, column: 1 };
  const st = await state.host.stat(file).catch(() => null);
  if (st && !st.isFile) {
    state.diagnostics.add('error', 'include-not-file', at, st.isDirectory ? 'keepalived.parse.includeDirectory' : 'keepalived.parse.includeNotFile', { file });
    return null;
  }
  const text = await state.host.readFile(file).catch(() => null);
  if (text === null && pos) state.diagnostics.add('error', 'include-missing', at, 'keepalived.parse.includeMissing', { file });
  return text;
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** Shell-style glob (`*`, `?`, `[...]`) over Host.readDir, one path segment at a time, sorted like glob(3). */
async function expandGlob(host: Host, pattern: string): Promise<string[]> {
  const segments = pattern.split('/').filter(Boolean);
  let candidates = ['/'];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next: string[] = [];
    for (const dir of candidates) {
      if (!hasGlob(segment)) {
        next.push(posix.join(dir, segment));
        continue;
      }
      const re = globToRegExp(segment);
      for (const name of await host.readDir(dir)) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(name)) next.push(posix.join(dir, name));
      }
    }
    candidates = next;
  }
  const files: string[] = [];
  for (const c of candidates) {
    const st = await host.stat(c);
    if (st?.isFile) files.push(c);
  }
  return files.sort();
}

function globToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
