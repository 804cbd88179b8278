/**
 * The keepalived a lab runs: the machine's (on PATH) or any binary given to
 * `lab up --keepalived PATH`. Probed once at `lab up`, recorded in the manifest, and
 * linked as LAB_BIN_DIR/keepalived, which every node's commands find first: setup's
 * `keepalived -t`, doctor's `-v`, a user's `lab exec ha1 -- keepalived -v` all see the
 * keepalived the daemons run.
 *
 * The daemon's argv is built here and only here, from what the binary accepts (`--help`):
 * no `-b` without BFD (a build's default), no `--no-syslog` on 1.x; the config file is
 * always named (2.2.8 and later would read PREFIX/etc/keepalived/keepalived.conf).
 */
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { t } from '../i18n/index.js';
import { acceptsOption, probeKeepalived } from '../keepalived/binary.js';
import { findBinary } from '../system/services.js';
import { LAB_BIN_DIR } from './constants.js';
import { labMachine } from './machine.js';
import { readManifest } from './manifest.js';

/** What the lab knows of its keepalived (JSON: it lives in the manifest). */
export interface LabKeepalived {
  /** Absolute path of the binary the daemons run. */
  path: string;
  version: string | null;
  longOptions: string[];
  shortOptions: string[];
}

/** Files of one keepalived daemon, as real paths. */
export interface KeepalivedDaemonFiles {
  tmpDir: string;
  config: string;
  pid: string;
  vrrpPid: string;
  checkersPid: string;
  bfdPid: string;
}

/** What the lab's daemons run: a link named keepalived (process discovery goes by that name, whatever the file is called). */
export const LAB_KEEPALIVED = `${LAB_BIN_DIR}/keepalived`;

/**
 * The one argv of a lab keepalived (without `ip netns exec NODE`): lab services, init
 * scripts, extra daemons of the tests. `program`: what to run (default the binary itself).
 */
export function keepalivedDaemonArgv(binary: LabKeepalived, files: KeepalivedDaemonFiles, program = binary.path): string[] {
  const optional = (name: string, argv: string[]) => (accepts(binary, name) ? argv : []);
  return [
    'env',
    `TMPDIR=${files.tmpDir}`,
    program,
    '--dont-fork',
    '--vrrp',
    '--log-console',
    '--log-detail',
    ...optional('no-syslog', ['--no-syslog']),
    '-f', files.config,
    '-p', files.pid,
    '-r', files.vrrpPid,
    '-c', files.checkersPid,
    // Its own BFD pid file per node, where there is BFD: the default is shared by both nodes.
    ...optional('b', ['-b', files.bfdPid]),
  ];
}

/** The options the lab would like to pass that this binary does not accept (said at `lab up`). */
export const OPTIONAL_OPTIONS = ['no-syslog', 'b'] as const;

export function optionsNotAccepted(binary: LabKeepalived): string[] {
  return OPTIONAL_OPTIONS.filter((o) => !accepts(binary, o)).map((o) => (o.length === 1 ? `-${o}` : `--${o}`));
}

function accepts(binary: LabKeepalived, name: string): boolean {
  return acceptsOption({ longOptions: new Set(binary.longOptions), shortOptions: new Set(binary.shortOptions) }, name);
}

/**
 * Probe `path` (default: the keepalived on the machine's PATH). A path that is not a
 * keepalived is the user's error, named with the flag.
 */
export async function probeLabKeepalived(path?: string): Promise<LabKeepalived> {
  const machine = labMachine;
  const resolved = path === undefined ? await findBinary(machine, 'keepalived') : isAbsolute(path) ? path : resolve(path);
  const field = '--keepalived';
  if (resolved === null) throw new UserError({ field, accepted: t('lab.accept.keepalived'), reason: t('lab.reason.noKeepalived') });
  const st = await machine.stat(resolved).catch(() => null);
  if (!st?.isFile || (st.mode & 0o111) === 0) throw new UserError({ field, value: path ?? resolved, accepted: t('lab.accept.keepalived'), reason: t('lab.reason.notExecutable') });
  const binary = await probeKeepalived(machine, resolved);
  if (!binary?.version) throw new UserError({ field, value: path ?? resolved, accepted: t('lab.accept.keepalived'), reason: t('lab.reason.notKeepalived') });
  return { path: resolved, version: binary.version, longOptions: [...binary.longOptions].sort(), shortOptions: [...binary.shortOptions].sort() };
}

/** The lab's keepalived: the one `lab up` recorded; the machine's for a lab made before it was recorded. */
export async function labKeepalived(): Promise<LabKeepalived> {
  return (await readManifest())?.keepalived ?? probeLabKeepalived();
}

/** LAB_KEEPALIVED -> the lab's binary: what the daemons and the nodes' commands run as "keepalived". */
export async function linkLabKeepalived(binary: LabKeepalived): Promise<void> {
  if ((await labMachine.runtimeFs().readLink(LAB_KEEPALIVED)) === binary.path) return;
  await labMachine.mkdir(LAB_BIN_DIR, 0o755);
  const r = await labMachine.exec('ln', ['-sfn', binary.path, LAB_KEEPALIVED], { why: "the lab nodes' keepalived" });
  if (r.exitCode !== 0) throw new Error(`ln -sfn ${binary.path} ${LAB_KEEPALIVED}: ${(r.stderr || r.stdout).trim()}`);
}
