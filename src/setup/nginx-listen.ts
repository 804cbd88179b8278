import type { Host } from '../host/types.js';

const NGINX_CONFIG_DIRS = ['/etc/nginx/conf.d', '/etc/nginx/sites-enabled', '/etc/nginx/default.d'];

/**
 * Does nginx listen on this address explicitly (`listen 192.0.2.50:80;`)? Then the node
 * that does not hold the VIP cannot start nginx without ip_nonlocal_bind.
 */
export async function nginxListensOn(host: Host, address: string): Promise<boolean> {
  const files = ['/etc/nginx/nginx.conf'];
  for (const dir of NGINX_CONFIG_DIRS) for (const name of await host.readDir(dir)) files.push(`${dir}/${name}`);
  const escaped = address.replace(/[.:]/g, (c) => `\\${c}`);
  const pattern = new RegExp(`^\\s*listen\\s+\\[?${escaped}\\]?(:\\d+)?[\\s;]`, 'm');
  for (const file of files) {
    const text = await host.readFile(file);
    if (text && pattern.test(text.replace(/#.*$/gm, ''))) return true;
  }
  return false;
}
