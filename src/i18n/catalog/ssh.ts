// Messages of the ssh host: reaching a peer through the system ssh client.
export const en = {
  'ssh.target.accepted': 'host, user@host, user@host:port or user@[IPv6 address]:port (the host must not start with "-")',
  'ssh.arg.accepted': 'an argument without NUL bytes',
  'ssh.path.accepted': 'an absolute path such as /etc/keepalived/keepalived.conf',
  'ssh.error.clientMissing': 'the ssh client is not installed on this machine',
  'ssh.hint.clientMissing': 'install it: apt-get install openssh-client (Debian/Ubuntu) or dnf install openssh-clients (RHEL family)',
  'ssh.error.hostKeyUnknown': 'unknown host key for {host}: ssh will not connect to a server it cannot verify',
  'ssh.hint.hostKeyUnknown':
    'check the fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add the key: ssh-keyscan -p {port} {host} >> {knownHosts} and compare with ssh-keygen -lf {knownHosts}; or log in once by hand: ssh -p {port} {target}',
  'ssh.error.hostKeyChanged': 'the host key of {host} has changed since it was recorded in {knownHosts}',
  'ssh.hint.hostKeyChanged':
    'if the server was reinstalled on purpose, remove the old key (ssh-keygen -f {knownHosts} -R {knownHostsName}), verify the new fingerprint on the server and add it again; otherwise stop: the connection may be intercepted',
  'ssh.error.loginRefused': '{target} refused the login (user {user}): none of the offered keys was accepted',
  'ssh.hint.loginRefused':
    'install your public key for {user} on the server: ssh-copy-id -p {port} {target} (or append it to ~{user}/.ssh/authorized_keys); root logins also need PermitRootLogin prohibit-password (or yes) in sshd_config; ha-setup never types passwords unless you run it at a terminal',
  'ssh.error.resolve': 'cannot resolve the host name {host}',
  'ssh.hint.resolve': 'check the spelling, /etc/hosts and DNS, or give the IP address instead',
  'ssh.error.unreachable': 'cannot reach {host} on port {port}: {reason}',
  'ssh.hint.unreachable':
    'check that the server is up and sshd listens on port {port} (on the server: ss -ltnp | grep sshd), and that no firewall or cloud security group blocks TCP {port} from here',
  'ssh.error.connection': 'ssh to {target} failed: {reason}',
  'ssh.hint.connection': 'run ssh -v -p {port} {target} true by hand to see where it stops',
  'ssh.error.timeout': 'ssh to {target} did not finish connecting within {seconds}s',
  'ssh.hint.timeout': 'the server accepted TCP but did not complete the ssh handshake: check sshd on it (journalctl -u ssh / sshd), its load and MaxStartups',
  'ssh.error.remote': '{op} {path} on {target} failed: {reason}',
  'ssh.op.read': 'reading',
  'ssh.op.write': 'writing',
  'ssh.op.append': 'appending to',
  'ssh.op.stat': 'inspecting',
  'ssh.op.list': 'listing',
  'ssh.op.remove': 'removing',
  'ssh.op.mkdir': 'creating directory',
  'ssh.op.exists': 'checking',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'ssh.target.accepted': 'host、user@host、user@host:port 或 user@[IPv6 地址]:port（主机名不能以“-”开头）',
  'ssh.arg.accepted': '不含 NUL 字节的参数',
  'ssh.path.accepted': '绝对路径，例如 /etc/keepalived/keepalived.conf',
  'ssh.error.clientMissing': '本机没有安装 ssh 客户端',
  'ssh.hint.clientMissing': '请安装：apt-get install openssh-client（Debian/Ubuntu）或 dnf install openssh-clients（RHEL 系）',
  'ssh.error.hostKeyUnknown': '{host} 的主机密钥未知：ssh 不会连接无法验证身份的服务器',
  'ssh.hint.hostKeyUnknown':
    '先在服务器上核对指纹（ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub），再添加密钥：ssh-keyscan -p {port} {host} >> {knownHosts}，并用 ssh-keygen -lf {knownHosts} 比对；或者先手动登录一次：ssh -p {port} {target}',
  'ssh.error.hostKeyChanged': '{host} 的主机密钥与 {knownHosts} 中记录的不一致',
  'ssh.hint.hostKeyChanged':
    '如果服务器是有意重装的，先删除旧密钥（ssh-keygen -f {knownHosts} -R {knownHostsName}），在服务器上核对新指纹后再添加；否则请停止操作：连接可能被劫持',
  'ssh.error.loginRefused': '{target} 拒绝登录（用户 {user}）：提供的密钥都未被接受',
  'ssh.hint.loginRefused':
    '把你的公钥装到服务器上的 {user} 账户：ssh-copy-id -p {port} {target}（或追加到 ~{user}/.ssh/authorized_keys）；root 登录还需要 sshd_config 中 PermitRootLogin prohibit-password（或 yes）；除非在终端中运行，ha-setup 不会输入密码',
  'ssh.error.resolve': '无法解析主机名 {host}',
  'ssh.hint.resolve': '检查拼写、/etc/hosts 和 DNS，或直接使用 IP 地址',
  'ssh.error.unreachable': '无法连接 {host} 的 {port} 端口：{reason}',
  'ssh.hint.unreachable':
    '确认服务器已开机且 sshd 监听 {port} 端口（在服务器上执行：ss -ltnp | grep sshd），并确认防火墙或云安全组没有拦截从本机到 TCP {port} 的连接',
  'ssh.error.connection': '通过 ssh 连接 {target} 失败：{reason}',
  'ssh.hint.connection': '手动执行 ssh -v -p {port} {target} true，查看在哪一步失败',
  'ssh.error.timeout': 'ssh 在 {seconds} 秒内未能完成到 {target} 的连接',
  'ssh.hint.timeout': '服务器接受了 TCP 连接但没有完成 ssh 握手：检查该机的 sshd（journalctl -u ssh / sshd）、负载和 MaxStartups 设置',
  'ssh.error.remote': '在 {target} 上{op} {path} 失败：{reason}',
  'ssh.op.read': '读取',
  'ssh.op.write': '写入',
  'ssh.op.append': '追加写入',
  'ssh.op.stat': '查看',
  'ssh.op.list': '列出',
  'ssh.op.remove': '删除',
  'ssh.op.mkdir': '创建目录',
  'ssh.op.exists': '检查',
};
