/**
 * Files of the ha-setup package itself (its templates/ directory), as opposed to the files
 * of the node a Host stands for: they are read from wherever this code was installed, the
 * same for every host. templates/ ships beside dist/ in the package and beside src/ in the
 * repository; it is found by walking up from this module, which works the same bundled and
 * unbundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let templatesDir: string | undefined;

function findTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('templates/ directory not found next to the ha-setup code');
}

/** The text of templates/NAME of the package. Synchronous: renderers are. */
export function readPackageTemplate(name: string): string {
  templatesDir ??= findTemplatesDir();
  return readFileSync(join(templatesDir, name), 'utf8');
}
