/**
 * Before any change, each node must be able to hand mail to the server it will use: the
 * --smtp-server (greeting, STARTTLS when asked, the login), or for --email alone the local
 * MTA keepalived's own smtp_alert mails through (127.0.0.1:25). Asked from the node, with
 * curl, the program the notify script mails with.
 */
import type { Host } from '../host/types.js';
import { DEFAULTS } from '../defaults.js';
import { smtpUrl } from './script.js';
import type { SmtpAnswers } from './channels.js';

const cfg = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);

/** null: the server took an SMTP NOOP (after STARTTLS and login when set); else curl's complaint. */
export async function probeSmtp(host: Host, smtp: Pick<SmtpAnswers, 'host' | 'port'> & Partial<SmtpAnswers>): Promise<string | null> {
  // The login goes in on stdin (curl -K -), never on the command line.
  const config = [`url = "${cfg(smtpUrl(smtp))}"`, ...(smtp.user ? [`user = "${cfg(`${smtp.user}:${smtp.password ?? ''}`)}"`] : [])].join('\n') + '\n';
  const seconds = DEFAULTS.notify.probeTimeoutSeconds;
  const argv = ['--silent', '--show-error', '--connect-timeout', String(seconds), '--max-time', String(seconds), ...(smtp.starttls ? ['--ssl-reqd'] : []), '-X', 'NOOP', '-K', '-'];
  const r = await host.exec('curl', argv, { input: config, why: 'can this node hand mail to the SMTP server', timeoutMs: (seconds + 5) * 1000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
  if (r.exitCode === 0) return null;
  return (r.stderr.trim() || `curl exit ${r.exitCode}`).split('\n')[0]!;
}

/**
 * The server this node must reach for its mail, when the answers change how it mails (a
 * re-run with the same mail settings asks nothing: setup then changes nothing either).
 * `local`: --email alone, keepalived's smtp_alert through 127.0.0.1:25.
 */
export function mailToProbe(
  next: { email: string | null; notify: { smtp: SmtpAnswers | null } | null },
  previous: { email?: string | null; notify?: { smtp: SmtpAnswers | null } | null },
): { smtp: SmtpAnswers; local: boolean } | null {
  if (!next.email) return null;
  const smtp = next.notify?.smtp ?? null;
  if (previous.email === next.email && JSON.stringify(previous.notify?.smtp ?? null) === JSON.stringify(smtp)) return null;
  return smtp ? { smtp, local: false } : { smtp: { host: '127.0.0.1', port: 25, starttls: false, user: null, password: null }, local: true };
}
