import { sameValueCheck } from './same.js';

/**
 * keepalived compares only the first 8 characters of auth_pass; a difference makes each
 * node drop the other's adverts, both become MASTER: split brain.
 */
export const sameAuth = sameValueCheck({
  id: 'pair-same-auth',
  title: 'pair.doctor.auth.title',
  value: (n) => {
    const a = n.instance.authentication;
    return a ? `${a.authType ?? '-'} ${(a.authPass ?? '').slice(0, 8)}` : 'none';
  },
  show: (v, p) => {
    if (p.a.options.showSecrets) return v;
    const [type, pass] = v.split(' ');
    return pass === undefined ? v : `${type} ${'*'.repeat(pass.length)}`;
  },
  consequence: 'pair.doctor.auth.consequence',
});
