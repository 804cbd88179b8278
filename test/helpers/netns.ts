import { execFileSync } from 'node:child_process';

/**
 * A throw-away network namespace holding one veth end named eth0 with the given address
 * (this kernel has no dummy interfaces). Nothing here touches the root namespace's network:
 * both veth ends live inside namespaces the test created. The name is `base` and this
 * process's pid, so two test runs on one machine never share (or remove) each other's.
 */
export function makeNodeNamespace(base: string, address: string): { name: string; remove: () => void } {
  const name = `${base}-${process.pid}`;
  const peer = `${name}-peer`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['netns', 'add', peer]);
  execFileSync('ip', ['-n', name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer]);
  execFileSync('ip', ['-n', name, 'addr', 'add', address, 'dev', 'eth0']);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  execFileSync('ip', ['-n', name, 'link', 'set', 'eth0', 'up']);
  execFileSync('ip', ['-n', peer, 'link', 'set', 'eth0', 'up']);
  return { name, remove: () => (removeNamespace(name), removeNamespace(peer)) };
}

export function removeNamespace(name: string): void {
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

let throwAwayCount = 0;

/**
 * An empty network namespace of this test process only (`hs-t-<pid>-<n>`), for the tools
 * that keep their state per namespace (nft, iptables, sysctl net.*): a test uses the real
 * tool there instead of a recorded answer, and the machine's own rules stay untouched.
 * Delete it with `remove()` in `after`.
 */
export function throwAwayNamespace(): { name: string; run: (argv: string[], input?: string) => string; remove: () => void } {
  const name = `hs-t-${process.pid}-${throwAwayCount++}`;
  removeNamespace(name);
  execFileSync('ip', ['netns', 'add', name]);
  return {
    name,
    run: (argv, input) => execFileSync('ip', ['netns', 'exec', name, ...argv], { encoding: 'utf8', input }),
    remove: () => removeNamespace(name),
  };
}
