/**
 * A block of lines redrawn in place on a terminal, for the live views of doctor and
 * failover-test: the cursor moves back up over the block, clears to the end of the screen
 * and writes the block again. Each line is cut to the terminal's width, and the block to its
 * height, so that nothing wraps or scrolls: the block is exactly as tall as what the next
 * draw moves back over.
 */
import { displayWidth, writeOut } from './output.js';

// eslint-disable-next-line no-control-regex
const SGR = /(\u001b\[[0-9;]*m)/;
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

/** `text` cut to `width` terminal columns, ending in "…" when cut; colour codes take no room and are closed. */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const part of text.split(SGR)) {
    if (SGR.test(part)) {
      out += part;
      continue;
    }
    for (const ch of part) {
      const w = displayWidth(ch);
      if (used + w > width - 1) return `${out}…${text.includes('\u001b[') ? '\u001b[0m' : ''}`;
      out += ch;
      used += w;
    }
  }
  return out;
}

export interface LiveLines {
  /** Replace the block on the screen with these lines. */
  draw(lines: string[]): void;
  /** Leave the last block on the screen and give the cursor back. */
  done(): void;
  /** Remove the block from the screen (what follows is printed where it was). */
  clear(): void;
}

type Terminal = Pick<NodeJS.WriteStream, 'write' | 'columns' | 'rows' | 'destroyed'>;

export function liveLines(stream: Terminal = process.stdout): LiveLines {
  let height = 0;
  const back = () => (height > 0 ? `\u001b[${height}A\r\u001b[J` : '');
  const showCursor = () => writeOut(stream as NodeJS.WriteStream, SHOW_CURSOR);
  process.once('exit', showCursor);
  const finish = (text: string) => {
    process.removeListener('exit', showCursor);
    writeOut(stream as NodeJS.WriteStream, text + SHOW_CURSOR);
    height = 0;
  };
  return {
    draw(lines) {
      const width = stream.columns > 0 ? stream.columns : 80;
      const rows = stream.rows > 1 ? stream.rows : 24;
      const shown = lines.slice(-(rows - 1)).map((l) => fitWidth(l, width));
      writeOut(stream as NodeJS.WriteStream, `${back()}${HIDE_CURSOR}${shown.map((l) => `${l}\n`).join('')}`);
      height = shown.length;
    },
    done: () => finish(''),
    clear: () => finish(back()),
  };
}
