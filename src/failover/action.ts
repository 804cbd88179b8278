/**
 * `ha-setup failover-test`, on one node or two: this node (or the lab node it runs in), or
 * a pair from outside both nodes (`--host A --host B`). One flow for both: undo a test that
 * did not end, find the master and its peer, preflight, lock each node, then the
 * confirm-and-run (src/failover/confirm-run.ts) that probes, injects, restores on every
 * way out and reports.
 *
 * With two nodes the machine the command runs on is where a real client stands: the node
 * holding the VIP is the master under test; the fault is injected and undone on it through
 * its ssh host and service control; its keepalived log and VIP are watched over ssh at a
 * cadence ssh can afford, while the outage figures come from the prober in this process.
 */
import { hostname } from 'node:os';
import { OperationError, UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { Host } from '../host/types.js';
import { LocalHost } from '../host/local.js';
import type { GlobalOptions } from '../cli-flags/global.js';
import type { ClusterNode } from '../nodes/types.js';
import { nodeContext } from '../nodes/local.js';
import { closeNodes, connectNodes } from '../nodes/remote.js';
import { undoLeftoversOn } from '../nodes/leftovers.js';
import type { ParsedFlags } from './flags.js';
import { runPreflight, type Preflight } from './preflight.js';
import { acquireLock, FAILOVER_LOCK } from './lock.js';
import type { WatchdogLock } from './record.js';
import { confirmAndRun, criticalDoctorFailures, type RunExtras } from './confirm-run.js';
import { httpGet } from './prober.js';
import { neighbourMac } from './peer.js';
import { poll, type Poller } from './watch.js';
import { chooseMaster, identifyPairResponder, inspectNode, interfaceMac, takeRemoteLock, type PairIdentity, type PairNodeView } from './pair.js';

/** Over ssh a look costs ~100-300 ms: the VIP and the log are polled this often (plus that cost). */
const PAIR_VIP_WATCH_MS = 200;
const PAIR_LOG_WATCH_MS = 400;
/** This machine's neighbour table is local and cheap. */
const NEIGHBOUR_WATCH_MS = 100;
/**
 * How long a remote node's lock outlives the run's own --timeout: the confirmation
 * question, preflight and restoration happen outside it. A run killed outright leaves a
 * lock that expires after this.
 */
const LOCK_MARGIN_S = 15 * 60;

/** A node's failover lock, held: what its watchdog frees at the deadline, and how the run frees it. */
interface HeldLock {
  watchdog: WatchdogLock;
  release(): Promise<void>;
}

/** One node of the run, with the way its failover lock is taken there. */
interface TestNode extends ClusterNode {
  /** The lock, or why it could not be taken (a preflight problem). */
  lock(holdSeconds: number): Promise<HeldLock | { problem: string }>;
}

/** What preflight is told about the peer, and the node that is the peer when the run has it. */
interface Roles {
  master: TestNode;
  /** The other node of a pair (null with one node: preflight finds its peer). */
  other: TestNode | null;
  /** The peer's address when known before preflight (--peer, or the other node's). */
  peer: string | null;
  labNode: string | null;
  /** The peer's address and a host to read its config (the lab's other node, or the pair's). */
  labPeer: { address: string; host: Host } | null;
  /** The doctor's --root. */
  root: string;
  /** What the master said of itself before the test (a pair only). */
  view: PairNodeView | null;
}

/** The nodes a run was given, and how to let go of them. */
interface NodeSet {
  nodes: TestNode[];
  roles(): Promise<Roles>;
  close(): Promise<void>;
}

/** The one orchestration: `targets` empty is this node (N = 1), two targets a pair over ssh (N = 2). */
export async function failoverTestAction(flags: ParsedFlags, opts: GlobalOptions, targets: readonly string[]): Promise<number> {
  const set = targets.length === 0 ? await thisNode(flags, opts) : await pairNodes(flags, opts, targets);
  const locks = new Map<string, HeldLock>();
  const release = () => Promise.all([...locks.values()].map((l) => l.release()));
  try {
    // A failover test that did not end left a node drained or a service stopped: undo that first.
    await undoLeftoversOn(set.nodes, opts, true);
    const roles = await set.roles();
    const { master, other } = roles;
    const peerHint = roles.peer ?? roles.labPeer?.address ?? null;
    const pf = await runPreflight({
      host: master.factsHost,
      services: master.services,
      mode: flags.mode,
      instanceName: flags.instance,
      vip: flags.vip,
      peer: roles.peer,
      labNode: roles.labNode,
      labPeer: roles.labPeer,
      doctor: () => criticalDoctorFailures(master, roles.root, peerHint ? [peerHint] : []),
    });
    const identity = other ? await outsideFacts(pf, master, other, roles.view!) : null;

    if (!opts.dryRun) {
      const holdSeconds = flags.timeoutMs / 1000 + LOCK_MARGIN_S;
      for (const n of other ? [master, other] : [master]) {
        const got = await n.lock(holdSeconds);
        if ('problem' in got) pf.problems.push({ id: 'lock', message: got.problem });
        else locks.set(n.label, got);
      }
    }
    pf.ok = pf.problems.length === 0;

    const lockOf = (n: TestNode) => locks.get(n.label)?.watchdog ?? null;
    const shared: RunExtras = {
      // Should this machine lose a node, the node's watchdog frees its lock at the deadline.
      lock: lockOf(master),
      ...(other ? { others: [{ host: other.factsHost, lock: lockOf(other) }] } : {}),
      cleanup: release,
    };
    let neighbours: Poller | null = null;
    try {
      let extras = shared;
      if (identity) {
        const outside = outsideExtras(pf, identity, opts.dryRun, targets, master.label);
        neighbours = outside.neighbours;
        extras = { ...outside.extras, ...shared };
      }
      return await confirmAndRun(flags, opts, pf, master.label, master, extras);
    } finally {
      await neighbours?.stop();
    }
  } finally {
    await release();
    await set.close();
  }
}

/** This node, or the lab node the command runs in (whose peer is the lab's other node). */
async function thisNode(flags: ParsedFlags, opts: GlobalOptions): Promise<NodeSet> {
  const ctx = await nodeContext(opts);
  let labPeer: Roles['labPeer'] = null;
  if (ctx.labNode) {
    const { LAB_ADDRESSES, isLabNode } = await import('../lab/constants.js');
    if (isLabNode(ctx.labNode)) {
      const { labNodeHost } = await import('../lab/services.js');
      const other = ctx.labNode === 'ha1' ? 'ha2' : 'ha1';
      labPeer = { address: LAB_ADDRESSES[other], host: labNodeHost(other) };
    }
  }
  const node: TestNode = {
    ...ctx,
    async lock() {
      // Where the node's lock really is on this machine (the lab node's directory, --root).
      const path = ctx.factsHost.commandPath(FAILOVER_LOCK);
      const got = await acquireLock(path);
      if ('heldBy' in got) return { problem: t('failover.pre.locked', { pid: got.heldBy, path }) };
      return { watchdog: { path: got.path, pid: process.pid, endHolder: false }, release: () => got.release() };
    },
  };
  return {
    nodes: [node],
    roles: async () => ({ master: node, other: null, peer: flags.peer, labNode: ctx.labNode, labPeer, root: opts.root, view: null }),
    close: async () => undefined,
  };
}

/** Both nodes over ssh; the master is the one holding the VIP. */
async function pairNodes(flags: ParsedFlags, opts: GlobalOptions, targets: readonly string[]): Promise<NodeSet> {
  if (targets.length !== 2) {
    throw new UserError({ field: '--host', value: targets.join(' '), accepted: t('failover.accepted.hosts') });
  }
  if (flags.peer) throw new UserError({ field: '--peer', value: flags.peer, accepted: t('failover.accepted.peerWithHosts') });
  const remote = await connectNodes([...targets], { dryRun: opts.dryRun });
  const nodes: TestNode[] = remote.map((n) => ({
    ...n,
    async lock(holdSeconds: number) {
      const got = await takeRemoteLock(n.ssh, FAILOVER_LOCK, holdSeconds);
      if ('release' in got) return { watchdog: { path: got.path, pid: got.pid, endHolder: true }, release: () => got.release() };
      if (got.heldBy !== null) return { problem: t('failover.pair.locked', { node: n.label, pid: got.heldBy, path: got.path }) };
      return { problem: t('failover.pair.lockFailed', { node: n.label, path: got.path, error: got.error ?? '' }) };
    },
  }));
  return {
    nodes,
    async roles() {
      const views = await Promise.all(nodes.map((n) => inspectNode(n.factsHost, n.label, { name: flags.instance, vip: flags.vip })));
      const choice = chooseMaster(views);
      if ('problem' in choice) {
        throw new OperationError(t('failover.pre.failed'), { details: [choice.problem], hint: t('failover.pair.hint') });
      }
      const other = nodes[choice.peer]!;
      const peerAddress = views[choice.peer]!.address ?? remote[choice.peer]!.ssh.target.host;
      // The peer's own config gives its real priority (the bound's timers).
      return { master: nodes[choice.master]!, other, peer: peerAddress, labNode: null, labPeer: { address: peerAddress, host: other.factsHost }, root: '/', view: views[choice.master]! };
    },
    close: () => closeNodes(remote),
  };
}

/**
 * What a prober outside both nodes needs to know and check besides preflight: the peer's
 * keepalived runs, each node's MAC and page, the master's own address.
 */
async function outsideFacts(pf: Preflight, master: TestNode, other: TestNode, view: PairNodeView): Promise<PairIdentity> {
  pf.peerSource = 'host';
  // The peer must be able to take over: its keepalived runs (its nginx answering was checked over HTTP).
  if (!(await other.services.isActive('keepalived').catch(() => false))) {
    pf.problems.push({ id: 'peer-keepalived', message: t('failover.pair.peerKeepalivedDown', { peer: other.label }) });
  }
  const iface = pf.iface ?? view.iface!;
  const [masterMac, peerMac] = await Promise.all([interfaceMac(master.factsHost, iface), interfaceMac(other.factsHost, iface)]);
  pf.peerMac = peerMac;
  // The master's page on its own address, like the peer's: the VIP's page is the same node's, but asked the same way.
  if (view.address && pf.vip) {
    pf.selfBody = (await httpGet(`http://${view.address}/`, { timeoutMs: 2000, hostHeader: pf.vip }).catch(() => null))?.body ?? pf.selfBody;
  }
  pf.self = view.address ?? pf.self;
  return { masterBody: pf.selfBody, peerBody: pf.peerBody, masterMac, peerMac };
}

/** How a run from outside both nodes tells them apart and watches them; the neighbour poller it starts. */
function outsideExtras(pf: Preflight, identity: PairIdentity, dryRun: boolean, targets: readonly string[], master: string): { extras: RunExtras; neighbours: Poller | null } {
  // The client's own neighbour entry for the VIP names the node it reached (same segment only).
  const local = new LocalHost('/');
  let vipMac: string | null = null;
  const vip = pf.vip;
  const neighbours =
    !dryRun && pf.ok && vip
      ? poll(NEIGHBOUR_WATCH_MS, async () => {
          vipMac = await neighbourMac(local, vip);
        })
      : null;
  return {
    neighbours,
    extras: {
      identify: (body, seen) => identifyPairResponder(body, identity, { vipMac, masterHoldsVip: seen.vipLocal }),
      vipWatchMs: PAIR_VIP_WATCH_MS,
      logWatchMs: PAIR_LOG_WATCH_MS,
      json: { nodes: [...targets], master },
      problemPrefix: master,
      outside: true,
      by: `${hostname()} (ha-setup failover-test --host ${targets.join(' --host ')})`,
    },
  };
}
