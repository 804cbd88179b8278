/**
 * failover-test of a pair from outside both nodes (`--host A --host B`): which node is
 * the master, how a client-side prober tells the two nodes apart, and the lock each node
 * keeps while a test runs. The prober runs in this process, so its view is a real
 * client's; the nodes are only reached over ssh.
 */
import type { Host } from '../host/types.js';
import type { SshHost } from '../host/ssh.js';
import { parseConfig } from '../keepalived/parse.js';
import { DEFAULTS } from '../defaults.js';
import { holdsAddress } from '../setup/verify.js';
import { t } from '../i18n/index.js';
import { ownAddresses } from './peer.js';
import { configVips, pickInstance, splitVip, type InstanceChoice } from './preflight.js';
import type { Responder } from './types.js';

/** What one node says about itself before anything is decided. */
export interface PairNodeView {
  label: string;
  /** The VIP of the chosen instance (without prefix), null when the config could not be read. */
  vip: string | null;
  iface: string | null;
  holdsVip: boolean;
  /** The node's own address on the VRRP interface (not the VIP). */
  address: string | null;
  /** Why the node could not be looked at (config missing or unreadable). */
  error: string | null;
}

export type MasterChoice = { master: number; peer: number } | { problem: string };

/**
 * The master is the one node holding the VIP. Both nodes must name the same VIP: two
 * different VIPs are two different pairs, and none or both holding it is no state to test
 * a failover from.
 */
export function chooseMaster(views: readonly PairNodeView[]): MasterChoice {
  const broken = views.find((v) => v.error !== null);
  if (broken) return { problem: t('failover.pair.nodeUnreadable', { node: broken.label, error: broken.error! }) };
  const [a, b] = views as [PairNodeView, PairNodeView];
  if (a.vip !== b.vip) return { problem: t('failover.pair.vipMismatch', { a: a.label, vipA: a.vip ?? '-', b: b.label, vipB: b.vip ?? '-' }) };
  const holders = views.map((v, i) => (v.holdsVip ? i : -1)).filter((i) => i >= 0);
  if (holders.length === 0) return { problem: t('failover.pair.noHolder', { vip: a.vip ?? '-', a: a.label, b: b.label }) };
  if (holders.length === 2) return { problem: t('failover.pair.bothHold', { vip: a.vip ?? '-', a: a.label, b: b.label }) };
  return { master: holders[0]!, peer: 1 - holders[0]! };
}

/** Read one node's config and whether it holds the VIP; errors become the view's `error`. */
export async function inspectNode(host: Host, label: string, choice: InstanceChoice): Promise<PairNodeView> {
  const view: PairNodeView = { label, vip: null, iface: null, holdsVip: false, address: null, error: null };
  try {
    const { config } = await parseConfig(host, DEFAULTS.paths.config);
    // Both nodes must choose the same instance: never by what one of them holds.
    const instance = await pickInstance(config, choice);
    const line = instance?.virtualIpaddress.find((v) => splitVip(v.address).vip === choice.vip) ?? instance?.virtualIpaddress[0];
    if (!instance || !line) {
      view.error = choice.vip && !choice.name
        ? t('failover.pre.noVip', { path: DEFAULTS.paths.config, vip: choice.vip, vips: configVips(config).join(', ') || t('word.none') })
        : t('failover.pre.noInstance', { path: DEFAULTS.paths.config, name: choice.name ?? '-' });
      return view;
    }
    view.vip = splitVip(line.address).vip;
    view.iface = line.dev ?? instance.interface ?? null;
    if (!view.iface) {
      view.error = t('failover.pre.noInterface', { instance: instance.name });
      return view;
    }
    view.holdsVip = await holdsAddress(host, view.iface, view.vip);
    view.address = (await ownAddresses(host, view.iface)).find((a) => a !== view.vip) ?? null;
  } catch (e) {
    view.error = (e as Error).message;
  }
  return view;
}

/** The MAC address of `iface` on a node (`ip -j link`), lower case, or null. */
export async function interfaceMac(host: Host, iface: string): Promise<string | null> {
  const r = await host.exec('ip', ['-j', 'link', 'show', 'dev', iface]);
  if (r.exitCode !== 0) return null;
  try {
    const list = JSON.parse(r.stdout) as Array<{ address?: string }>;
    return list[0]?.address?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

/** What identifies each node of the pair from the client's side, learnt before the test. */
export interface PairIdentity {
  /** The page each node served on its own address (Host: VIP), null when unknown. */
  masterBody: string | null;
  peerBody: string | null;
  /** The MAC of each node's VRRP interface, read over ssh. */
  masterMac: string | null;
  peerMac: string | null;
}

/**
 * Who answered a request, from outside both nodes ("self" is the master under test):
 * 1. the page, when the two nodes serve different ones;
 * 2. the MAC this machine's neighbour table holds for the VIP (the client reached that
 *    node; only known when the client shares the nodes' network segment);
 * 3. whether the master holds the VIP, as last seen over ssh: with two nodes, an answer
 *    while the master does not hold it came from the peer. This one lags by the VIP
 *    poll's cadence and ssh's round trip, so it is the last resort.
 */
export function identifyPairResponder(body: string, id: PairIdentity, seen: { vipMac: string | null; masterHoldsVip: boolean | null }): Responder {
  if (id.masterBody !== null && id.peerBody !== null && id.masterBody !== id.peerBody) {
    if (body === id.masterBody) return 'self';
    if (body === id.peerBody) return 'peer';
  }
  const mac = seen.vipMac?.toLowerCase() ?? null;
  if (mac && id.masterMac && id.peerMac && id.masterMac !== id.peerMac) {
    if (mac === id.masterMac.toLowerCase()) return 'self';
    if (mac === id.peerMac.toLowerCase()) return 'peer';
  }
  if (seen.masterHoldsVip === true) return 'self';
  if (seen.masterHoldsVip === false) return 'peer';
  return 'unknown';
}

/**
 * The failover-test lock on a node reached over ssh: the same file a run on the node
 * itself takes (FAILOVER_LOCK under the node's root), holding the PID of a remote `sleep`
 * that lives as long as the lock is held. A run on the node sees a live PID and refuses;
 * a lock left by a run that was killed outright expires when its sleep ends
 * (`holdSeconds`), after which the PID is gone and the lock is stale.
 */
export const REMOTE_LOCK_SCRIPT = [
  'l=$1',
  'mkdir -p "${l%/*}" || exit 4',
  'for i in 1 2; do',
  '  if ( set -C; printf \'%s\\n\' "$$" > "$l" ) 2>/dev/null; then printf \'locked %s\\n\' "$$"; exec sleep "$2"; fi',
  '  p=$(cat "$l" 2>/dev/null); p=${p%%[!0-9]*}',
  '  if [ -n "$p" ] && [ -d "/proc/$p" ]; then printf \'held %s\\n\' "$p"; exit 3; fi',
  '  rm -f "$l"',
  'done',
  'exit 3',
].join('\n');

export const REMOTE_UNLOCK_SCRIPT = 'p=$(cat "$1" 2>/dev/null); [ "${p%%[!0-9]*}" = "$2" ] && rm -f "$1"; kill "$2" 2>/dev/null; exit 0';

export interface RemoteLock {
  path: string;
  /** The remote `sleep` that holds it. */
  pid: number;
  release(): Promise<void>;
}

/** Parse the lock script's first line: "locked PID" or "held PID". */
export function parseLockReply(text: string): { locked: number } | { heldBy: number } | null {
  const m = /^(locked|held) (\d+)$/m.exec(text);
  if (!m) return null;
  const pid = Number(m[2]);
  return m[1] === 'locked' ? { locked: pid } : { heldBy: pid };
}

export async function takeRemoteLock(host: SshHost, path: string, holdSeconds: number): Promise<RemoteLock | { heldBy: number | null; path: string; error?: string }> {
  await host.connected();
  const real = host.resolvePath(path);
  let out = '';
  let onReply: (() => void) | null = null;
  const holding = host.exec('sh', ['-c', REMOTE_LOCK_SCRIPT, 'sh', real, String(Math.max(1, Math.round(holdSeconds)))], {
    onOutput: (chunk) => {
      out += chunk;
      if (parseLockReply(out)) onReply?.();
    },
  });
  // Either the script answered (locked: the sleep keeps running) or it ended (held, failed).
  await Promise.race([new Promise<void>((resolve) => (onReply = resolve)), holding.then(() => undefined, () => undefined)]);
  const reply = parseLockReply(out);
  if (reply && 'locked' in reply) {
    let released = false;
    return {
      path: real,
      pid: reply.locked,
      async release() {
        if (released) return;
        released = true;
        await host.exec('sh', ['-c', REMOTE_UNLOCK_SCRIPT, 'sh', real, String(reply.locked)]).catch(() => undefined);
        await holding.catch(() => undefined);
      },
    };
  }
  const ended = await holding.catch((e: Error) => ({ exitCode: -1, stderr: e.message }));
  return { heldBy: reply && 'heldBy' in reply ? reply.heldBy : null, path: real, ...(reply ? {} : { error: ended.stderr.trim() || `exit ${ended.exitCode}` }) };
}
