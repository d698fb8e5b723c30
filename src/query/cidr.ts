/**
 * IPv4 and IPv6 addresses and CIDR blocks, for the `cidr` ValueMatch of
 * ast.ts. An IPv4-mapped IPv6 address written with its IPv4 part dotted
 * (::ffff:10.1.2.3) is that IPv4 address; in hex (::ffff:a01:203) it stays
 * IPv6, so an IPv4 address always holds its dotted text (prefilter.ts).
 * Addresses are 16-byte arrays; IPv4 ones are marked so v4 blocks only hold
 * v4 addresses and v6 blocks only v6 ones.
 */

export interface Address {
  readonly v6: boolean;
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
}

export interface CidrBlock extends Address {
  /** Leading bits that must agree. */
  readonly bits: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): Uint8Array | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const bytes = new Uint8Array(4);
  for (let k = 0; k < 4; k++) {
    const part = m[k + 1]!;
    if (part.length > 1 && part[0] === '0') return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes[k] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  const percent = text.indexOf('%');
  if (percent >= 0) text = text.slice(0, percent);
  if (text.length < 2 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k]!;
      if (k === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
      out.push(parseInt(part, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return null;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 8; k++) {
    bytes[2 * k] = all[k]! >> 8;
    bytes[2 * k + 1] = all[k]! & 0xff;
  }
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let k = 0; k < 10; k++) if (bytes[k] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** An IPv4 or IPv6 address; null for anything else (host names, AWS service names). */
export function parseAddress(text: string): Address | null {
  if (text.length < 2 || text.length > 64) return null;
  const v4 = parseIpv4(text);
  if (v4) return { v6: false, bytes: v4 };
  const v6 = parseIpv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
  if (!v6) return null;
  return isV4Mapped(v6) && text.includes('.') ? { v6: false, bytes: v6.slice(12) } : { v6: true, bytes: v6 };
}

/** `10.0.0.0/8`, `2001:db8::/32`; an address without /bits is a block of one. Null when not a block. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.lastIndexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return null;
  const max = address.bytes.length * 8;
  if (slash < 0) return { ...address, bits: max };
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  let bits = Number(bitsText);
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8.
  if (!address.v6 && text.slice(0, slash).includes(':')) bits -= 96;
  if (bits < 0 || bits > max) return null;
  return { ...address, bits };
}

export function inBlock(address: Address, block: CidrBlock): boolean {
  if (address.v6 !== block.v6) return false;
  const a = address.bytes;
  const b = block.bytes;
  let bits = block.bits;
  for (let k = 0; bits > 0; k++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[k]! & mask) !== (b[k]! & mask)) return false;
  }
  return true;
}

/** A test of text values against a block: false for values that are not addresses. */
export function cidrTester(block: CidrBlock): (value: string) => boolean {
  return (value) => {
    const address = parseAddress(value);
    return address !== null && inBlock(address, block);
  };
}

/** Whether a term value looks like a CIDR block (has a / and parses), so `ip:10.0.0.0/8` is a block, not a name. */
export function looksLikeCidr(text: string): boolean {
  return text.includes('/') && parseCidr(text) !== null;
}
