/**
 * The notification's words, Chinese first and English after, from the message catalogue:
 * rendered once at setup into the notify script as shell functions, so that at event time
 * the script only fills in node, instance, old and new state, priority, VIPs and time.
 */
import { tIn, type Lang } from '../i18n/index.js';

/** The shell variables the script has set when it prints a message. */
const VARS: Record<string, string> = {
  node: '${NODE}',
  instance: '${inst}',
  old: '${old}',
  new: '${new}',
  priority: '${prio}',
  vips: '${vips}',
  time: '${when}',
};

/** A catalogue text as a double-quoted shell word: its own `$`, `` ` ``, `"`, `\` inert, {name} the variable. */
export function shellWord(text: string): string {
  const escaped = text.replace(/[\\"$`]/g, (c) => `\\${c}`);
  return `"${escaped.replace(/\{(\w+)\}/g, (whole, name: string) => VARS[name] ?? whole)}"`;
}

const ORDER: readonly Lang[] = ['zh', 'en'];

const say = (text: string, indent = '    ') => `${indent}printf '%s\\n' ${shellWord(text)}`;

/** `message_subject` (one line, both languages) and `message_text` (the body, each language in turn; a test says it is one). */
export function messageFunctions(): string {
  const subject = ORDER.map((lang) => tIn(lang, 'notify.message.subject')).join(' / ');
  const perLanguage = ORDER.flatMap((lang) => [
    '    if [ "$is_test" = true ]; then',
    say(tIn(lang, 'notify.message.test'), '        '),
    '    else',
    say(tIn(lang, 'notify.message.body'), '        '),
    '    fi',
    say(tIn(lang, 'notify.message.detail')),
  ]);
  return ['message_subject() {', `    printf '%s' ${shellWord(subject)}`, '}', '', 'message_text() {', say(subject), ...perLanguage, '}'].join('\n');
}
