/**
 * How a command for a node is spelled where it is printed. Every fix, hint and "run this
 * next" the tool prints goes through one NodeShell, so that it is right for the node it is
 * printed for:
 * - this machine: the command as it is;
 * - `--root DIR`: files are under DIR;
 * - a lab node (`ha-setup lab exec NODE -- ...`): its programs run inside its network
 *   namespace (`ha-setup lab exec NODE -- CMD`), its files are under its directory, which
 *   the machine's shell reaches directly (so a redirection is done outside the node), and
 *   it never boots (nothing needs to survive a reboot);
 * - a node over ssh: the command as that node's shell takes it (the report groups it under
 *   the node), its files under its sandbox directory when the server names one.
 * Pure: it decides spelling only, from what the Host says it is (remote, labNode) and its
 * root; nothing is run.
 */
import type { Host } from '../host/types.js';
import { LAB_NODES, isLabNode, labNodeRoot } from '../lab/constants.js';
import { shellCommandLine, shellQuote, singleQuote } from '../host/shell-quote.js';

export { shellQuote };

/** A command shown to the user, quoted only where needed. */
export function commandLine(argv: readonly string[]): string {
  return shellCommandLine(argv);
}

export interface SaveOptions {
  /** Written before the command's output (an nft ruleset's `flush ruleset` preamble). */
  header?: string;
  /** The file's directory may not exist yet: create it first. */
  mkdir?: boolean;
}

export interface NodeShell {
  readonly kind: 'machine' | 'root' | 'lab' | 'ssh';
  /** The node's name as the user knows it: "ha2", "root@10.0.0.11", "local". */
  readonly node: string;
  /** false: the node never reboots (a lab node), so nothing needs to be made to survive one. */
  readonly boots: boolean;
  /** A program with its arguments, run on the node. */
  run(argv: readonly string[]): string;
  /**
   * A command about what the node shares with the machine it runs on: installed packages
   * and users (a lab node has the machine's programs and /etc/passwd, and no network to
   * download from). Elsewhere the same as run().
   */
  shared(argv: readonly string[]): string;
  /** `argv`'s output saved as `path` of the node. */
  save(argv: readonly string[], path: string, opts?: SaveOptions): string;
  /** A path of the node as the printed commands name it. */
  path(path: string): string;
  /** ha-setup itself, acting on this node. */
  haSetup(args: readonly string[]): string;
  /** The other node of the pair where it is known from here (a lab node's peer), else null. */
  peer(): NodeShell | null;
}

/** printf's format for a fixed text: backslashes, newlines and the quote escaped. */
function printfText(text: string): string {
  return singleQuote(text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/%/g, '%%'));
}

function saveLine(producer: string, file: string, opts: SaveOptions = {}): string {
  const dir = file.slice(0, file.lastIndexOf('/')) || '/';
  const body = opts.header ? `{ printf ${printfText(opts.header)}; ${producer}; } > ${shellQuote(file)}` : `${producer} > ${shellQuote(file)}`;
  return opts.mkdir ? `mkdir -p ${shellQuote(dir)} && ${body}` : body;
}

export function nodeShell(host: Pick<Host, 'labNode' | 'remote' | 'label' | 'root' | 'runtimePath'>): NodeShell {
  // A node over ssh is reached through its own shell, even a lab node's sshd.
  if (host.remote) {
    // A sandboxed node (a lab node over ssh) keeps its files under its root on that machine.
    const path = (p: string) => host.runtimePath(p);
    return {
      kind: 'ssh',
      node: host.label,
      boots: host.root === '/',
      run: commandLine,
      shared: commandLine,
      save: (argv, file, opts) => saveLine(commandLine(argv), path(file), opts),
      path,
      haSetup: (args) => commandLine(['ha-setup', ...args]),
      peer: () => null,
    };
  }
  const lab = host.labNode;
  if (lab) {
    const inNode = (argv: readonly string[]) => `ha-setup lab exec ${lab} -- ${commandLine(argv)}`;
    const path = (p: string) => host.runtimePath(p);
    return {
      kind: 'lab',
      node: lab,
      boots: false,
      run: inNode,
      shared: commandLine,
      save: (argv, file, opts) => saveLine(inNode(argv), path(file), opts),
      path,
      haSetup: (args) => inNode(['ha-setup', ...args]),
      peer: () => {
        const other = isLabNode(lab) ? LAB_NODES.find((n) => n !== lab) : undefined;
        if (!other) return null;
        const root = labNodeRoot(other);
        return nodeShell({ labNode: other, label: other, root, runtimePath: (p) => (p.startsWith(`${root}/`) ? p : `${root}${p}`) });
      },
    };
  }
  if (host.root !== '/') {
    const root = host.root.replace(/\/+$/, '');
    const path = (p: string) => (p.startsWith(`${root}/`) ? p : `${root}${p}`);
    return {
      kind: 'root',
      node: host.label,
      boots: true,
      run: commandLine,
      shared: commandLine,
      save: (argv, file, opts) => saveLine(commandLine(argv), path(file), opts),
      path,
      haSetup: (args) => commandLine(['ha-setup', '--root', root, ...args]),
      peer: () => null,
    };
  }
  return {
    kind: 'machine',
    node: host.label,
    boots: true,
    run: commandLine,
    shared: commandLine,
    save: (argv, file, opts) => saveLine(commandLine(argv), file, opts),
    path: (p) => p,
    haSetup: (args) => commandLine(['ha-setup', ...args]),
    peer: () => null,
  };
}
