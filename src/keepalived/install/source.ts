import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { OperationError } from '../../errors.js';
import { t } from '../../i18n/index.js';
import type { Host } from '../../host/types.js';
import { formatBytes } from '../../progress.js';
import { download, sha256Of, tarballNameFromUrl } from './fetch.js';
import { readAdminFile } from '../../host/admin-files.js';
import { detectLibnl, emptyLibnlReport, libnlDecision } from './libnl.js';
import { InstallLog, LOG_DIR } from './log.js';
import { isLiveInstall, isUrl } from './options.js';
import { aptListsNeedRefresh, planBuildDependencies } from './packages.js';
import { libnl3Command, phaseFailure, runLogged } from './runner.js';
import { quirkConfigureArgs, quirkCppflags, quirksFor, releaseFromConfigure, releaseFromTarballName } from './quirks.js';
import { DEFAULT_PREFIX, type InstallDistro, type InstallOptions, type InstallResult, type LibnlReport, type PlannedCommand, type Progress } from './types.js';
import { execStartBinary, LIVE_UNIT_PATH, pointExecStartAt, renderServiceUnit } from './unit.js';
import { parseKeepalivedVersion } from '../version.js';

/** The scratch directory a build runs in (mktemp template; the dry run shows it as is). */
export const WORKDIR_TEMPLATE = '/var/tmp/ha-setup-build.XXXXXX';

/** Where a live install links keepalived onto PATH (ahead of /usr/sbin, never over a package's binary). */
export const PATH_LINK = '/usr/local/sbin/keepalived';

/** The layout a source install uses; decided once, shown in the plan and the docs. */
export interface SourceLayout {
  prefix: string;
  sysconfdir: string;
  unitDir: string;
  live: boolean;
  /** make install DESTDIR=..., when --root is not "/". */
  destdir: string | null;
  binary: string;
}

export function sourceLayout(opts: Pick<InstallOptions, 'prefix'>, root: string): SourceLayout {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const live = isLiveInstall(opts.prefix, root);
  return {
    prefix,
    live,
    // A live install reads /etc/keepalived/keepalived.conf like the packages do; a staged
    // one keeps even its sample configuration inside the prefix.
    sysconfdir: live ? '/etc' : `${prefix}/etc`,
    // Never systemd's own directory: upstream's Makefile would write there even for a
    // custom prefix (and over a package's unit). A live install gets its unit from us.
    unitDir: live && prefix === '/usr' ? '/usr/share/keepalived/systemd' : `${prefix}/lib/systemd/system`,
    destdir: root === '/' ? null : root,
    binary: `${prefix}/sbin/keepalived`,
  };
}

/** `extra`: what the release's known build problems add (quirks.ts). */
export function configureCommand(layout: SourceLayout, extra: string[] = []): PlannedCommand {
  return {
    cmd: './configure',
    args: [`--prefix=${layout.prefix}`, `--sysconfdir=${layout.sysconfdir}`, `--with-systemdsystemunitdir=${layout.unitDir}`, ...extra],
    why: 'configure the keepalived build',
  };
}

/**
 * The tarball's bytes written onto the node, where the build runs: base64 on standard input
 * (a text channel every Host has, ssh included) decoded by the node's own coreutils.
 */
export function stageCommand(path: string, bytes: Uint8Array | null): PlannedCommand {
  return {
    cmd: 'sh',
    args: ['-c', 'base64 -d > "$1"', 'sh', path],
    input: bytes === null ? '' : Buffer.from(bytes).toString('base64'),
    why: 'stage the keepalived source tarball onto the node',
  };
}

export function unpackCommand(tarball: string, workdir: string): PlannedCommand {
  const name = tarball.toLowerCase();
  const flag = /\.(tar\.xz|txz)$/.test(name) ? '-xJf' : /\.(tar\.bz2|tbz2)$/.test(name) ? '-xjf' : /\.(tar\.gz|tgz)$/.test(name) ? '-xzf' : '-xf';
  // Release tarballs hold one top directory (keepalived-2.2.7/); dropping it gives a known path.
  return { cmd: 'tar', args: [flag, tarball, '-C', workdir, '--strip-components=1'], why: 'unpack the keepalived source' };
}

/** Directories `make install` could reach outside the prefix, and which names there are ours. */
const WATCHED_DIRS: Array<[string, RegExp]> = [
  ['/lib/systemd/system', /keepalived/],
  ['/usr/lib/systemd/system', /keepalived/],
  ['/etc/systemd/system', /keepalived/],
  ['/etc/init.d', /keepalived/],
  ['/etc/init', /keepalived/],
  ['/etc/sysconfig', /keepalived/],
  ['/etc/default', /keepalived/],
  ['/etc', /keepalived/],
  ['/etc/keepalived', /sample/],
  ['/usr/sbin', /keepalived|genhash/],
  ['/usr/bin', /keepalived|genhash/],
  ['/usr/local/sbin', /keepalived|genhash/],
  ['/usr/local/bin', /keepalived|genhash/],
  ['/usr/local/etc', /keepalived/],
  ['/usr/share/man/man8', /keepalived/],
  ['/usr/local/share/man/man8', /keepalived/],
  ['/usr/share/doc', /^keepalived$/],
  ['/usr/local/share/doc', /^keepalived$/],
];

type Snapshot = Map<string, string>;

/** Names and sizes of keepalived's possible files outside the prefix. */
export async function snapshotOutside(host: Host, prefix: string): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  for (const [dir, mine] of WATCHED_DIRS) {
    if (dir === prefix || dir.startsWith(`${prefix}/`)) continue;
    for (const name of await host.readDir(dir)) {
      if (!mine.test(name)) continue;
      const path = `${dir}/${name}`;
      const st = await host.stat(path);
      snap.set(path, st ? `${st.isDirectory ? 'd' : 'f'}:${st.size}:${st.mode}` : '?');
    }
  }
  return snap;
}

export function snapshotChanges(before: Snapshot, after: Snapshot): string[] {
  const changed: string[] = [];
  for (const [path, sig] of after) if (before.get(path) !== sig) changed.push(path);
  return changed.sort();
}

/** Files a live `make install` may overwrite that belong to the administrator. */
const PROTECTED_FILES = ['/etc/keepalived/keepalived.conf', '/etc/sysconfig/keepalived'];

/** The release configure.ac (or configure) of the unpacked source names; null when neither does. */
async function releaseInWorkdir(host: Host, workdir: string): Promise<string | null> {
  const r = await host.exec('grep', ['-h', '-m1', '-E', "^(AC_INIT\\(|PACKAGE_VERSION=)", 'configure.ac', 'configure'], {
    cwd: workdir,
    why: 'which keepalived release the tarball holds',
  });
  for (const line of r.stdout.split('\n')) {
    const version = releaseFromConfigure(line);
    if (version) return version;
  }
  return null;
}

async function cpuCount(host: Host): Promise<number> {
  if (!host.dryRun) {
    const r = await host.exec('nproc', [], { why: 'parallel make jobs' });
    const n = Number(r.stdout.trim());
    if (r.exitCode === 0 && Number.isInteger(n) && n > 0) return n;
  }
  return availableParallelism();
}


/**
 * Build keepalived from a release tarball and install it: download (URL) and checksum,
 * unpack, build dependencies, the libnl header check, configure, make, make install,
 * verify; then, for a live install only, the systemd unit and the PATH link.
 */
export async function installFromSource(host: Host, distro: InstallDistro, opts: InstallOptions, progress: Progress): Promise<InstallResult> {
  if (!opts.source) throw new OperationError(t('install.fail.noSource'));
  const layout = sourceLayout(opts, host.root);
  // A staged build keeps even its log inside the prefix.
  const log = new InstallLog(host, opts.now, layout.live ? LOG_DIR : `${layout.prefix}${LOG_DIR}`);
  try {
    return await buildFromSource(host, distro, { ...opts, source: opts.source }, progress, layout, log);
  } finally {
    // The last lines (a failure's, the unit written) are in the file when the install returns.
    await log.flush().catch(() => undefined);
  }
}

async function buildFromSource(
  host: Host,
  distro: InstallDistro,
  opts: InstallOptions & { source: string },
  progress: Progress,
  layout: ReturnType<typeof sourceLayout>,
  log: InstallLog,
): Promise<InstallResult> {
  const dryRun = host.dryRun;
  const env = opts.buildEnv ?? {};
  const libnl: LibnlReport = emptyLibnlReport();
  if (log.path) progress.note(t('install.note.log', { path: log.path }));
  progress.note(t(layout.live ? 'install.note.live' : 'install.note.staged', { prefix: layout.prefix }));

  // -- the tarball: read or downloaded on the machine running ha-setup, then staged onto
  // the node through its Host (with --host the node is another machine), and built there.
  const name = isUrl(opts.source) ? tarballNameFromUrl(opts.source) : basename(opts.source);
  let bytes: Buffer | null = null;
  if (isUrl(opts.source)) {
    if (dryRun) {
      progress.note(t('install.note.wouldDownload', { url: opts.source, file: `${WORKDIR_TEMPLATE}/${name}` }));
    } else {
      const phase = t('install.phase.download', { url: opts.source });
      await progress.step(phase, async (step) => {
        log.beginPhase(phase);
        try {
          bytes = await download(opts.source, ({ received, total }) => {
            step.update(total ? `${Math.floor((received / total) * 100)}% ${formatBytes(received)} / ${formatBytes(total)}` : formatBytes(received));
          });
          log.write(`downloaded ${bytes.length} bytes\nsha256 ${sha256Of(bytes)}\n`);
        } catch (e) {
          log.write(`${(e as Error).message}\n`);
          throw phaseFailure({ phase, log, distro, cause: 'network' });
        }
      });
    }
  } else if (!dryRun) {
    bytes = await readAdminFile(opts.source);
  }
  if (opts.sha256 && bytes) {
    const actual = sha256Of(bytes);
    if (actual !== opts.sha256) {
      throw new OperationError(t('install.fail.checksum', { file: opts.source }), {
        details: [t('install.fail.checksumExpected', { sha: opts.sha256 }), t('install.fail.checksumActual', { sha: actual })],
        hint: t('install.hint.checksum'),
      });
    }
    progress.note(t('install.note.checksumOk', { sha: actual }));
  }

  // -- stage and unpack into a scratch directory of the node
  let workdir = WORKDIR_TEMPLATE;
  const unpack = t('install.phase.unpack');
  await progress.step(unpack, async () => {
    log.beginPhase(unpack);
    const mk: PlannedCommand = { cmd: 'mktemp', args: ['-d', WORKDIR_TEMPLATE], why: 'scratch directory for the build' };
    const made = await runLogged(host, log, mk);
    if (made.exitCode !== 0) throw phaseFailure({ phase: unpack, step: mk, result: made, log, distro });
    workdir = made.stdout.trim() || WORKDIR_TEMPLATE;
    const stage = stageCommand(`${workdir}/${name}`, bytes);
    const staged = await runLogged(host, log, stage);
    if (staged.exitCode !== 0) throw phaseFailure({ phase: unpack, step: stage, result: staged, log, distro });
    const untar = unpackCommand(`${workdir}/${name}`, workdir);
    const r = await runLogged(host, log, untar);
    if (r.exitCode !== 0) throw phaseFailure({ phase: unpack, step: untar, result: r, log, distro });
    if (!dryRun && (await host.exec('test', ['-f', `${workdir}/configure`])).exitCode !== 0) {
      const snapshot = (await host.exec('test', ['-f', `${workdir}/configure.ac`])).exitCode === 0;
      throw new OperationError(t('install.fail.noConfigure', { file: opts.source }), {
        hint: t(snapshot ? 'install.hint.gitSnapshot' : 'install.hint.notKeepalived'),
        details: log.path ? [t('install.fail.logPath', { path: log.path })] : [],
      });
    }
  });
  const failed = (args: Parameters<typeof phaseFailure>[0]) => {
    const err = phaseFailure(args);
    err.details.push(t('install.fail.workdir', { dir: workdir }));
    return err;
  };

  // -- build dependencies
  if (opts.skipDependencies) {
    progress.note(t('install.note.depsSkipped'));
  } else if (!dryRun && typeof process.getuid === 'function' && process.getuid() !== 0) {
    progress.warn(t('install.warn.depsNotRoot'));
  } else {
    const refreshLists = distro.packageManager === 'apt' ? await aptListsNeedRefresh(host) : false;
    const steps = planBuildDependencies(distro, { refreshLists });
    if (steps.length === 0) {
      progress.warn(t('install.warn.depsUnknownDistro'));
    } else {
      const phase = t('install.phase.deps', { manager: distro.packageManager ?? '' });
      const warnings: string[] = [];
      await progress.step(phase, async () => {
        log.beginPhase(phase);
        for (const step of steps) {
          const r = await runLogged(host, log, step);
          if (r.exitCode === 0) continue;
          if (step.optional) warnings.push(t('install.warn.optionalDeps', { packages: step.args.filter((a) => !a.startsWith('-') && a !== 'install' && a !== 'add').join(' ') }));
          else throw failed({ phase, step, result: r, log, distro });
        }
      });
      for (const w of warnings) progress.warn(w);
    }
  }

  // -- the release, and what it needs on this compiler and these headers
  const release = (!dryRun ? await releaseInWorkdir(host, workdir) : null) ?? releaseFromTarballName(opts.source);
  const quirks = quirksFor(release);
  const inherited = { CFLAGS: env.CFLAGS ?? process.env.CFLAGS, CPPFLAGS: env.CPPFLAGS ?? process.env.CPPFLAGS };
  const extraConfigure = quirkConfigureArgs(quirks, inherited);
  const buildCppflags = quirkCppflags(quirks, inherited) ?? inherited.CPPFLAGS ?? '';
  progress.note(release ? t('install.note.release', { version: release }) : t('install.warn.releaseUnknown', { file: opts.source }));
  for (const q of quirks) {
    progress.note(t(`install.quirk.${q.feature}` as const, { version: release, cppflags: q.cppflags ?? '', unitDir: layout.unitDir }));
  }

  // -- libnl: which one configure will take, and whether this release builds with it;
  // before the build, so a build that cannot work is not started.
  const probePhase = t('install.phase.probe');
  await progress.step(probePhase, async () => {
    log.beginPhase(probePhase);
    const found = await detectLibnl(host, env, buildCppflags.split(/\s+/).filter(Boolean));
    log.write(found.output);
    Object.assign(libnl, { probe: found.probe, libnl3: found.libnl3, libnl1: found.libnl1, brokenHeader: found.header, decision: libnlDecision(release, found) });
    log.write(`libnl: ${libnl.decision}\n`);
  });
  if (libnl.decision === 'refuse') {
    if (workdir.startsWith('/var/tmp/ha-setup-build.')) await host.exec('rm', ['-rf', workdir], { why: 'remove the build directory' });
    throw new OperationError(t('install.fail.libnl1', { version: release }), {
      details: [
        t('install.found.libnl1', { header: libnl.brokenHeader ?? 'netlink/netlink-kernel.h' }),
        t('install.found.noLibnl3'),
        ...(log.path ? [t('install.fail.logPath', { path: log.path })] : []),
      ],
      hint: t('install.hint.libnl1', { command: libnl3Command(distro), version: release }),
    });
  }
  if (libnl.decision === 'libnl1') progress.note(t('install.note.libnl1', { version: release ?? '?' }));
  if (libnl.decision === 'none') progress.warn(t('install.warn.noLibnl', { command: libnl3Command(distro) }));

  const inWorkdir = (step: PlannedCommand): PlannedCommand => ({ ...step, env: { ...env, ...step.env } });

  // -- configure
  const configurePhase = t('install.phase.configure');
  await progress.step(configurePhase, async () => {
    log.beginPhase(configurePhase);
    const step = inWorkdir(configureCommand(layout, extraConfigure));
    const r = await runLogged(host, log, step, workdir);
    if (r.exitCode !== 0) throw failed({ phase: configurePhase, step, result: r, log, distro });
  });

  // -- make
  const jobs = opts.jobs ?? (await cpuCount(host));
  const makePhase = t('install.phase.make', { jobs });
  await progress.step(makePhase, async () => {
    log.beginPhase(makePhase);
    const make = inWorkdir({ cmd: 'make', args: [`-j${jobs}`], why: 'compile keepalived' });
    const r = await runLogged(host, log, make, workdir);
    if (r.exitCode !== 0) throw failed({ phase: makePhase, step: make, result: r, log, distro });
  });

  // -- make install, watched
  const installPhase = t('install.phase.makeInstall', { prefix: layout.prefix });
  const before = await snapshotOutside(host, layout.prefix);
  const protectedBefore = new Map<string, string | null>();
  if (layout.live) for (const f of PROTECTED_FILES) protectedBefore.set(f, await host.readFile(f));
  await progress.step(installPhase, async () => {
    log.beginPhase(installPhase);
    const step = inWorkdir({ cmd: 'make', args: ['install', ...(layout.destdir ? [`DESTDIR=${layout.destdir}`] : [])], why: 'install keepalived' });
    const r = await runLogged(host, log, step, workdir);
    if (r.exitCode !== 0) throw failed({ phase: installPhase, step, result: r, log, distro });
    // An administrator's configuration outlives a reinstall; the build's copy is kept as the backup.
    for (const [file, previous] of protectedBefore) {
      if (previous === null) continue;
      const now = await host.readFile(file);
      if (now !== null && now !== previous) {
        const mode = (await host.stat(file))?.mode ?? 0o644;
        await host.writeFileAtomic(file, previous, { mode, why: 'keep the configuration make install replaced' });
        log.write(`restored ${file} (make install had replaced it)\n`);
      }
    }
  });

  // -- verify: the binary runs; a staged install wrote nothing outside its prefix
  let version: string | null = null;
  const verifyPhase = t('install.phase.verify');
  await progress.step(verifyPhase, async () => {
    log.beginPhase(verifyPhase);
    const check: PlannedCommand = { cmd: host.commandPath(layout.binary), args: ['--version'], why: 'check the new keepalived runs' };
    const r = await runLogged(host, log, check);
    if (r.exitCode !== 0 && !dryRun) throw failed({ phase: verifyPhase, step: check, result: r, log, distro });
    version = parseKeepalivedVersion(r.stdout + r.stderr);
    if (!layout.live && !dryRun) {
      const escaped = snapshotChanges(before, await snapshotOutside(host, layout.prefix));
      if (escaped.length > 0) {
        log.write(`written outside ${layout.prefix}:\n${escaped.join('\n')}\n`);
        throw new OperationError(t('install.fail.escaped', { prefix: layout.prefix }), {
          details: [...escaped.map((p) => `  ${p}`), ...(log.path ? [t('install.fail.logPath', { path: log.path })] : [])],
          hint: t('install.hint.escaped'),
        });
      }
    }
  });

  // -- live only: the unit systemd will start, and keepalived on PATH
  let unitPath: string | null = null;
  let pathLink: string | null = null;
  if (layout.live) {
    const livePhase = t('install.phase.live');
    await progress.step(livePhase, async () => {
      log.beginPhase(livePhase);
      const built = await host.readFile(`${layout.unitDir}/keepalived.service`);
      let unit = built ?? renderServiceUnit({ binary: layout.binary, sysconfdir: layout.sysconfdir, version: version ?? 'unknown version' });
      if (execStartBinary(unit) !== layout.binary) unit = pointExecStartAt(unit, layout.binary);
      await host.writeFileAtomic(LIVE_UNIT_PATH, unit, { mode: 0o644, rootOwned: true, why: 'systemd unit for the keepalived just built' });
      unitPath = LIVE_UNIT_PATH;
      log.write(`wrote ${LIVE_UNIT_PATH} (ExecStart=${layout.binary})\n`);
      if (layout.prefix !== '/usr') {
        // Never over a real file (an older hand-made install): only a missing path or a link.
        const free = dryRun || (await host.exec('test', ['!', '-e', PATH_LINK, '-o', '-L', PATH_LINK])).exitCode === 0;
        if (free) {
          const ln: PlannedCommand = { cmd: 'ln', args: ['-sfn', layout.binary, PATH_LINK], why: 'put keepalived on PATH' };
          const r = await runLogged(host, log, ln);
          if (r.exitCode !== 0) throw failed({ phase: livePhase, step: ln, result: r, log, distro });
          pathLink = PATH_LINK;
        } else {
          log.write(`${PATH_LINK} exists and is not a link: left alone\n`);
        }
      }
      if (await host.exists('/run/systemd/system')) {
        await runLogged(host, log, { cmd: 'systemctl', args: ['daemon-reload'], why: 'make systemd read the new unit' });
      }
    });
    if (unitPath) progress.note(t('install.note.unit', { path: unitPath, binary: layout.binary }));
    if (pathLink) progress.note(t('install.note.link', { link: pathLink, binary: layout.binary }));
    else if (layout.prefix !== '/usr') progress.warn(t('install.warn.linkSkipped', { link: PATH_LINK }));
  }

  // The build tree is only useful for a failure; a success cleans it up.
  if (workdir.startsWith('/var/tmp/ha-setup-build.')) await host.exec('rm', ['-rf', workdir], { why: 'remove the build directory' });
  return {
    method: 'source',
    binary: layout.binary,
    version,
    logPath: log.path,
    prefix: layout.prefix,
    live: layout.live,
    unitPath,
    pathLink,
    libnl,
    sourceRelease: release,
    quirks: quirks.map((q) => ({ feature: q.feature, configureArgs: quirkConfigureArgs([q], inherited) })),
  };
}
