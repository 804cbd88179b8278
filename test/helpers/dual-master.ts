/**
 * A dual-master pair's two configs from a real one: ../shared/samples/tutorial-001-4.conf
 * (VI_1 MASTER 150 vrid 55, VI_2 BACKUP 100 vrid 56, on eth0, one VIP each) with one nginx
 * check of weight 0 tracked by both instances, as a dual-master node tracks it; and its
 * mirror for the other node (the roles the other way round).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesDir } from './paths.js';

const CHECK = 'vrrp_script chk_nginx {\n    script "/etc/keepalived/check_nginx.sh"\n    interval 2\n    weight 0\n}\n';
const TRACK = '    track_script {\n        chk_nginx\n    }\n    virtual_ipaddress {';

/** The VIPs of the sample: VI_1's and VI_2's. */
export const DUAL_VIPS = { VI_1: '10.20.0.249/24', VI_2: '10.20.0.248/24' } as const;

/** The first node's config: MASTER of VI_1, BACKUP of VI_2. */
export function dualMasterA(weight = 0): string {
  const check = CHECK.replace('weight 0', `weight ${weight}`);
  return readFileSync(join(samplesDir, 'tutorial-001-4.conf'), 'utf8').replace('vrrp_instance VI_1', `${check}\nvrrp_instance VI_1`).replaceAll('    virtual_ipaddress {', TRACK);
}

/** The other node: BACKUP 100 of VI_1, MASTER 150 of VI_2. */
export function dualMasterB(a = dualMasterA()): string {
  return a
    .replace(/state MASTER(\s+interface eth0\s+virtual_router_id 55\s+)priority 150/, 'state BACKUP$1priority 100')
    .replace(/state BACKUP(\s+interface eth0\s+virtual_router_id 56\s+)priority 100/, 'state MASTER$1priority 150');
}
