/**
 * Turns the loaded lines into a tree of statements. A statement is the words of one
 * line; a `{` opens a block for the statement before it, on the same line or alone on
 * the next one (both styles are common in the wild); `}` closes it.
 */
import { tokenizeLine } from './tokenize.js';
import type { SourceLine } from './load.js';
import type { DiagnosticList, SourcePos } from './diagnostics.js';

export interface ParsedStatement {
  keyword: string;
  args: string[];
  block: ParsedStatement[] | null;
  pos: SourcePos;
}

export function buildTree(lines: SourceLine[], diagnostics: DiagnosticList): ParsedStatement[] {
  const root: ParsedStatement[] = [];
  const stack: { list: ParsedStatement[]; owner: ParsedStatement | null }[] = [{ list: root, owner: null }];
  const top = () => stack[stack.length - 1]!;

  for (const line of lines) {
    const { tokens, unterminatedQuote } = tokenizeLine(line.text);
    const at = (column: number): SourcePos => ({ file: line.file, line: line.line, column: line.offset + column });
    if (unterminatedQuote !== null) {
      diagnostics.add('error', 'unterminated-quote', at(unterminatedQuote), 'keepalived.parse.unterminatedQuote');
    }
    let words: { text: string; column: number }[] = [];
    const flush = (): ParsedStatement | null => {
      if (!words.length) return null;
      const stmt: ParsedStatement = { keyword: words[0]!.text, args: words.slice(1).map((w) => w.text), block: null, pos: at(words[0]!.column) };
      top().list.push(stmt);
      words = [];
      return stmt;
    };
    for (const token of tokens) {
      if (!token.quoted && token.text === '{') {
        let owner = flush();
        if (!owner) {
          // `{` alone on its line belongs to the statement on the line before.
          const list = top().list;
          const previous = list[list.length - 1];
          if (previous && previous.block === null) owner = previous;
        }
        if (!owner) {
          diagnostics.add('error', 'brace-without-keyword', at(token.column), 'keepalived.parse.braceWithoutKeyword');
          owner = { keyword: '{', args: [], block: null, pos: at(token.column) };
        }
        if (owner.block !== null) {
          diagnostics.add('error', 'brace-without-keyword', at(token.column), 'keepalived.parse.braceWithoutKeyword');
        }
        owner.block = owner.block ?? [];
        stack.push({ list: owner.block, owner });
      } else if (!token.quoted && token.text === '}') {
        flush();
        if (stack.length === 1) diagnostics.add('error', 'extra-close-brace', at(token.column), 'keepalived.parse.extraCloseBrace');
        else stack.pop();
      } else {
        words.push({ text: token.text, column: token.column });
      }
    }
    flush();
  }
  for (let i = stack.length - 1; i > 0; i--) {
    const owner = stack[i]!.owner!;
    diagnostics.add('error', 'missing-close-brace', owner.pos, 'keepalived.parse.missingCloseBrace', { keyword: owner.keyword, line: owner.pos.line });
  }
  return root;
}
