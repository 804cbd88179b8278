import type { Host } from '../host/types.js';
import { isPermissionError, type Gaps } from './gaps.js';

export type CloudVendor = 'alibaba' | 'tencent' | 'huawei' | 'aws' | 'azure' | 'gcp' | 'openstack' | 'kvm' | 'none';

export interface DmiStrings {
  sys_vendor: string | null;
  product_name: string | null;
  chassis_asset_tag: string | null;
  bios_version: string | null;
  product_uuid: string | null;
}

export interface CloudFacts {
  /** null when no DMI data could be read at all (containers, some ARM boards, no root dir). */
  vendor: CloudVendor | null;
  /**
   * Can VRRP use multicast here? false on clouds whose networks are known to drop it,
   * true off-cloud, null when nobody knows (Huawei Cloud, OpenStack, plain KVM, no DMI).
   */
  multicast: boolean | null;
  /** The DMI field and value that decided, e.g. "sys_vendor=Alibaba Cloud". */
  evidence: string | null;
}

export const DMI_FIELDS = ['sys_vendor', 'product_name', 'chassis_asset_tag', 'bios_version', 'product_uuid'] as const;

/** Clouds whose networks drop multicast (and usually gratuitous ARP): reference §11. */
const NO_MULTICAST: ReadonlySet<CloudVendor> = new Set(['aws', 'azure', 'gcp', 'alibaba', 'tencent']);

export function multicastFor(vendor: CloudVendor | null): boolean | null {
  if (vendor === null) return null;
  if (NO_MULTICAST.has(vendor)) return false;
  if (vendor === 'none') return true;
  return null;
}

const AZURE_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';
const OPENSTACK_ASSET_TAGS = ['OpenTelekomCloud', 'SAP CCloud VM', 'Samsung Cloud Platform'];

/**
 * Which cloud the DMI strings point at. The rules follow cloud-init's ds-identify
 * (reference §11); asset tags are checked first because they are the most specific.
 */
export function classifyCloud(dmi: DmiStrings): CloudFacts {
  const hit = (vendor: CloudVendor, field: keyof DmiStrings): CloudFacts => ({
    vendor,
    multicast: multicastFor(vendor),
    evidence: `${field}=${dmi[field]}`,
  });
  const eq = (a: string | null, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  if (DMI_FIELDS.every((f) => dmi[f] === null)) return { vendor: null, multicast: null, evidence: null };
  if (eq(dmi.chassis_asset_tag, AZURE_ASSET_TAG)) return hit('azure', 'chassis_asset_tag');
  if (eq(dmi.chassis_asset_tag, 'HUAWEICLOUD')) return hit('huawei', 'chassis_asset_tag');
  if (OPENSTACK_ASSET_TAGS.some((t) => eq(dmi.chassis_asset_tag, t))) return hit('openstack', 'chassis_asset_tag');
  if (eq(dmi.product_name, 'Alibaba Cloud ECS')) return hit('alibaba', 'product_name');
  if (eq(dmi.sys_vendor, 'Alibaba Cloud')) return hit('alibaba', 'sys_vendor');
  // Tencent's strings are not in cloud-init; both have been reported by users (unverified).
  if (eq(dmi.sys_vendor, 'Tencent Cloud')) return hit('tencent', 'sys_vendor');
  if (eq(dmi.sys_vendor, 'Amazon EC2')) return hit('aws', 'sys_vendor');
  // EC2 UUIDs start "ec2"; some firmware prints the first field byte-swapped (xxxx2xec).
  if (dmi.product_uuid && /^(ec2|[0-9a-f]{4}2[0-9a-f]ec)/i.test(dmi.product_uuid)) return hit('aws', 'product_uuid');
  if (dmi.bios_version && /amazon/i.test(dmi.bios_version)) return hit('aws', 'bios_version');
  if (eq(dmi.product_name, 'Google Compute Engine') || eq(dmi.product_name, 'Google')) return hit('gcp', 'product_name');
  if (eq(dmi.sys_vendor, 'Google')) return hit('gcp', 'sys_vendor');
  if (/^OpenStack/i.test(dmi.product_name ?? '')) return hit('openstack', 'product_name');
  if (/^OpenStack/i.test(dmi.sys_vendor ?? '')) return hit('openstack', 'sys_vendor');
  if (/KVM/i.test(dmi.product_name ?? '')) return hit('kvm', 'product_name');
  if (/^QEMU/i.test(dmi.sys_vendor ?? '')) return hit('kvm', 'sys_vendor');
  return { vendor: 'none', multicast: true, evidence: null };
}

/** DMI strings from <root>/sys/class/dmi/id. product_uuid is root-only: a gap without root. */
export async function readDmi(host: Host, gaps?: Gaps): Promise<DmiStrings> {
  const dmi = {} as DmiStrings;
  for (const field of DMI_FIELDS) {
    try {
      const text = await host.readFile(`/sys/class/dmi/id/${field}`);
      dmi[field] = text === null ? null : text.trim() || null;
    } catch (e) {
      dmi[field] = null;
      gaps?.add(`cloud.${field}`, isPermissionError(e) ? 'permission' : 'unparsed');
    }
  }
  return dmi;
}

export async function readCloud(host: Host, gaps?: Gaps): Promise<CloudFacts> {
  const cloud = classifyCloud(await readDmi(host, gaps));
  if (cloud.vendor === null) gaps?.add('cloud', 'missing');
  return cloud;
}
