/**
 * A command run with this terminal (`lab exec MEMBER -- CMD`): its stdin, stdout and
 * stderr are the user's, its exit code becomes ours.
 */
import { execa } from 'execa';
import { existsSync, realpathSync } from 'node:fs';

/** Whether a file is there now (for an environment built synchronously). */
export function fileIsThere(path: string): boolean {
  return existsSync(path);
}

/**
 * `ha-setup` as the command is the ha-setup that runs now (the same node binary, loader
 * flags and entry file): a clone that was never installed, or another version on PATH,
 * must not answer for it.
 */
export function resolveSelf(command: string[], self = { execPath: process.execPath, execArgv: process.execArgv, entry: process.argv[1] }): string[] {
  if (command[0] !== 'ha-setup' || !self.entry) return command;
  let entry = self.entry;
  try {
    entry = realpathSync(entry);
  } catch {
    // keep the path as given
  }
  return [self.execPath, ...self.execArgv, entry, ...command.slice(1)];
}

/** Runs `argv` with the terminal inherited; its exit code (128+N when killed by signal N). */
export async function runInteractive(argv: readonly string[], env: Record<string, string>): Promise<number> {
  const r = await execa(argv[0]!, argv.slice(1), { stdio: 'inherit', reject: false, env });
  if (typeof r.exitCode === 'number') return r.exitCode;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (r.signal ? (signals[r.signal] ?? 0) : 0);
}
