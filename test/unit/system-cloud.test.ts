import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { readCloud, type DmiStrings } from '../../src/system/cloud.js';
import { Gaps } from '../../src/system/gaps.js';
import { LocalHost } from '../../src/host/local.js';

/** A temporary root whose /sys/class/dmi/id holds these strings (with sysfs' trailing newline). */
async function cloudOf(dmi: Partial<DmiStrings>, gaps?: Gaps) {
  const root = tempDir();
  try {
    const dir = join(root, 'sys/class/dmi/id');
    mkdirSync(dir, { recursive: true });
    for (const [k, v] of Object.entries(dmi)) writeFileSync(join(dir, k), `${v}\n`);
    return await readCloud(new LocalHost(root), gaps);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// DMI evidence from the reference (§11, after cloud-init's ds-identify).
const CASES: Array<[string, Partial<DmiStrings>, string, boolean | null]> = [
  ['Alibaba Cloud ECS', { sys_vendor: 'Alibaba Cloud', product_name: 'Alibaba Cloud ECS' }, 'alibaba', false],
  ['Tencent CVM', { sys_vendor: 'Tencent Cloud', product_name: 'CVM' }, 'tencent', false],
  ['Huawei Cloud', { sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova', chassis_asset_tag: 'HUAWEICLOUD' }, 'huawei', null],
  ['AWS Nitro', { sys_vendor: 'Amazon EC2', product_name: 'm5.large' }, 'aws', false],
  ['AWS Xen by uuid', { sys_vendor: 'Xen', product_name: 'HVM domU', product_uuid: 'EC2E1916-9099-7CAF-FD21-012345ABCDEF' }, 'aws', false],
  ['AWS byte-swapped uuid', { sys_vendor: 'Xen', product_uuid: '16192eec-9990-af7c-fd21-012345abcdef' }, 'aws', false],
  ['AWS Xen by bios', { sys_vendor: 'Xen', bios_version: '4.2.amazon' }, 'aws', false],
  ['Azure', { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '7783-7084-3265-9085-8269-3286-77' }, 'azure', false],
  ['Hyper-V on premises is not Azure', { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: 'None' }, 'none', true],
  ['GCP', { sys_vendor: 'Google', product_name: 'Google Compute Engine' }, 'gcp', false],
  ['OpenStack', { sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova' }, 'openstack', null],
  ['Open Telekom Cloud', { chassis_asset_tag: 'OpenTelekomCloud' }, 'openstack', null],
  ['plain KVM', { sys_vendor: 'QEMU', product_name: 'Standard PC (i440FX + PIIX, 1996)' }, 'kvm', null],
  ['bare metal', { sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R740' }, 'none', true],
];
for (const [label, dmi, vendor, multicast] of CASES) {
  test(`cloud: ${label} -> ${vendor}, multicast ${multicast}`, async () => {
    const c = await cloudOf(dmi);
    assert.equal(c.vendor, vendor);
    assert.equal(c.multicast, multicast);
    if (vendor !== 'none') assert.ok(c.evidence && c.evidence.includes('='), 'says which field decided');
  });
}

test('no DMI at all: vendor and multicast are null and the gap is listed', async () => {
  const gaps = new Gaps();
  const root = tempDir();
  try {
    const c = await readCloud(new LocalHost(root), gaps);
    assert.deepEqual(c, { vendor: null, multicast: null, evidence: null });
    assert.deepEqual(gaps.list, [{ fact: 'cloud', reason: 'missing' }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
