/**
 * The audit log: every run that changes a system appends what it ran and wrote, when and
 * why, to /var/log/ha-setup/ha-setup.log on that system (under --root, through its Host).
 * Passwords never reach it: auth_pass values, --auth-pass arguments, "authPass" JSON
 * fields and every value a caller marks secret are replaced by ********.
 *
 * One line per event, fields separated by one space, argv elements quoted only when they
 * need it:
 *   2026-11-23T10:30:00.123Z local setup run ha-setup setup --role master --auth-pass ********
 *   2026-11-23T10:30:01.456Z local setup write /etc/keepalived/keepalived.conf mode=0600 backup=/etc/keepalived/keepalived.conf.bak-20261123T103001Z why="keepalived configuration"
 *   2026-11-23T10:30:02.789Z local setup exec systemctl restart keepalived exit=0 why="load the new configuration"
 */
import type { ExecOptions, ExecResult, Host, WriteOptions, WriteResult } from '../host/types.js';
import { MASKED } from '../errors.js';

export const AUDIT_LOG_PATH = '/var/log/ha-setup/ha-setup.log';
export const REDACTED = MASKED;

/** What this invocation is: set once by the CLI before a command's action runs. */
export interface AuditRun {
  /** The command path: "setup", "lab up". */
  command: string;
  /** The program's arguments as typed (redacted before they are written). */
  argv: string[];
}

let currentRun: AuditRun = { command: 'ha-setup', argv: [] };

export function setAuditRun(run: AuditRun): void {
  currentRun = run;
}

export function auditRun(): AuditRun {
  return currentRun;
}

/** Flags whose next argument (or `=value`) is a secret. */
const SECRET_FLAGS = ['--auth-pass', '--password'];

/** Secrets that appear in the program's own arguments. */
export function secretsInArgv(argv: readonly string[]): string[] {
  const found: string[] = [];
  argv.forEach((arg, i) => {
    for (const flag of SECRET_FLAGS) {
      if (arg === flag && i + 1 < argv.length) found.push(argv[i + 1]!);
      else if (arg.startsWith(`${flag}=`)) found.push(arg.slice(flag.length + 1));
    }
  });
  return found.filter((s) => s.length > 0);
}

/** Replace every known secret form in `text`; `secrets` are literal values marked by callers. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  out = out.replace(/(\bauth_pass\s+)("[^"]*"|\S+)/g, `$1${REDACTED}`);
  out = out.replace(/("authPass"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\s]+)/g, `$1"${REDACTED}"`);
  out = out.replace(/(--(?:auth-pass|password)(?:=|\s+))(\S+)/g, `$1${REDACTED}`);
  return out;
}

/** An argv as one line: elements with spaces, quotes or control characters are JSON-quoted. */
function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s"'\\\u0000-\u001f]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Where the lines go: an append to the log file on the node the Host stands for. */
export type AuditSink = (line: string) => Promise<void>;

/**
 * The node's own log file, appended to through its Host (under its root, in a lab node's
 * directory, on the peer over ssh). A dry run has nowhere to write.
 */
export function sinkFor(host: Host, path = AUDIT_LOG_PATH): AuditSink | null {
  if (host.dryRun) return null;
  return (line) => host.appendFile(path, line, { mode: 0o600, dirMode: 0o750 });
}

export interface AuditLogOptions {
  node: string;
  sink: AuditSink;
  run?: AuditRun;
  /** Told once when the log cannot be written; the run itself goes on. */
  onError?: (error: Error) => void;
  now?: () => Date;
}

export class AuditLog {
  private readonly secrets = new Set<string>();
  private readonly run: AuditRun;
  private started = false;
  private failed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: AuditLogOptions) {
    this.run = opts.run ?? auditRun();
    for (const s of secretsInArgv(this.run.argv)) this.secrets.add(s);
  }

  /** A value that must never appear in the log (a password typed into the wizard). */
  markSecret(value: string | null | undefined): void {
    if (value) this.secrets.add(value);
  }

  exec(argv: readonly string[], result: { exitCode: number } | Error, why: string | undefined): Promise<void> {
    const outcome = result instanceof Error ? `error=${JSON.stringify(result.message)}` : `exit=${result.exitCode}`;
    return this.event('exec', `${formatArgv(argv)} ${outcome}`, why);
  }

  write(result: WriteResult, mode: number, why: string | undefined): Promise<void> {
    if (!result.changed) return Promise.resolve();
    const backup = result.backup ? ` backup=${formatArgv([result.backup])}` : '';
    return this.event('write', `${formatArgv([result.path])} mode=${mode.toString(8).padStart(4, '0')}${backup}`, why);
  }

  remove(path: string): Promise<void> {
    return this.event('remove', formatArgv([path]), undefined);
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.event('mkdir', `${formatArgv([path])} mode=${mode.toString(8).padStart(4, '0')}`, undefined);
  }

  /** Wait until every line so far is appended. */
  flush(): Promise<void> {
    return this.queue;
  }

  private event(kind: string, detail: string, why: string | undefined): Promise<void> {
    // The run line comes with the first change, so a run that changes nothing leaves no trace.
    if (!this.started) {
      this.started = true;
      this.append('run', formatArgv(['ha-setup', ...this.run.argv]), undefined);
    }
    return this.append(kind, detail, why);
  }

  private append(kind: string, detail: string, why: string | undefined): Promise<void> {
    const now = (this.opts.now ?? (() => new Date()))().toISOString();
    const command = this.run.command.replace(/\s+/g, '-');
    const text = `${now} ${this.opts.node} ${command} ${kind} ${detail}${why ? ` why=${JSON.stringify(why)}` : ''}`;
    const line = redact(text.replace(/[\r\n]+/g, ' '), this.secrets) + '\n';
    this.queue = this.queue.then(async () => {
      if (this.failed) return;
      try {
        await this.opts.sink(line);
      } catch (e) {
        this.failed = true;
        this.opts.onError?.(e as Error);
      }
    });
    return this.queue;
  }
}

const logs = new WeakMap<object, AuditLog>();

/**
 * `host` with every change appended to the audit log of the node it stands for. A host
 * that has nowhere to keep a log (a dry-run plan) is returned as it is.
 */
export function auditedHostFor<H extends Host>(host: H, onError?: (e: Error) => void, path = AUDIT_LOG_PATH): H {
  if (logs.has(host)) return host;
  const sink = sinkFor(host, path);
  if (!sink) return host;
  return auditedHost(host, new AuditLog({ node: host.label, sink, ...(onError ? { onError } : {}) }));
}

/** The audit log behind a host returned by auditedHost, so callers can mark secrets. */
export function auditOf(host: Host): AuditLog | undefined {
  return logs.get(host);
}

const RECORDED = new Set(['exec', 'writeFileAtomic', 'remove', 'mkdir']);

/**
 * The host, with every change it makes recorded in `log`. A Proxy rather than a wrapper
 * class: every other property and method (the machine view, the command path, a lab
 * node's program directories) is the inner host's own, without being listed here.
 */
export function auditedHost<H extends Host>(inner: H, log: AuditLog): H {
  const proxy = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !RECORDED.has(prop) || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      switch (prop) {
        case 'exec':
          return async (cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> => {
            try {
              const r = (await method.call(target, cmd, args, opts)) as ExecResult;
              await log.exec([cmd, ...args], r, opts.why);
              return r;
            } catch (e) {
              await log.exec([cmd, ...args], e as Error, opts.why);
              throw e;
            }
          };
        case 'writeFileAtomic':
          return async (path: string, data: string, opts: WriteOptions): Promise<WriteResult> => {
            const r = (await method.call(target, path, data, opts)) as WriteResult;
            await log.write(r, opts.mode, opts.why);
            return r;
          };
        case 'remove':
          return async (path: string): Promise<void> => {
            await method.call(target, path);
            await log.remove(path);
          };
        default:
          return async (path: string, mode: number): Promise<void> => {
            await method.call(target, path, mode);
            await log.mkdir(path, mode);
          };
      }
    },
  });
  logs.set(proxy, log);
  return proxy;
}
