/** Printing for the setup flow: preflight, plan, final screen. Prompts live in wizard.ts. */
import type { Facts } from '../system/facts.js';
import type { Plan } from '../setup/plan.js';
import type { ExistingConfig, SetupResult } from '../setup/run.js';
import { describeStep } from '../setup/apply.js';
import { isPairVerification } from '../setup/verify.js';
import { t, type MessageKey } from '../i18n/index.js';
import { displayWidth, paint, padDisplay, printLine } from './output.js';
import { unifiedDiff } from './diff.js';
import { redact } from '../audit/log.js';
import { commandLine, type NodeShell } from '../system/node-shell.js';

/** The fact table: labels padded to one column by their terminal width (CJK labels take two per character). */
function printRow(label: string, value: string, width: number): void {
  printLine(`  ${padDisplay(label, width)} ${value}`);
}

export function printPreflight(facts: Facts, existing: ExistingConfig | null): void {
  printLine(paint('bold', t('setup.preflight.title')));
  const rows: Array<[string, string]> = [];
  const row = (label: string, value: string) => void rows.push([label, value]);
  row(t('setup.preflight.root'), facts.root ? t('word.yes') : t('word.no'));
  row(t('setup.preflight.distro'), `${facts.distro.prettyName ?? facts.distro.id ?? t('word.unknown')} (${facts.distro.family}, ${facts.distro.packageManager ?? '-'})`);
  row(
    t('setup.preflight.interfaces'),
    facts.interfaces
      .filter((i) => !i.loopback)
      .map((i) => [`${i.name}${i.default ? '*' : ''}`, ...i.ipv4, i.up ? '' : t('setup.preflight.down')].filter(Boolean).join(' '))
      .join(', ') || t('word.none'),
  );
  row(t('setup.preflight.cloud'), facts.cloud.vendor ?? t('word.none'));
  row(t('setup.preflight.firewall'), `${facts.firewall.kind}${facts.firewall.running ? '' : ` ${t('setup.preflight.inactive')}`}`);
  row(
    t('setup.preflight.keepalived'),
    facts.keepalived.installed
      ? `${t('setup.preflight.installedVersion', { version: facts.keepalived.version ?? '?' })}, ${facts.keepalived.running ? t('setup.preflight.running') : t('setup.preflight.notRunning')}`
      : t('setup.preflight.notInstalled'),
  );
  row(t('setup.preflight.nginx'), facts.nginx.installed ? (facts.nginx.running ? t('setup.preflight.running') : t('setup.preflight.notRunning')) : t('setup.preflight.notInstalled'));
  row(t('setup.preflight.config'), existing ? (existing.packagedSample ? t('setup.preflight.packagedSample') : `${existing.path}: ${existing.summary}`) : t('setup.preflight.noConfig'));
  const width = Math.max(16, ...rows.map(([label]) => displayWidth(label)));
  for (const [label, value] of rows) printRow(label, value, width);
  printLine();
}

/**
 * The plan of one node. A file that changes always shows its diff (a re-run must say what
 * it changes, node by node); a new file shows its content with `showContent` (dry run,
 * terminal). Passwords are masked: a changed one shows as a changed line.
 */
export function printPlan(plan: Plan, showContent: boolean): void {
  printLine(paint('bold', t('setup.plan.title', { node: plan.node })));
  if (plan.steps.length === 0) printLine(`  ${t('setup.plan.nothing')}`);
  for (const step of plan.steps) {
    printLine(`  - ${describeStep(step)}`);
    printLine(paint('gray', `      ${t('setup.plan.why', { why: step.why })}`));
    if (step.kind === 'write' && (showContent || step.previous !== null)) {
      const body = step.previous === null ? step.content.split('\n').map((l) => `+${l}`) : unifiedDiff(step.previous, step.content);
      for (const raw of body) {
        const line = redact(raw);
        printLine(`      ${line.startsWith('+') ? paint('green', line) : line.startsWith('-') ? paint('red', line) : line}`);
      }
    }
  }
  for (const path of plan.unchanged) printLine(paint('gray', `  = ${t('setup.plan.unchanged', { path })}`));
  const r = plan.release;
  printLine(`  ${t('setup.plan.release', { version: r.version ?? '?', source: t(`setup.plan.release.${r.version === null ? 'unknown' : (r.source ?? 'unknown')}` as MessageKey) })}`);
  for (const note of plan.notes) printLine(paint('yellow', `  ! ${t(note as MessageKey)}`));
  printLine();
}

/** The last screen; `shell` spells the commands for this node and its peer (a lab node's are lab exec). */
export function printDone(result: SetupResult, shell: NodeShell): void {
  const answers = result.nodes[0]?.answers;
  if (!answers) return;
  printLine(paint('bold', t('setup.done.title')));
  const v = result.verification && !isPairVerification(result.verification) ? result.verification : null;
  if (v) {
    printLine(`  keepalived: ${v.running ? t('setup.preflight.running') : paint('red', t('setup.verify.notRunning'))}`);
    if (v.state) printLine(`  ${t('setup.verify.state', { state: v.state })}`);
    const vips = [answers.vip, ...answers.extraVips].join(', ');
    printLine(`  ${v.holdsVip ? t('setup.verify.holdsVip', { vip: vips }) : t('setup.verify.noVip', { vip: vips })}`);
    if (v.timedOut) printLine(paint('yellow', `  ${t('setup.verify.timeout', { seconds: Math.round(v.waitedMs / 1000) })}`));
    if (answers.role === 'BACKUP' && v.holdsVip) printLine(paint('yellow', `  ${t('setup.verify.masterAlone')}`));
  }
  if (result.filesOnly) printLine(`  ${t('setup.done.rootOnly', { root: result.root })}`);
  if (result.generatedPassword) printLine(paint('yellow', `  ${t('setup.q.authPass.generated', { pass: answers.authPass })}`));
  if (result.peerCommand) {
    const peer = shell.peer();
    const [, ...args] = result.peerCommand;
    printLine(`  ${peer ? t('setup.done.peerNamed', { peer: peer.node }) : t('setup.done.peer')}`);
    printLine(`    ${paint('cyan', peer ? peer.haSetup(args) : commandLine(result.peerCommand))}`);
  }
  printLine(`  ${t('setup.done.answers', { path: result.answersPath })}`);
  printLine(`  ${t('setup.done.doctor', { command: shell.haSetup(['doctor']) })}`);
}
