/**
 * keepalived's lexical rules for one line, as its lib/parser.c applies them:
 * - `!` and `#` start a comment anywhere outside double quotes (so `auth_pass ab#cd` is
 *   the password "ab"), which is why the renderer refuses those characters in values;
 * - words are separated by blanks; `"..."` is one word (no escapes exist);
 * - `{` and `}` are words of their own even when written against another word.
 */

export interface Token {
  text: string;
  quoted: boolean;
  /** 1-based column in the line the token came from. */
  column: number;
}

export interface TokenizedLine {
  tokens: Token[];
  /** Column of an opening quote that is never closed, or null. */
  unterminatedQuote: number | null;
}

/** The line without its comment (the first `!` or `#` outside quotes and what follows). */
export function stripComment(text: string): string {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && (c === '!' || c === '#')) return text.slice(0, i);
  }
  return text;
}

const BLANK = /[ \t\f\v]/;

export function tokenizeLine(text: string): TokenizedLine {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.test(c)) {
      i++;
      continue;
    }
    if (c === '!' || c === '#') break;
    if (c === '{' || c === '}') {
      tokens.push({ text: c, quoted: false, column: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) {
        tokens.push({ text: text.slice(i + 1), quoted: true, column: i + 1 });
        return { tokens, unterminatedQuote: i + 1 };
      }
      tokens.push({ text: text.slice(i + 1, end), quoted: true, column: i + 1 });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < text.length && !BLANK.test(text[i]!) && !'{}"!#'.includes(text[i]!)) i++;
    tokens.push({ text: text.slice(start, i), quoted: false, column: start + 1 });
  }
  return { tokens, unterminatedQuote: null };
}
