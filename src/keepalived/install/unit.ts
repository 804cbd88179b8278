import { fillTemplate, loadTemplate } from '../../templates.js';

/** Where a live source install puts its unit: the administrator's directory, which overrides a package's. */
export const LIVE_UNIT_PATH = '/etc/systemd/system/keepalived.service';

/** The unit from templates/, for builds that produced none (configure found no systemd). */
export function renderServiceUnit(values: { binary: string; sysconfdir: string; version: string }): string {
  return fillTemplate(loadTemplate('keepalived.service.tmpl'), values);
}

/** The binary a unit's ExecStart runs (first word, without systemd's "-@+!:" prefixes). */
export function execStartBinary(unit: string): string | null {
  const m = /^ExecStart=[-@+!:]*(\S+)/m.exec(unit);
  return m ? m[1]! : null;
}

/**
 * Make ExecStart run `binary`, keeping its arguments. The unit keepalived's build
 * generates already does when the prefix is the final one; a unit copied from elsewhere
 * or built for another prefix does not, and systemd would start the wrong keepalived.
 */
export function pointExecStartAt(unit: string, binary: string): string {
  return unit.replace(/^(ExecStart=[-@+!:]*)(\S+)/m, (_whole, flags: string) => `${flags}${binary}`);
}
