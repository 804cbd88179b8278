// Messages of packaging, completion and the audit log.
export const en = {
  'ship.completion.description': 'print a shell completion script for bash or zsh',
  'ship.completion.arg': 'the shell: bash or zsh',
  'ship.completion.examples': `  $ source <(ha-setup completion bash)                          # this shell only
  $ ha-setup completion bash > /etc/bash_completion.d/ha-setup   # every new bash
  $ ha-setup completion zsh > "\${fpath[1]}/_ha-setup"            # every new zsh`,
  'ship.audit.unwritable': 'could not append to the audit log {path}: {message}',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'ship.completion.description': '打印 bash 或 zsh 的命令补全脚本',
  'ship.completion.arg': 'shell 类型：bash 或 zsh',
  'ship.completion.examples': `  $ source <(ha-setup completion bash)                          # 仅当前 shell 生效
  $ ha-setup completion bash > /etc/bash_completion.d/ha-setup   # 之后所有新开的 bash 生效
  $ ha-setup completion zsh > "\${fpath[1]}/_ha-setup"            # 之后所有新开的 zsh 生效`,
  'ship.audit.unwritable': '无法追加写入审计日志 {path}：{message}',
};
