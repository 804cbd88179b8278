import { execa } from 'execa';
import { cliPath } from './paths.js';

/** Run the built CLI (dist/cli.js, what users get) and capture everything. */
export async function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; netns?: string } = {}) {
  const argv = ['node', cliPath, ...args];
  const [cmd, ...rest] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  const r = await execa(cmd!, rest, {
    reject: false,
    env: { NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...opts.env },
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
