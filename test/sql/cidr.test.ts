/**
 * `ip:` blocks in SQL (src/query/sql/cidr.ts) against the in-memory test
 * (query/cidr.ts cidrTester), value by value: IPv4 blocks run by DuckDB for
 * real over plain, mapped, bracketed, zoned and malformed spellings; IPv6
 * blocks the same on DuckDB, and on Athena by their bounds.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidrTester, inBlock, parseAddress, parseCidr } from '../../src/query/cidr.js';
import { ATHENA, DUCKDB, literal } from '../../src/query/sql/dialect.js';
import { cidrSql } from '../../src/query/sql/cidr.js';
import { SqlCompileError } from '../../src/query/sql/schema.js';
import { int, pick, rng } from '../support/random.js';

const IPV4_BLOCKS = ['10.0.0.0/8', '203.0.113.0/24', '192.168.1.128/25', '0.0.0.0/0', '1.2.3.4', '10.1.2.3/32', '::ffff:10.0.0.0/104', '::FFFF:203.0.113.0/120'];

const WRITTEN = [
  '10.1.2.3',
  '010.1.2.3',
  '10.1.2',
  '10.1.2.3.4',
  ' 10.1.2.3',
  '10.1.2.3 ',
  '::ffff:10.1.2.3',
  '::FFFF:10.1.2.3',
  '[::ffff:10.1.2.3]',
  '::ffff:10.1.2.3%eth0',
  '[::ffff:10.1.2.3%eth0]',
  '::ffff:10.1.2.3%1.2.3.4',
  '0:0:0:0:0:ffff:10.1.2.3',
  '0000:0:0:0:0:ffff:10.1.2.3',
  '0::ffff:10.1.2.3',
  '::0:ffff:10.1.2.3',
  '0:0::0:0:ffff:10.1.2.3',
  '0:0:0::0:0:ffff:10.1.2.3',
  '::0:0:0:0:0:ffff:10.1.2.3',
  '::ffff:a01:203',
  '::10.1.2.3',
  '64:ff9b::10.1.2.3',
  '::ffff:0:10.1.2.3',
  '::ffff:010.1.2.3',
  '[10.1.2.3]',
  '10.1.2.3%eth0',
  '::ffff:10.1.2.3]',
  '[::ffff:10.1.2.3',
  'ec2.amazonaws.com',
  'AWS Internal',
  '',
  '203.0.113.77',
  '::ffff:203.0.113.9',
  '[0:0:0:0:0:FFFF:203.0.113.255%x]',
  '203.0.114.1',
  '[::ffff:192.168.1.129]',
  '0::ffff:192.168.1.255',
  '::ffff:1.2.3.4%eth0',
  '::0:ffff:1.2.3.4',
  '192.168.1.200',
  '192.168.1.100',
  '1.2.3.4',
  '1.2.3.5',
  '255.255.255.255',
  '0.0.0.0',
  `::ffff:10.1.2.3%${'z'.repeat(60)}`,
];

/** Seeded spellings: octets near the edges, mapped prefixes of every shape, brackets and zones. */
function randomValues(count: number): string[] {
  const random = rng(18);
  const octet = () => String(pick(random, [0, 1, 9, 10, 99, 100, 113, 127, 128, 168, 192, 199, 200, 203, 249, 250, 255, 256, int(random, 0, 300)]));
  const quad = () => [octet(), octet(), octet(), octet()].join('.');
  const zero = () => pick(random, ['0', '00', '000', '0000']);
  const prefix = () => {
    const h = int(random, 0, 5);
    const t = int(random, 0, 5);
    const head = Array.from({ length: h }, zero).join(':');
    const tail = Array.from({ length: t }, zero).map((z) => `${z}:`).join('');
    const compressed = h === 0 ? `::${tail}` : `${head}::${tail}`;
    return pick(random, [`${Array.from({ length: 5 }, zero).join(':')}:`, compressed]) + pick(random, ['ffff', 'FFFF', 'fFfF', 'fff', 'ffff0']) + ':';
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let value = pick(random, [quad(), quad(), `${prefix()}${quad()}`, `${prefix()}${quad()}`, `::${quad()}`]);
    if (random() < 0.2) value += `%${pick(random, ['eth0', '1', '1.2.3.4', ''])}`;
    if (random() < 0.2) value = `[${value}]`;
    if (random() < 0.05) value = value.slice(1);
    out.push(value);
  }
  return out;
}

/** An in-memory DuckDB opened before the enclosing describe block's tests and closed after them. */
function duckDbForThisBlock(): () => DuckDBConnection {
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
  });
  return () => connection!;
}

/** The values DuckDB keeps under the block's SQL (cidrSql), in their order. */
async function selectedByDuckDb(connection: DuckDBConnection, values: readonly string[], cidr: string): Promise<string[]> {
  const rows = values.map((v, k) => `(${k}, ${literal(v)})`).join(', ');
  const result = await connection.runAndReadAll(`SELECT k FROM (VALUES ${rows}) t(k, v) WHERE coalesce(${cidrSql(DUCKDB, 'v', cidr)}, false) ORDER BY k`);
  return result.getRows().map(([k]) => values[Number(k)]!);
}

describe('ip: IPv4 blocks on DuckDB = in memory, value by value', () => {
  const duckdb = duckDbForThisBlock();

  const values = [...WRITTEN, ...randomValues(1_500)];

  it.each(IPV4_BLOCKS)('%s', async (cidr) => {
    const block = parseCidr(cidr);
    expect(block && !block.v6).toBe(true);
    const inMemory = cidrTester(block!);
    const selected = await selectedByDuckDb(duckdb(), values, cidr);
    const expected = values.filter((v) => inMemory(v));
    expect(selected).toEqual(expected);
    // Not trivially empty or everything: the spellings tell the engines apart.
    if (cidr !== '0.0.0.0/0') expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(values.length);
  });

  it('holds the mapped spellings that query/cidr.ts reads as IPv4, and no IPv6 ones', () => {
    const inTen = cidrTester(parseCidr('10.0.0.0/8')!);
    expect(['::ffff:10.1.2.3', '[::ffff:10.1.2.3%eth0]', '0:0::0:0:ffff:10.1.2.3'].every(inTen)).toBe(true);
    expect(['::ffff:a01:203', '::10.1.2.3', '0:0:0::0:0:ffff:10.1.2.3', '64:ff9b::10.1.2.3'].some(inTen)).toBe(false);
  });

  it('refuses what is not a block', () => {
    expect(() => cidrSql(DUCKDB, 'v', 'not/a/block')).toThrow(SqlCompileError);
    expect(() => cidrSql(DUCKDB, 'v', 'not/a/block')).toThrow(/not a CIDR block/);
  });
});

const IPV6_BLOCKS = ['2001:db8::/32', '::/0', 'fe80::/10', '::1/128', '::ffff:0:0/96', '2001:db8:abcd:1234::/57', '64:ff9b::/96', '::/64', '2001:DB8::ABCD/128', '0:0:0:0:0:ffff:a01:0/120'];

const WRITTEN_V6 = [
  '2001:db8::1',
  '2001:DB8::1',
  '2001:0db8:0000:0000:0000:0000:0000:0001',
  '2001:db8:0:0:0:0:0:1',
  '[2001:db8::1]',
  '2001:db8::1%eth0',
  '[2001:db8::1%eth0]',
  '[2001:db8::1]%eth0',
  '2001:db8::1]',
  '::',
  '::1',
  '1::',
  ':::',
  '::1::',
  '2001:db8:::1',
  ':2001:db8::1',
  '2001:db8::1:',
  '2001:db8:0:0:0:0:0:0:1',
  '2001:db8:0:0:0:0:1',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8',
  '12345::1',
  'g::1',
  '::ffff:a01:203',
  '::ffff:10.1.2.3',
  '::ffff:10.1.2.3%eth0.1',
  '64:ff9b::10.1.2.3',
  '64:ff9b::010.1.2.3',
  '64:ff9b::10.1.2.256',
  '::10.1.2.3',
  '1.2.3.4::',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  '::1.2.3.4:5',
  'fe80::1ff:fe23:4567:890a',
  'fe80::',
  'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fec0::',
  '10.1.2.3',
  'AWS Internal',
  '',
  ':',
  `2001:db8::1%${'z'.repeat(60)}`,
];

/** Seeded IPv6 spellings: groups of 1-4 digits, any case, `::` anywhere, dotted tails, brackets, zones, and broken ones. */
function randomV6(count: number): string[] {
  const random = rng(61);
  const group = () => pick(random, ['0', '0', '1', 'ff', 'ffff', 'FFFF', 'db8', '2001', 'fe80', 'a', 'abcd', int(random, 0, 0xffff).toString(16), '12345', 'g']);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const n = int(random, 1, 9);
    const groups = Array.from({ length: n }, group);
    if (random() < 0.2) groups[n - 1] = pick(random, ['1.2.3.4', '10.1.2.3', '255.255.255.255', '01.2.3.4', '1.2.3']);
    let value = groups.join(':');
    if (random() < 0.7) {
      const at = int(random, 0, n);
      value = `${groups.slice(0, at).join(':')}::${groups.slice(at).join(':')}`;
    }
    if (random() < 0.15) value += `%${pick(random, ['eth0', '1', '1.2', ''])}`;
    if (random() < 0.15) value = `[${value}]`;
    if (random() < 0.05) value = value.slice(1);
    out.push(value);
  }
  return out;
}

describe('ip: IPv6 blocks on DuckDB = in memory, value by value', () => {
  const duckdb = duckDbForThisBlock();

  const values = [...WRITTEN_V6, ...randomV6(3_000)];

  it.each(IPV6_BLOCKS)('%s', async (cidr) => {
    const block = parseCidr(cidr);
    expect(block?.v6).toBe(true);
    const inMemory = cidrTester(block!);
    const selected = await selectedByDuckDb(duckdb(), values, cidr);
    expect(selected).toEqual(values.filter((v) => inMemory(v)));
  });

  it('tells the spellings apart (the comparison is not trivial)', () => {
    const all = cidrTester(parseCidr('::/0')!);
    const held = values.filter((v) => all(v)).length;
    expect(held).toBeGreaterThan(values.length / 5);
    expect(held).toBeLessThan(values.length - 100);
  });
});

describe('ip: IPv6 blocks on Athena', () => {
  const bounds = (sql: string): [string, string] => {
    const m = /BETWEEN IPADDRESS '([^']*)' AND IPADDRESS '([^']*)'/.exec(sql);
    expect(m).not.toBeNull();
    return [m![1]!, m![2]!];
  };

  it('compares Trino IPADDRESS values between the block first and last address, never contains()', () => {
    const sql = cidrSql(ATHENA, 'sourceipaddress', '2001:db8::/32');
    expect(sql).not.toContain('contains(');
    expect(bounds(sql)).toEqual(['2001:db8:0:0:0:0:0:0', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']);
    expect(bounds(cidrSql(ATHENA, 'x', '::ffff:0:0/96'))).toEqual(['0:0:0:0:0:ffff:0:0', '0:0:0:0:0:ffff:ffff:ffff']);
    expect(bounds(cidrSql(ATHENA, 'x', 'fe80::1/128'))).toEqual(['fe80:0:0:0:0:0:0:1', 'fe80:0:0:0:0:0:0:1']);
    expect(bounds(cidrSql(ATHENA, 'x', '2001:db8:abcd:1234::/57'))).toEqual(['2001:db8:abcd:1200:0:0:0:0', '2001:db8:abcd:127f:ffff:ffff:ffff:ffff']);
  });

  it('sends a block written ::ffff:a.b.c.d/N down the IPv4 path, as query/cidr.ts reads it', () => {
    const sql = cidrSql(ATHENA, 'x', '::ffff:10.0.0.0/104');
    expect(sql).not.toContain('IPADDRESS');
    expect(sql).toContain('BETWEEN 167772160 AND 184549375');
  });

  it('puts exactly the block addresses between the bounds (seeded addresses, in-memory inBlock)', () => {
    const random = rng(6);
    const toBig = (text: string): bigint => {
      const bytes = parseAddress(text)!.bytes;
      return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
    };
    for (let k = 0; k < 300; k++) {
      const groups = Array.from({ length: 8 }, () => int(random, 0, 0xffff).toString(16));
      const bits = int(random, 0, 128);
      const cidr = `${groups.join(':')}/${bits}`;
      const block = parseCidr(cidr)!;
      const [low, high] = bounds(cidrSql(ATHENA, 'x', cidr)).map(toBig) as [bigint, bigint];
      for (let j = 0; j < 20; j++) {
        const probe = Array.from({ length: 8 }, (_, g) => (random() < 0.7 ? groups[g]! : int(random, 0, 0xffff).toString(16))).join(':');
        const value = toBig(probe);
        expect(value >= low && value <= high, `${probe} in ${cidr}`).toBe(inBlock(parseAddress(probe)!, block));
      }
    }
  });
});
