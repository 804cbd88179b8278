import { sameValueCheck } from './same.js';

/** keepalived logs "advertisement interval mismatch" and each side times the other out on its own interval. */
export const sameAdvertInt = sameValueCheck({
  id: 'pair-same-advert-int',
  title: 'pair.doctor.advertInt.title',
  value: (n) => String(n.instance.advertInt ?? 1),
  consequence: 'pair.doctor.advertInt.consequence',
});
