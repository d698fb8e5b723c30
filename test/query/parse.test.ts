import { describe, expect, it } from 'vitest';
import { compileQuery, type QueryError } from '../../src/query/index.js';
import { makeRow } from './rows.js';

function errorOf(query: string): QueryError {
  const result = compileQuery(query, { now: Date.UTC(2024, 2, 5) });
  if (result.ok) throw new Error(`expected '${query}' to fail`);
  return result.error;
}

describe('bad queries', () => {
  it('unknown field: position of the field, with a did-you-mean', () => {
    const error = errorOf('name:GetObject nmae:x');
    expect(error.message).toBe("unknown field 'nmae'");
    expect(error.position).toBe(15);
    expect(error.hint).toContain('name:');
  });

  it('unknown field after a negation points at the field, not the dash', () => {
    const error = errorOf('  -usr:bob');
    expect(error.position).toBe(3);
    expect(error.hint).toContain('user:');
  });

  it('unknown field far from any known one lists the fields', () => {
    const error = errorOf('zzzzzzzz:1');
    expect(error.position).toBe(0);
    expect(error.hint).toContain('fields:');
    expect(error.hint).toContain('eventtype');
  });

  it('empty value', () => {
    const error = errorOf('region:us-east-1 name: ip:1');
    expect(error.message).toContain('empty value');
    expect(error.position).toBe(17);
    expect(errorOf('user:""').position).toBe(0);
  });

  it('bad duration', () => {
    const error = errorOf('name:x since:30x');
    expect(error.message).toBe("bad duration '30x'");
    expect(error.position).toBe(13);
    expect(errorOf('until:3').message).toBe("bad duration '3'");
    expect(errorOf('since:m').message).toBe("bad duration 'm'");
  });

  it('bad time', () => {
    for (const bad of ['2024-13-01', '2024-02-30', '2024-03-05T25:00Z', '2024-03-05T14:61Z', '2024-03-05T14:00+15:00', '2024-3-5', '05/03/2024']) {
      const error = errorOf(`from:${bad}`);
      expect(error.message, bad).toBe(`bad time '${bad}'`);
      expect(error.position).toBe(5);
    }
  });

  it('unterminated quote: position of the opening quote', () => {
    const error = errorOf('name:GetObject user:"alice');
    expect(error.message).toBe('unterminated quote');
    expect(error.position).toBe(20);
    expect(errorOf('"abc \\"').position).toBe(0);
  });

  it('readonly must be true or false', () => {
    const error = errorOf('readonly:yes');
    expect(error.message).toContain('true or false');
    expect(error.position).toBe(9);
    expect(errorOf('readonly:*').position).toBe(9);
  });

  it('time terms cannot be negated', () => {
    const error = errorOf('name:x -since:2h');
    expect(error.position).toBe(7);
    expect(error.hint).toContain('until:');
  });

  it('a lone dash', () => {
    expect(errorOf('name:x - y').position).toBe(7);
    expect(errorOf('name:x -').position).toBe(7);
  });

  it("ip: with a / that is not an address block (a source address never has one): said, not searched as text", () => {
    for (const [query, position] of [['ip:10.0.0.0/33', 3], ['name:x -ip:999.1.1.1/8', 11], ['ip:fe80::/129', 3], ['ip:10.0.0/8x', 3]] as const) {
      const error = errorOf(query);
      expect(error.message, query).toContain('is not an address block');
      expect(error.position, query).toBe(position);
    }
    for (const fine of ['ip:10.0.0.0/8', 'ip:2001:db8::/32', 'ip:10.*', 'ip:"a/b"', 'ip:10.0.0.1']) expect(compileQuery(fine).ok, fine).toBe(true);
  });
});

describe('parsing', () => {
  it('empty and blank queries match everything', () => {
    for (const q of ['', '   ', '""']) {
      const result = compileQuery(q);
      expect(result.ok && result.query.isEmpty).toBe(true);
      expect(result.ok && result.query.test(makeRow())).toBe(true);
    }
    const some = compileQuery('name:x');
    expect(some.ok && some.query.isEmpty).toBe(false);
  });

  it('a pasted ARN is a plain word, not an unknown field', () => {
    const row = makeRow({ principalArn: 'arn:aws:iam::111122223333:user/alice' });
    const result = compileQuery('arn:aws:iam::111122223333:user/alice');
    expect(result.ok).toBe(true);
    // row.text holds resource ARNs, not the principal ARN, so search a resource ARN.
    const withArn = makeRow({ resources: [{ type: 'AWS::IAM::Role', name: 'r', arn: 'arn:aws:iam::1:role/r', accountId: '1' }] });
    const arnWord = compileQuery('ARN:AWS:IAM::1:role/r');
    expect(arnWord.ok && arnWord.query.test(withArn)).toBe(true);
    expect(arnWord.ok && arnWord.query.test(row)).toBe(false);
  });

  it('field names and aliases are case-insensitive', () => {
    const row = makeRow({ name: 'ConsoleLogin', errorCode: 'Failed' });
    for (const q of ['Name:consolelogin', 'EVENTNAME:ConsoleLogin', 'event:consolelogin', 'ErrorCode:failed']) {
      const result = compileQuery(q);
      expect(result.ok && result.query.test(row), q).toBe(true);
    }
  });
});
