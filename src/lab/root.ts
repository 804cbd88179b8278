import { OperationError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { t } from '../i18n/index.js';

/** null where the platform has no uids (Windows): never root. */
export function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/**
 * Network namespaces, veth pairs and daemons in them need root (CAP_SYS_ADMIN and
 * CAP_NET_ADMIN). `uid` is injectable so the check itself can be tested as root.
 */
export function requireLabRoot(uid: number | null = currentUid()): void {
  if (uid === 0) return;
  throw new OperationError(t('lab.error.needRoot'), { exitCode: EXIT.noPermission, hint: t('lab.hint.needRoot') });
}
