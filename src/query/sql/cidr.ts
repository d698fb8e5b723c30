/**
 * `ip:` CIDR blocks as SQL, with query/cidr.ts (parseCidr, parseAddress) as
 * the one definition of what an address is and which block holds it:
 *
 * - an IPv4 block holds dotted quads, and IPv6 spellings of an IPv4-mapped
 *   address whose IPv4 part is dotted (`::ffff:10.1.2.3`, in brackets or
 *   with a zone too); both engines compare the quad's number;
 * - an IPv6 block holds every other IPv6 address (a mapped one written in
 *   hex included): on Athena by Trino's IPADDRESS between the block's first
 *   and last address. Not `contains(block, address)`: Trino reads a block
 *   written `::ffff:a.b.c.d/N` as an IPv4 one and fails the query on its
 *   prefix length, and older Trino fails on an IPv4 address against an IPv6
 *   block. DuckDB has no address type without the inet extension (a
 *   download), so there an IPv6 block is refused, not answered differently.
 */
import { parseCidr, type CidrBlock } from '../cidr.js';
import { literal, type Dialect } from './dialect.js';
import { SqlCompileError } from './schema.js';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const DOTTED = `${OCTET}(\\.${OCTET}){3}`;

/**
 * The spellings of the IPv4-mapped prefix (five zero groups, then ffff) that query/cidr.ts parses:
 * written out, or with `::` standing for one or more of the zero groups (h before it, t after, h + t <= 4).
 */
function mappedPrefix(): string {
  const zero = '0{1,4}:';
  const spellings = [`(${zero}){5}`];
  for (let h = 0; h <= 4; h++) {
    for (let t = 0; h + t <= 4; t++) spellings.push(`${h === 0 ? '::' : `(${zero}){${h}}:`}${t > 0 ? `(${zero}){${t}}` : ''}`);
  }
  return `(${spellings.join('|')})[fF]{4}:`;
}

/** parseAddress reads at most this many characters. */
const MAX_ADDRESS_TEXT = 64;

/** The value without the brackets an IPv6 address may be written in (query/cidr.ts parseAddress drops them). */
const unbracketed = (x: string): string => `CASE WHEN ${x} LIKE '[%]' THEN substr(${x}, 2, length(${x}) - 2) ELSE ${x} END`;

/** A value that is an IPv4-mapped address with its IPv4 part dotted (a zone after it is not part of it): parseAddress makes it that IPv4 address. */
function isMappedDotted(d: Dialect, x: string): string {
  return `(length(${x}) <= ${MAX_ADDRESS_TEXT} AND ${d.regexSearch(unbracketed(x), literal(`^${mappedPrefix()}${DOTTED}(%.*)?$`))})`;
}

/** The block's first and last address as the number of an IPv4 address. */
function ipv4Bounds(block: CidrBlock): { low: number; high: number } {
  const value = [...block.bytes].reduce((n, byte) => n * 256 + byte, 0);
  const size = 2 ** (32 - block.bits);
  const low = Math.floor(value / size) * size;
  return { low, high: low + size - 1 };
}

/** The block's first or last address, written out in full (8 groups). */
function ipv6Bound(block: CidrBlock, last: boolean): string {
  const bytes = Uint8Array.from(block.bytes);
  for (let bit = block.bits; bit < 128; bit++) {
    const mask = 0x80 >> bit % 8;
    const k = Math.floor(bit / 8);
    bytes[k] = last ? bytes[k]! | mask : bytes[k]! & ~mask;
  }
  const groups: string[] = [];
  for (let k = 0; k < 16; k += 2) groups.push(((bytes[k]! << 8) | bytes[k + 1]!).toString(16));
  return groups.join(':');
}

/** Whether the text value `x` is an address in the block `cidr` (the `cidr` ValueMatch of ast.ts). */
export function cidrSql(d: Dialect, x: string, cidr: string): string {
  const block = parseCidr(cidr);
  if (!block) throw new SqlCompileError(`not a CIDR block: ${cidr}`);
  if (!block.v6) {
    const { low, high } = ipv4Bounds(block);
    // The first dotted quad of a mapped spelling is its IPv4 part: the prefix before it has no dot.
    const quad = `CASE WHEN ${d.regexSearch(x, literal(`^${DOTTED}$`))} THEN ${x} WHEN ${isMappedDotted(d, x)} THEN regexp_extract(${x}, '[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+') END`;
    // The quad is written once, bound by a one-element list's lambda, and read four times.
    const number = [1, 2, 3, 4].map((k, i) => `${d.tryBigint(`split_part(quad, '.', ${k})`)} * ${256 ** (3 - i)}`).join(' + ');
    return d.anyMatch(d.array([quad]), 'quad', `(${number}) BETWEEN ${low} AND ${high}`);
  }
  if (d.name !== 'athena') throw new SqlCompileError('IPv6 CIDR blocks are not supported on DuckDB yet');
  // Brackets and a zone (fe80::1%eth0) are not part of the address (query/cidr.ts).
  const bare = `split_part(${unbracketed(x)}, '%', 1)`;
  return (
    `CASE WHEN strpos(${x}, ':') > 0 AND length(${x}) <= ${MAX_ADDRESS_TEXT} AND NOT ${isMappedDotted(d, x)} ` +
    `THEN TRY_CAST(${bare} AS IPADDRESS) BETWEEN IPADDRESS ${literal(ipv6Bound(block, false))} AND IPADDRESS ${literal(ipv6Bound(block, true))} END`
  );
}
