// The notification receivers of the lab tests (test/fixtures/notify/receivers.py), run in the
// lab's client namespace: what each received, when, and whether its signature or login was right.
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths.js';
import { LAB_ADDRESSES } from '../../src/lab/constants.js';

export const RECEIVER_ADDRESS = LAB_ADDRESSES.client;
export const RECEIVER_HTTP = `http://${RECEIVER_ADDRESS}:8080`;
export const RECEIVER_SMTP = `${RECEIVER_ADDRESS}:2525`;
export const RECEIVER_SECRETS = { ding: 'SECding-lab-0123456789', feishu: 'feishu-lab-secret', user: 'ha-lab', password: 'p@ss "w0rd"' };
export const CHANNELS = ['webhook', 'dingtalk', 'wecom', 'feishu', 'email'] as const;

export interface Received {
  channel: string;
  text: string;
  good: boolean;
  at: number;
}

export interface Receivers {
  received: Received[];
  stop(): Promise<void>;
}

export async function startReceivers(): Promise<Receivers> {
  const s = RECEIVER_SECRETS;
  const script = join(repoRoot, 'test/fixtures/notify/receivers.py');
  // Debian's python3, the one python3-aiosmtpd belongs to.
  const proc: ResultPromise = execa('ip', ['netns', 'exec', 'client', '/usr/bin/python3', script, RECEIVER_ADDRESS, '8080', '2525', s.ding, s.feishu, s.user, s.password], { reject: false, buffer: false });
  const received: Received[] = [];
  const lines = createInterface({ input: proc.stdout! });
  const stop = async () => {
    if (proc.pid) process.kill(proc.pid, 'SIGTERM');
    await proc.catch(() => undefined);
  };
  const ready = new Promise<void>((resolve) =>
    lines.on('line', (line) => {
      const m = JSON.parse(line) as Partial<Received> & { ready?: boolean };
      if (m.ready) return resolve();
      received.push({ channel: m.channel!, text: m.text!, good: m.good!, at: Date.now() });
    }),
  );
  try {
    await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('receivers did not start')), 10_000))]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { received, stop };
}

/** The setup flags that name every channel, pointed at the receivers. */
export function channelFlags(passwordFile: string, dingSecret = RECEIVER_SECRETS.ding): string[] {
  return [
    '--notify-webhook', `${RECEIVER_HTTP}/webhook`,
    '--notify-dingtalk', `${RECEIVER_HTTP}/dingtalk?access_token=lab-token-123`,
    '--notify-dingtalk-secret', dingSecret,
    '--notify-wecom', `${RECEIVER_HTTP}/wecom?key=lab-key-456`,
    '--notify-feishu', `${RECEIVER_HTTP}/feishu`,
    '--notify-feishu-secret', RECEIVER_SECRETS.feishu,
    '--allow-http',
    '--email', 'ops@example.com',
    '--smtp-server', RECEIVER_SMTP,
    '--smtp-user', RECEIVER_SECRETS.user,
    '--smtp-password-file', passwordFile,
  ];
}
