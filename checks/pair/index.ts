/** Every pair check, in the order they are reported. */
import type { PairCheck } from './types.js';
import { sameVrid } from './same-vrid.js';
import { sameAuth } from './same-auth.js';
import { sameAdvertInt } from './same-advert-int.js';
import { sameVrrpVersion } from './same-vrrp-version.js';
import { sameVips } from './same-vips.js';
import { priorities } from './priorities.js';
import { nopreempt } from './nopreempt.js';
import { unicastPeers } from './unicast-peers.js';
import { election } from './election.js';
import { vipHolder } from './vip-holder.js';
import { keepalivedVersions } from './keepalived-versions.js';
import { clock } from './clock.js';

export const pairChecks: readonly PairCheck[] = [sameVrid, sameAuth, sameAdvertInt, sameVrrpVersion, sameVips, priorities, nopreempt, unicastPeers, election, vipHolder, keepalivedVersions, clock];
