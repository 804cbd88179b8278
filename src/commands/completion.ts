import type { Command, Option } from 'commander';
import { t } from '../i18n/index.js';
import { UserError } from '../errors.js';
import { singleQuote } from '../host/shell-quote.js';

/**
 * `ha-setup completion bash|zsh`: a completion script generated from the commander program
 * itself, so a new command or flag completes as soon as it is registered. Values come from
 * an option's own `.choices()` first, then from VALUE_HINTS for options whose values are
 * checked later by the command (and so are not declared as choices).
 */
export const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

/** Values offered after an option that takes one; '@files' / '@dirs' ask the shell for paths. */
export const VALUE_HINTS: Record<string, string[]> = {
  '--lang': ['en', 'zh'],
  '--role': ['master', 'backup'],
  '--mode': ['drain', 'nginx', 'keepalived'],
  '--existing': ['keep', 'replace', 'stop'],
  '--method': ['package', 'source'],
  '--root': ['@dirs'],
  '--config': ['@files'],
  '--answers': ['@files'],
  '--source': ['@files'],
};

export interface CompletionNode {
  /** Space-separated command path below the program: '', 'lab', 'lab up'. */
  path: string;
  subcommands: string[];
  /** Every long and short flag accepted here (the program's global flags included). */
  flags: string[];
  /** Flags that consume the next word, with the values to offer for it. */
  valueFlags: Record<string, string[]>;
}

function flagsOf(option: Option): string[] {
  return [option.long, option.short].filter((f): f is string => Boolean(f));
}

function valuesOf(option: Option): string[] {
  if (option.argChoices && option.argChoices.length > 0) return [...option.argChoices];
  return VALUE_HINTS[option.long ?? ''] ?? [];
}

/** The completion data of every command, computed from the program as registered. */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (cmd: Command, path: string, inherited: readonly Option[]) => {
    const options = [...inherited, ...cmd.options];
    const valueFlags: Record<string, string[]> = {};
    for (const o of options) {
      if (!o.required && !o.optional) continue;
      for (const f of flagsOf(o)) valueFlags[f] = valuesOf(o);
    }
    const subs = cmd.commands.filter((c) => c.name() !== 'help');
    nodes.push({
      path,
      subcommands: subs.map((c) => c.name()),
      flags: [...new Set([...options.flatMap(flagsOf), '--help', '-h'])],
      valueFlags,
    });
    for (const sub of subs) visit(sub, path ? `${path} ${sub.name()}` : sub.name(), options);
  };
  // The program's own flags (--root, --json...) are inherited: commander accepts them
  // after a subcommand too.
  visit(program, '', []);
  return nodes;
}

const quote = singleQuote;

/**
 * The shell functions both scripts share: plain `case` tables, which bash and zsh (through
 * bashcompinit) run alike. Words are never evaluated, only compared.
 */
function tables(nodes: CompletionNode[]): string {
  const cases = (fn: (n: CompletionNode) => string) => nodes.map((n) => `    ${quote(n.path)}) ${fn(n)} ;;`).join('\n');
  const valueCases = nodes
    .flatMap((n) => Object.entries(n.valueFlags).map(([flag, values]) => `    ${quote(`${n.path}|${flag}`)}) echo ${quote(values.join(' '))} ;;`))
    .join('\n');
  return `_ha_setup_subcommands() {
  case "$1" in
${cases((n) => `echo ${quote(n.subcommands.join(' '))}`)}
  esac
}
_ha_setup_flags() {
  case "$1" in
${cases((n) => `echo ${quote(n.flags.join(' '))}`)}
  esac
}
# "PATH|FLAG" -> the values to offer; a flag absent here takes no value.
_ha_setup_values() {
  case "$1" in
${valueCases}
    *) return 1 ;;
  esac
}
_ha_setup() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i word sub values
  # Walk the words before the cursor: subcommands extend the path, a flag that takes a
  # value skips that value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --) break ;;
      -*=*) ;;
      -*) if _ha_setup_values "$path|$word" >/dev/null; then i=$((i + 1)); fi ;;
      *)
        for sub in $(_ha_setup_subcommands "$path"); do
          if [ "$sub" = "$word" ]; then path="\${path:+$path }$word"; break; fi
        done
        ;;
    esac
  done
  local prev="" flag="" typed="$cur"
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$cur" in
    --*=*) flag="\${cur%%=*}"; typed="\${cur#*=}" ;;
    *) case "$prev" in -*) flag="$prev" ;; esac ;;
  esac
  if [ -n "$flag" ] && values="$(_ha_setup_values "$path|$flag")"; then
    case "$values" in
      @dirs) COMPREPLY=($(compgen -d -- "$typed")) ;;
      @files) COMPREPLY=($(compgen -f -- "$typed")) ;;
      *) COMPREPLY=($(compgen -W "$values" -- "$typed")) ;;
    esac
    return 0
  fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(_ha_setup_flags "$path")" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$(_ha_setup_subcommands "$path")" -- "$cur")) ;;
  esac
  return 0
}`;
}

export function completionScript(program: Command, shell: Shell): string {
  const body = tables(completionTree(program));
  if (shell === 'bash') {
    return `# bash completion for ha-setup (generated by \`ha-setup completion bash\`)
# Load it now:    source <(ha-setup completion bash)
# Or for good:    ha-setup completion bash > /etc/bash_completion.d/ha-setup
${body}
complete -o default -F _ha_setup ha-setup
`;
  }
  return `#compdef ha-setup
# zsh completion for ha-setup (generated by \`ha-setup completion zsh\`), through zsh's own
# bash-completion bridge so both shells share one tested function.
# Load it now:    source <(ha-setup completion zsh)
# Or for good:    ha-setup completion zsh > "\${fpath[1]}/_ha-setup"
autoload -U +X compinit && compinit -C
autoload -U +X bashcompinit && bashcompinit
${body}
complete -o default -F _ha_setup ha-setup
`;
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

export function register(program: Command): void {
  program
    .command('completion')
    .description(t('ship.completion.description'))
    .argument('<shell>', t('ship.completion.arg'))
    .addHelpText('after', `\n${t('cli.help.examples')}\n${t('ship.completion.examples')}`)
    .action((shell: string, _opts: unknown, cmd: Command) => {
      if (!SHELLS.includes(shell as Shell)) throw new UserError({ field: 'shell', value: shell, accepted: SHELLS.join(', ') });
      process.stdout.write(completionScript(rootOf(cmd), shell as Shell));
    });
}
