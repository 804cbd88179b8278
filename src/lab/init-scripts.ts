/**
 * SysV-style init scripts for the lab's daemons, written by `lab up` at
 * NODE_ROOT/etc/init.d/{keepalived,nginx}. They start a daemon exactly the way
 * LabServices does (same argv, pid files, TMPDIR, log file, ownership marker and
 * timeouts, all from daemon-argv.ts), so a node reached over ssh — where no ha-setup runs on the node, only sh —
 * is controlled like any server without systemd: `INIT_SCRIPT start|stop|restart|reload|status`
 * (SysvServices runs the script under the host's root when the host is sandboxed).
 *
 * Daemons are detached from whoever called the script (own session, stdio on the log
 * file): over ssh the session would otherwise stay open as long as the daemon runs.
 */
import type { ServiceName } from '../system/service-control.js';
import { labNodeRoot, type LabNodeName } from './constants.js';
import { NODE_PATHS } from './paths.js';
import { LAB_DAEMON_TIMING, labDaemonArgv, labDaemonFiles, labDaemonMarker } from './daemon-argv.js';
import { LAB_KEEPALIVED, type LabKeepalived } from './keepalived.js';
import { singleQuote } from '../host/shell-quote.js';

/** Where a node's init script lives, as a path on the node. */
export function initScriptPath(name: ServiceName): string {
  return `/etc/init.d/${name}`;
}

/** POSIX single quotes for a value pasted into the script (paths under our own state directory). */
const q = singleQuote;

export function renderInitScript(node: LabNodeName, name: ServiceName, keepalived: LabKeepalived): string {
  const root = labNodeRoot(node);
  const files = labDaemonFiles(name);
  const pidFile = `${root}${files.pidFile}`;
  const log = `${root}${files.log}`;
  const POLL_MS = 50;
  const startPolls = Math.ceil(LAB_DAEMON_TIMING.startTimeoutMs / POLL_MS);
  const stopPolls = Math.ceil(LAB_DAEMON_TIMING.stopGraceMs / POLL_MS);
  const argv = labDaemonArgv(node, name, keepalived).map(q).join(' ');
  // The daemon's config test with the node's own files (nginx -t would read the machine's /etc/nginx).
  const testArgv = (name === 'nginx' ? [...labDaemonArgv(node, name, keepalived), '-t'] : [LAB_KEEPALIVED, '-t', '-f', `${root}${NODE_PATHS.keepalivedConf}`]).map(q).join(' ');
  return `#!/bin/sh
# Written by \`ha-setup lab up\` for lab node ${node}: ${name} the lab's way (pid file,
# log and TMPDIR under the node's directory). Removed by \`ha-setup lab down\`.
# usage: $0 start|stop|restart|reload|status|configtest
NODE=${q(node)}
ROOT=${q(root)}
MARKER=${q(labDaemonMarker(node))}
PIDFILE=${q(pidFile)}
LOG=${q(log)}

# Run inside the node's network namespace (over ssh the session already is), in place of
# the calling (background) shell: nothing of this script stays behind as the daemon's parent.
in_node() {
  if [ "$(readlink /proc/self/ns/net)" = "net:[$(stat -L -c %i "/run/netns/$NODE" 2>/dev/null)]" ]; then
    exec "$@"
  else
    exec ip netns exec "$NODE" "$@"
  fi
}

# The pid of our running daemon: alive, not a zombie, started for this node's directory.
running_pid() {
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/stat" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=\${stat##*) }; state=\${state%% *}
  case "$state" in Z|X) return 1 ;; esac
  tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$MARKER" || return 1
  echo "$pid"
}

start() {
  if pid=$(running_pid); then echo "${name} already running in $NODE (pid $pid)"; return 0; fi
  mkdir -p "\${LOG%/*}" "$ROOT${NODE_PATHS.tmpDir}" "$ROOT/run"
  rm -f "$PIDFILE"
  # setsid: a session of its own, so the daemon outlives this script and the ssh session.
  (in_node setsid ${argv}) </dev/null >>"$LOG" 2>&1 &
  i=0
  while [ $i -lt ${startPolls} ]; do
    if pid=$(running_pid); then echo "${name} started in $NODE (pid $pid)"; return 0; fi
    sleep ${POLL_MS / 1000}
    i=$((i + 1))
  done
  echo "${name} did not start in $NODE; last log lines:" >&2
  tail -n 10 "$LOG" >&2
  return 1
}

stop() {
  if ! pid=$(running_pid); then echo "${name} is not running in $NODE"; return 0; fi
  kill -TERM "$pid" 2>/dev/null
  i=0
  while [ $i -lt ${stopPolls} ]; do
    running_pid >/dev/null || { echo "${name} stopped in $NODE"; return 0; }
    sleep ${POLL_MS / 1000}
    i=$((i + 1))
  done
  kill -KILL "$pid" 2>/dev/null
  sleep 0.1
  running_pid >/dev/null && { echo "${name} (pid $pid) is still running" >&2; return 1; }
  echo "${name} stopped in $NODE"
}

case "$1" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  reload)
    pid=$(running_pid) || { echo "${name} is not running in $NODE: nothing to reload" >&2; exit 1; }
    kill -HUP "$pid" && echo "${name} reloaded in $NODE" ;;
  configtest) (in_node ${testArgv}) ;;
  status)
    if pid=$(running_pid); then echo "${name} is running in $NODE (pid $pid)"; exit 0; fi
    echo "${name} is not running in $NODE"; exit 3 ;;
  *) echo "usage: $0 start|stop|restart|reload|status|configtest" >&2; exit 2 ;;
esac
`;
}

/** `lab up`: both init scripts of a node, root-owned 0755 like any init script. */
export async function writeInitScripts(node: LabNodeName, host: import('../host/types.js').Host, keepalived: LabKeepalived): Promise<void> {
  for (const name of ['keepalived', 'nginx'] as const) {
    await host.writeFileAtomic(initScriptPath(name), renderInitScript(node, name, keepalived), { mode: 0o755, rootOwned: true, why: `start and stop ${name} in the lab node` });
  }
}
