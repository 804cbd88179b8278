import { readPackageTemplate } from './host/package-files.js';

/**
 * Templates ship as files in templates/ of the package, so operators can read exactly what
 * will be written; src/host/package-files.ts finds and reads them.
 */
export function loadTemplate(name: string): string {
  return readPackageTemplate(name);
}

/** Fill {{name}} placeholders; a placeholder without a value is a bug, so it throws. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => {
    if (!(key in values)) throw new Error(`template value missing: ${key}`);
    return String(values[key]);
  });
}
