/** CIDR blocks for the SQL compiler: IPv4 as a numeric range, IPv6 checked and passed on as text. */
import { isIPv4, isIPv6 } from 'node:net';

/** The first and last address of an IPv4 block as numbers; null when `cidr` is not an IPv4 block. */
export function ipv4Range(cidr: string): { low: number; high: number } | null {
  const [address, bits = '32', extra] = cidr.split('/');
  if (extra !== undefined || address === undefined || !isIPv4(address) || !/^\d{1,2}$/.test(bits)) return null;
  const prefix = Number(bits);
  if (prefix > 32) return null;
  const value = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  const low = Math.floor(value / size) * size;
  return { low, high: low + size - 1 };
}

/** The block as `address/bits` when it is a valid IPv6 block, else null. */
export function ipv6Cidr(cidr: string): string | null {
  const [address, bits = '128', extra] = cidr.split('/');
  if (extra !== undefined || address === undefined || !isIPv6(address) || !/^\d{1,3}$/.test(bits) || Number(bits) > 128) return null;
  return `${address}/${Number(bits)}`;
}
