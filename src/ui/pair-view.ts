/** Printing for the pair setup: each node's preflight and plan under its name, the pair's final screen. */
import type { SetupResult } from '../setup/run.js';
import { isPairVerification } from '../setup/verify.js';
import { t } from '../i18n/index.js';
import { paint, printLine } from './output.js';
import { commandLine } from '../system/node-shell.js';

export function printPairDone(result: SetupResult): void {
  if (result.nodes.length === 0) return;
  printLine(paint('bold', t('pair.done.title')));
  const v = result.verification && isPairVerification(result.verification) ? result.verification : null;
  for (const [i, n] of result.nodes.entries()) {
    const seen = v?.nodes[i];
    printLine(
      `  ${t('pair.done.node', {
        node: n.label,
        role: n.answers.role,
        priority: n.answers.priority,
        routerId: n.answers.routerId,
        peer: n.answers.peers.join(', '),
        running: seen?.running ? t('setup.preflight.running') : t('setup.verify.notRunning'),
        state: seen?.state ?? '?',
        vip: seen?.holdsVip ? t('pair.done.holdsVip') : '',
      })}`,
    );
  }
  const a = result.nodes[0]!.answers;
  if (v) {
    if (v.ok && v.instances.length > 1) {
      const vrids = [a.vrid, a.secondVrid];
      v.instances.forEach((inst, k) => printLine(paint('green', `  ${t('pair.done.okInstance', { instance: inst.name, holder: inst.vipHolder ?? '?', vip: inst.vips.join(', '), vrid: vrids[k] ?? '?' })}`)));
    } else if (v.ok) printLine(paint('green', `  ${t('pair.done.ok', { holder: v.vipHolder ?? '?', vip: [a.vip, ...a.extraVips].join(', '), vrid: a.vrid })}`));
    else printLine(paint('red', `  ${t('pair.done.notOk', { seconds: Math.round(v.waitedMs / 1000) })}`));
  }
  if (result.generatedPassword) printLine(paint('yellow', `  ${t('pair.done.password', { password: a.authPass })}`));
  const hosts = result.nodes.flatMap((n) => ['--host', n.label]);
  printLine(`  ${t('pair.done.next', { command: commandLine(['ha-setup', 'doctor', ...hosts]) })}`);
}
