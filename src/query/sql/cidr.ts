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
 *   download): there the address is spelt out as 32 hex digits, as
 *   parseAddress reads it, and compared as text between the block's first
 *   and last address.
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

/** The block's first or last address, as 16 bytes. */
function ipv6Bytes(block: CidrBlock, last: boolean): Uint8Array {
  const bytes = Uint8Array.from(block.bytes);
  for (let bit = block.bits; bit < 128; bit++) {
    const mask = 0x80 >> bit % 8;
    const k = Math.floor(bit / 8);
    bytes[k] = last ? bytes[k]! | mask : bytes[k]! & ~mask;
  }
  return bytes;
}

const hexDigits = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The first 96 bits of an IPv4-mapped address, as ipv6HexSql spells them. */
const MAPPED_HEX = '0'.repeat(20) + 'ffff';

/**
 * The IPv6 address a text value is, as query/cidr.ts parseAddress reads it, spelt as 32 lowercase
 * hex digits (so text order is address order); NULL when it is none. Brackets around it and a zone
 * after it are dropped; `::` stands for the zero groups the others leave; the last group of either
 * side of `::` may be a dotted IPv4 address (two groups). Whether a mapped address with a dotted
 * part is IPv4 instead is the caller's test. DuckDB SQL.
 */
function ipv6HexSql(x: string): string {
  const bare = `split_part(${unbracketed(x)}, '%', 1)`;
  const octets = [1, 2, 3, 4].map((k) => `TRY_CAST(split_part(part, '.', ${k}) AS INTEGER)`).join(', ');
  // Each group as 4 hex digits (a dotted last group as 8), NULL when malformed.
  const group =
    `CASE WHEN i = len(parts) AND strpos(part, '.') > 0 THEN CASE WHEN regexp_full_match(part, ${literal(DOTTED)}) THEN lower(printf('%02x%02x%02x%02x', ${octets})) END ` +
    `WHEN regexp_full_match(part, '[0-9a-fA-F]{1,4}') THEN lpad(lower(part), 4, '0') END`;
  // One side of `::` as hex digits; NULL when a group is malformed ('' for an empty side). `parts`
  // is bound to the side's groups so `group` can tell the last one.
  const side = (half: string): string =>
    `CASE WHEN ${half} = '' THEN '' ELSE list_transform([string_split(${half}, ':')], lambda parts: ` +
    `list_transform([list_transform(parts, lambda part, i: ${group})], lambda g: CASE WHEN len(list_filter(g, lambda y: y IS NULL)) = 0 THEN array_to_string(g, '') END)[1])[1] END`;
  const joined =
    'CASE WHEN len(halves) = 1 THEN CASE WHEN length(s[1]) = 32 THEN s[1] END ' +
    "WHEN length(s[1]) + length(s[2]) <= 28 THEN s[1] || repeat('0', 32 - length(s[1]) - length(s[2])) || s[2] END";
  return (
    `CASE WHEN length(${x}) BETWEEN 2 AND ${MAX_ADDRESS_TEXT} AND length(${bare}) >= 2 AND regexp_full_match(${bare}, '[0-9a-fA-F:.]+') ` +
    `THEN list_transform([string_split(${bare}, '::')], lambda halves: CASE WHEN len(halves) <= 2 THEN ` +
    `list_transform([[${side('halves[1]')}, CASE WHEN len(halves) = 2 THEN ${side('halves[2]')} ELSE '' END]], lambda s: ${joined})[1] END)[1] END`
  );
}

/** The block's first or last address, written out in full (8 groups). */
function ipv6Bound(block: CidrBlock, last: boolean): string {
  const bytes = ipv6Bytes(block, last);
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
  if (d.name === 'duckdb') {
    const [low, high] = [false, true].map((last) => hexDigits(ipv6Bytes(block, last)));
    return d.anyMatch(d.array([ipv6HexSql(x)]), 'hex', `hex BETWEEN ${literal(low!)} AND ${literal(high!)} AND NOT (strpos(${x}, '.') > 0 AND starts_with(hex, ${literal(MAPPED_HEX)}))`);
  }
  // Brackets and a zone (fe80::1%eth0) are not part of the address (query/cidr.ts).
  const bare = `split_part(${unbracketed(x)}, '%', 1)`;
  return (
    `CASE WHEN strpos(${x}, ':') > 0 AND length(${x}) <= ${MAX_ADDRESS_TEXT} AND NOT ${isMappedDotted(d, x)} ` +
    `THEN TRY_CAST(${bare} AS IPADDRESS) BETWEEN IPADDRESS ${literal(ipv6Bound(block, false))} AND IPADDRESS ${literal(ipv6Bound(block, true))} END`
  );
}
