import { posix } from 'node:path';
import type { Host } from '../../host/types.js';

/**
 * A Host reads and writes files under its root, but commands it runs see the real file
 * system. A path handed to a command (a cwd, a configure --prefix's files, a binary to
 * run) therefore needs the root in front on a local or lab host whose root is not "/".
 */
export function execPath(host: Host, path: string): string {
  if ((host.kind === 'local' || host.kind === 'netns') && host.root !== '/') {
    return posix.join(host.root, path);
  }
  return path;
}
