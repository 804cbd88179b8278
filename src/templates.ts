import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Templates ship as files in templates/ (beside dist/ in the package, beside src/ in the
 * repository), so operators can read exactly what will be written. Found by walking up
 * from this module, which works the same bundled and unbundled.
 */
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

export function loadTemplate(name: string): string {
  templatesDir ??= findTemplatesDir();
  return readFileSync(join(templatesDir, name), 'utf8');
}

/** Fill {{name}} placeholders; a placeholder without a value is a bug, so it throws. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => {
    if (!(key in values)) throw new Error(`template value missing: ${key}`);
    return String(values[key]);
  });
}
