import { describe, expect, it } from 'vitest';
import { compileQuery, type QueryError } from '../../src/query/index.js';
import { parseQuery } from '../../src/query/parse.js';
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

  it('a dotted path with a key missing is an error at the path, not a word that finds nothing', () => {
    for (const [query, path, position] of [
      ['requestParameters.:x', 'requestParameters.', 0],
      ['name:A a..b:x', 'a..b', 7],
      ['  -userIdentity.:AKIA', 'userIdentity.', 3],
    ] as const) {
      const error = errorOf(query);
      expect(error.message).toBe(`'${path}' is not a field path: a key is missing after a dot`);
      expect(error.position).toBe(position);
      expect(error.hint).toContain('quote the term');
    }
    // Quoted, or with every key there, it is what it was.
    expect(compileQuery('"requestParameters.:x"').ok).toBe(true);
    expect(parseQuery('requestParameters.bucketName:x', { now: 0, deepTerms: true }).ok).toBe(true);
    expect(compileQuery('s3.amazonaws.com').ok).toBe(true);
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

describe('boolean syntax: OR, AND, NOT and groups', () => {
  const parsed = (query: string) => {
    const result = parseQuery(query, { now: 0, deepTerms: true });
    if (!result.ok) throw new Error(`${query}: ${result.error.message}`);
    return result.ast;
  };
  const parseError = (query: string) => {
    const result = parseQuery(query, { now: 0, deepTerms: true });
    if (result.ok) throw new Error(`expected '${query}' to fail`);
    return result.error;
  };

  it('OR binds tighter than AND, so a term appended narrows the whole query', () => {
    expect(parsed('a b OR c')).toEqual(parsed('a (b OR c)'));
    expect(parsed('a OR b c')).toEqual(parsed('(a OR b) c'));
    expect(parsed('a OR b AND c')).toEqual(parsed('(a OR b) c'));
    expect(parsed('a AND b')).toEqual(parsed('a b'));
  });

  // The same field side by side is either value; an explicit AND is strict (it used to be either too).
  it('only terms side by side make a field either: an explicit AND between them needs both', () => {
    const test = (query: string, row: ReturnType<typeof makeRow>) => {
      const result = compileQuery(query, { now: 0 });
      if (!result.ok) throw new Error(`${query}: ${result.error.message}`);
      return result.query.test(row);
    };
    const bob = makeRow({ actor: 'bob', userNames: ['bob'], name: 'GetObject', readOnly: true });
    const carol = makeRow({ actor: 'carol', userNames: ['carol'], name: 'PutObject', readOnly: false });
    expect([bob, carol].map((row) => test('user:bob user:carol', row))).toEqual([true, true]);
    expect([bob, carol].map((row) => test('user:bob AND user:carol', row))).toEqual([false, false]);
    expect([bob, carol].map((row) => test('user:bob AND user:b*', row))).toEqual([true, false]);
    expect([bob, carol].map((row) => test('name:*Object AND name:Get*', row))).toEqual([true, false]);
    expect([bob, carol].map((row) => test('readonly:true AND readonly:false', row))).toEqual([false, false]);
    expect([bob, carol].map((row) => test('readonly:true readonly:false', row))).toEqual([true, true]);
    // Only the runs between ANDs group: (GetObject or PutObject) and PutObject.
    expect([bob, carol].map((row) => test('name:GetObject name:PutObject AND name:PutObject', row))).toEqual([false, true]);
    expect([bob, carol].map((row) => test('name:(GetObject AND PutObject)', row))).toEqual([false, false]);
    expect([bob, carol].map((row) => test('name:(GetObject PutObject)', row))).toEqual([true, true]);
    expect(parsed('user:bob AND user:carol')).toEqual({
      kind: 'and',
      children: ['bob', 'carol'].map((value) => ({ kind: 'field', ref: { kind: 'summary', name: 'user' }, match: { kind: 'glob', pattern: { segments: [value], glob: false } } })),
    });
    expect(parsed('a.b:x AND a.b:y')).toMatchObject({ kind: 'and', children: [{ kind: 'field' }, { kind: 'field' }] });
    expect(parsed('a.b:x a.b:y')).toMatchObject({ kind: 'or' });
    // Different fields, and words, mean the same either way.
    expect(parsed('user:bob AND name:x')).toEqual(parsed('user:bob name:x'));
    expect(parsed('a AND b')).toEqual(parsed('a b'));
    // Time terms of every run still make one range.
    expect(parsed('since:2h AND until:1h name:x')).toEqual(parsed('since:2h until:1h name:x'));
  });

  it('NOT is -, and -(...) negates a group', () => {
    expect(parsed('NOT name:x')).toEqual(parsed('-name:x'));
    expect(parsed('NOT NOT name:x')).toEqual(parsed('name:x'));
    expect(parsed('NOT (name:x OR user:y)')).toEqual(parsed('-(name:x OR user:y)'));
    expect(parsed('NOT -name:x')).toEqual(parsed('name:x'));
  });

  it('a group ANDed in joins its parent, so its time terms still bound the range the list slices', () => {
    const result = compileQuery('(name:x since:2024-03-01) until:2024-03-04', { now: Date.UTC(2024, 2, 5) });
    expect(result.ok && result.query.timeRange).toEqual({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2024, 2, 5) - 1 });
    const inOr = compileQuery('since:2024-03-01 OR name:x', { now: Date.UTC(2024, 2, 5) });
    expect(inOr.ok && inOr.query.timeRange).toBe(null);
  });

  it('field:( ) gives its bare words to the field, as in Lucene; repeated, they are either', () => {
    expect(parsed('name:(A OR B)')).toEqual(parsed('name:A OR name:B'));
    expect(parsed('name:(A B)')).toEqual(parsed('name:A name:B'));
    expect(parsed('-name:(A B) user:x')).toEqual(parsed('-(name:A name:B) user:x'));
    expect(parsed('name:("A B" OR C*)')).toEqual(parsed('name:"A B" OR name:C*'));
  });

  // user:(alice) user:bob was alice AND bob (nothing), where user:alice user:bob is either.
  it('a field group of values joins the same field side by side, as the field repeated would', () => {
    const either = parsed('user:alice user:bob');
    expect(parsed('user:(alice) user:(bob)')).toEqual(either);
    expect(parsed('user:(alice) user:bob')).toEqual(either);
    expect(parsed('user:alice user:(bob)')).toEqual(either);
    expect(parsed('user:(alice OR bob)')).toEqual(either);
    expect(parsed('user:(alice bob) user:(carol)')).toEqual(parsed('user:alice user:bob user:carol'));
    expect(parsed('user:(alice OR bob) user:carol name:x')).toEqual(parsed('user:alice user:bob user:carol name:x'));
    expect(parsed('EventName:(A) name:B')).toEqual(parsed('name:A name:B'));
    expect(parsed('a.b:(x) a.b:y')).toEqual(parsed('a.b:x a.b:y'));
    // An explicit AND stays strict, and so does a group that is not values alone (a NOT, an AND, a - inside).
    expect(parsed('user:(alice) AND user:bob')).toEqual(parsed('user:alice AND user:bob'));
    expect(parsed('user:(alice AND bob) user:carol')).toEqual(parsed('user:alice AND user:bob AND user:carol'));
    expect(parsed('name:(Get* -GetObject) name:PutObject')).toEqual(parsed('(name:Get* -name:GetObject) AND name:PutObject'));
    expect(parsed('-user:(alice) user:bob')).toEqual(parsed('-user:alice user:bob'));
    // In an OR or under NOT, the group is its own node.
    expect(parsed('user:(alice bob) OR name:x')).toEqual(parsed('(user:alice user:bob) OR name:x'));
    expect(parsed('NOT user:(alice bob) user:carol')).toEqual(parsed('-(user:alice user:bob) user:carol'));
    // Time terms side by side intersect, where their OR is either range: a time field's group stays whole.
    expect(parsed('since:(2h OR 1d) until:1h')).toEqual(parsed('(since:2h OR since:1d) until:1h'));
  });

  // name:(user:alice) dropped the name: in silence; name:(GetObject user:alice) meant GetObject AND alice.
  it('a field term inside a field group is an error at the inner field', () => {
    for (const [query, position, typed] of [
      ['name:(user:alice)', 6, 'user:alice'],
      ['name:(GetObject user:alice)', 16, 'user:alice'],
      ['name:(GetObject OR -user:alice)', 20, 'user:alice'],
      ['x name:((A OR ip:10.0.0.0/8))', 14, 'ip:10.0.0.0/8'],
      ['name:(A user:(b c))', 8, 'user:( ... )'],
      ['name:(requestParameters.bucketName:x)', 6, 'requestParameters.bucketName:x'],
    ] as const) {
      expect(parseError(query), query).toEqual({
        message: `a field group holds values only: ${typed} is inside name:( ... )`,
        position,
        hint: `write ${typed} outside name:( ... ); quote a value that holds a colon`,
      });
    }
    // A plain group may hold fields; a quoted value, an ARN or a value with a colon after digits is a value.
    expect(parsed('(name:A user:b)')).toMatchObject({ kind: 'and' });
    expect(parsed('resource:(arn:aws:s3:::b "x:y")')).toMatchObject({ kind: 'or' });
    expect(parsed('name:(s3:GetObject)')).toMatchObject({ kind: 'field' });
  });

  // NOT(user:alice) was the word 'not(user:alice)', and matched nothing in silence.
  it('an operator in capitals written against a ( is the operator, as with a space', () => {
    expect(parsed('NOT(user:alice)')).toEqual(parsed('NOT (user:alice)'));
    expect(parsed('user:alice OR(user:bob)')).toEqual(parsed('user:alice OR (user:bob)'));
    expect(parsed('name:x AND(user:a OR user:b)')).toEqual(parsed('name:x AND (user:a OR user:b)'));
    expect(parsed('name:(A OR(B))')).toEqual(parsed('name:A OR name:B'));
    expect(parsed('-(a NOT(b))')).toEqual(parsed('-(a -b)'));
    // After a group's ) too: (a)OR(b) is what it looks like.
    expect(parsed('(user:alice)OR(user:bob)')).toEqual(parsed('user:alice OR user:bob'));
    expect(parsed('(user:alice)AND (name:x)')).toEqual(parsed('user:alice AND name:x'));
    expect(parseError('(a)OR')).toMatchObject({ message: 'OR needs a term after it', position: 3 });
    // Only the capitals, only a whole word: the rest are words as before.
    expect(parsed('not(x)')).toMatchObject({ kind: 'word', text: 'not(x)' });
    expect(parsed('ORACLE(x)')).toMatchObject({ kind: 'word', text: 'ORACLE(x)' });
    expect(parsed('"NOT(x)"')).toMatchObject({ kind: 'word', text: 'NOT(x)' });
    expect(parsed('name:NOT(x)')).toMatchObject({ kind: 'field', match: { pattern: { segments: ['not(x)'] } } });
    expect(parseError('(a)ORx')).toMatchObject({ message: "')' closes the group here, but text follows it", position: 2 });
  });

  // --user:alice was 'not the text -user:alice': nearly every event, in silence.
  it('-- at the start of a term is an error naming the - that excludes', () => {
    expect(parseError('--user:alice')).toEqual({ message: "'--' is not an operator", position: 0, hint: '-user:alice excludes; quote the text to search for it' });
    expect(parseError('name:x --AssumeRole')).toMatchObject({ position: 7, hint: '-AssumeRole excludes; quote the text to search for it' });
    expect(parseError('(a --)')).toMatchObject({ position: 3, hint: '-term excludes' });
    expect(parsed('"--user:alice"')).toMatchObject({ kind: 'word', text: '--user:alice' });
    expect(parsed('a--b')).toMatchObject({ kind: 'word', text: 'a--b' });
    expect(parsed('-a--b')).toMatchObject({ kind: 'not' });
  });

  it('capital OR/AND/NOT only: lowercase and quoted ones are words', () => {
    expect(parsed('a or b')).toEqual({ kind: 'and', children: ['a', 'or', 'b'].map((w) => ({ kind: 'word', text: w, segments: [w], fuzzy: false })) });
    expect(parsed('"OR"')).toEqual({ kind: 'word', text: 'OR', segments: ['or'], fuzzy: false });
    expect(parsed('ORACLE')).toMatchObject({ kind: 'word', text: 'ORACLE' });
  });

  it('words are fuzzy only outside negations', () => {
    expect(parsed('(alice)')).toMatchObject({ kind: 'word', fuzzy: true });
    expect(parsed('-(alice)')).toEqual({ kind: 'not', child: { kind: 'word', text: 'alice', segments: ['alice'], fuzzy: false } });
    expect(parsed('NOT alice')).toEqual(parsed('-alice'));
    expect(parsed('-(NOT alice)')).toMatchObject({ kind: 'word', fuzzy: true });
  });

  it('outside a group a ) inside a value is part of it, as before groups existed', () => {
    expect(parsed('agent:*(linux)*')).toMatchObject({ kind: 'field', match: { pattern: { segments: ['', '(linux)', ''] } } });
    expect(parsed('(agent:"*(linux)*")')).toMatchObject({ kind: 'field', match: { pattern: { segments: ['*(linux)*'] } } });
  });

  // A ) in a value inside a group closed the group and the query answered nothing, in silence.
  it("a group's ) with text right after it is an error at the ), and the hint's quoting globs", () => {
    const error = parseError('(agent:*(+https://x)* OR error:*)');
    expect(error).toMatchObject({ message: "')' closes the group here, but text follows it", position: 19 });
    expect(parseError('name:(A B)x')).toMatchObject({ position: 9 });
    expect(parseError('(a)(b)')).toMatchObject({ position: 2 });
    // The easy fix first, and the quoting advice without a ')' of its own at the end.
    expect(error.hint).toBe(`put a space after ')', or quote a value that holds a parenthesis, the stars outside the quotes: agent:*"(linux)"*`);
    // Another ), a space or the end are fine.
    expect(parsed('((name:x))')).toEqual(parsed('name:x'));
    expect(parsed('(name:x) user:y')).toEqual(parsed('name:x user:y'));
    expect(parseError('(name:x))')).toMatchObject({ message: "')' without a '(' before it", position: 8 });

    // The hints' example, in a group: stars outside the quotes glob, the parentheses inside them are literal.
    for (const hint of [error.hint, parseError('a ) b').hint]) {
      const example = /agent:\S+/.exec(hint)?.[0];
      expect(example, hint).toBe('agent:*"(linux)"*');
      const matcher = compileQuery(`(${example} OR error:NoSuchThing)`);
      if (!matcher.ok) throw new Error(matcher.error.message);
      expect(matcher.query.test(makeRow({ userAgent: 'Mozilla/5.0 (Linux) Firefox' })), hint).toBe(true);
      expect(matcher.query.test(makeRow({ userAgent: 'Mozilla/5.0 linux Firefox' })), hint).toBe(false);
    }
    // Quoting the stars too makes them literal: the form the hint used to give finds nothing here.
    const literal = compileQuery('(agent:"*(linux)*" OR error:NoSuchThing)');
    expect(literal.ok && literal.query.test(makeRow({ userAgent: 'Mozilla/5.0 (Linux) Firefox' }))).toBe(false);
    expect(literal.ok && literal.query.test(makeRow({ userAgent: '*(linux)*' }))).toBe(true);
  });

  it('says what is wrong and where', () => {
    expect(parseError('name:x OR')).toMatchObject({ message: 'OR needs a term after it', position: 7 });
    expect(parseError('OR name:x')).toMatchObject({ message: 'OR needs a term before it', position: 0 });
    expect(parseError('a OR OR b')).toMatchObject({ message: 'OR needs a term after it', position: 2 });
    expect(parseError('a AND AND b')).toMatchObject({ message: 'AND needs a term before it', position: 6 });
    expect(parseError('a AND')).toMatchObject({ message: 'AND needs a term after it', position: 2 });
    expect(parseError('a (b OR)')).toMatchObject({ message: 'OR needs a term after it', position: 5 });
    expect(parseError('a NOT')).toMatchObject({ message: 'NOT needs a term after it', position: 2 });
    expect(parseError('x (a (b)')).toMatchObject({ message: "'(' is never closed", position: 2 });
    expect(parseError('a ) b')).toMatchObject({ message: "')' without a '(' before it", position: 2 });
    expect(parseError('a () b')).toMatchObject({ message: 'empty group', position: 2 });
    // A group's messages point at its '(', not at the field or the '-' before it.
    expect(parseError('name:()')).toMatchObject({ message: 'empty group', position: 5 });
    expect(parseError('name:(GetObject')).toMatchObject({ message: "'(' is never closed", position: 5 });
    expect(parseError('x -(a')).toMatchObject({ message: "'(' is never closed", position: 3 });
    expect(parseError('x -user:(a')).toMatchObject({ message: "'(' is never closed", position: 8 });
    expect(parseError('- (a)')).toMatchObject({ message: "'-' must be followed by a term", position: 0 });
    expect(parseError('(since:1h OR -until:2h)')).toMatchObject({ message: 'until: cannot be negated', position: 13 });
    expect(parseError('(name:x OR nmae:y)')).toMatchObject({ message: "unknown field 'nmae'", position: 11 });
  });

  // A top-level part holding a record path is decided from the record alone (ast.ts deepPart).
  // People coming from Splunk or Lucene type || for OR: searched as a word it matched nothing, in silence.
  it('|| | and && between terms are errors at their position naming OR or AND; quoted, they are words', () => {
    expect(parseError('name:A || name:B')).toMatchObject({ message: "'||' is not an operator here", position: 7, hint: expect.stringContaining('OR') });
    expect(parseError('(name:A | user:b)')).toMatchObject({ message: "'|' is not an operator here", position: 8, hint: expect.stringContaining('OR') });
    expect(parseError('name:A && user:b')).toMatchObject({ message: "'&&' is not an operator here", position: 7, hint: expect.stringContaining('AND') });
    expect(parsed('"||"')).toMatchObject({ kind: 'word', text: '||' });
    expect(parsed('agent:|| a|b')).toMatchObject({ kind: 'and' });
  });

  // The message said "shares a group" where there was no group (a top-level OR): it names the OR or the NOT.
  it('refuses a fuzzy word or a tag in an OR or a NOT with a record path, at its position', () => {
    const inOr = { message: "a fuzzy word ('alice') cannot be in an OR with a record path", hint: 'quote it to search text only ("alice"), or move it out of the OR' };
    expect(parseError('name:x (requestParameters.bucketName:b OR alice)')).toEqual({ ...inOr, position: 42 });
    expect(parseError('name:x requestParameters.bucketName:b OR alice')).toEqual({ ...inOr, position: 41 });
    expect(parseError('alice OR requestParameters.bucketName:b')).toEqual({ ...inOr, position: 0 });
    expect(parseError('mark:* OR params:secret')).toMatchObject({ message: 'mark: cannot be in an OR with a record path', position: 0 });
    expect(parseError('-(rule:*root* requestParameters.x:*)')).toMatchObject({
      message: 'rule: cannot be under a NOT with a record path',
      hint: 'records are read without marks and rule hits: move it out of the negated group',
      position: 2,
    });
    // Negated twice a word is fuzzy again: under the NOT, with no OR.
    expect(parseError('-(requestParameters.x:* -(alice))')).toMatchObject({ message: "a fuzzy word ('alice') cannot be under a NOT with a record path", position: 26 });
    expect(parseError('-(requestParameters.x:* OR -(alice))')).toMatchObject({ message: "a fuzzy word ('alice') cannot be in an OR with a record path" });
    expect(parsed('(requestParameters.bucketName:b OR "alice")')).toMatchObject({ kind: 'or' });
    expect(parsed('(requestParameters.bucketName:b OR bob)')).toMatchObject({ kind: 'or' });
    expect(parsed('alice mark:* requestParameters.bucketName:b')).toMatchObject({ kind: 'and' });
  });
});
