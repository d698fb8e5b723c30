import { describe, expect, it } from 'vitest';
import { describePivot, pivotQuery, quoteValue, termText } from '../../src/investigate/pivot.js';
import { compileQuery } from '../../src/query/index.js';
import { buildDetail } from '../../src/ui/detailModel.js';
import { pickChoices, pickPromptLines, pickTerm } from '../../src/ui/investigate/pivotPick.js';
import { eventRow } from '../support/rows.js';

function matches(query: string, row: ReturnType<typeof eventRow>): boolean {
  const compiled = compileQuery(query);
  if (!compiled.ok) throw new Error(`${query}: ${compiled.error.message}`);
  return compiled.query.test(row);
}

describe('pivot terms', () => {
  it('quotes only what the query language would misread', () => {
    expect(quoteValue('alice')).toBe('alice');
    expect(quoteValue('203.0.113.7')).toBe('203.0.113.7');
    expect(quoteValue('aws-cli/2.15 Python/3.11')).toBe('"aws-cli/2.15 Python/3.11"');
    expect(quoteValue('arn:aws:iam::1:user/x')).toBe('"arn:aws:iam::1:user/x"');
    expect(quoteValue('a*b')).toBe('"a*b"');
    expect(quoteValue('say "hi" \\')).toBe('"say \\"hi\\" \\\\"');
    expect(quoteValue('-leading')).toBe('"-leading"');
  });

  it('replace, add and exclude build the query, without repeating a term already there', () => {
    const term = { field: 'ip', value: '198.51.100.7' };
    expect(pivotQuery('user:bob', term, 'replace')).toBe('ip:198.51.100.7');
    expect(pivotQuery('user:bob', term, 'add')).toBe('user:bob ip:198.51.100.7');
    expect(pivotQuery('user:bob ip:198.51.100.7', term, 'add')).toBe('user:bob ip:198.51.100.7');
    expect(pivotQuery('', term, 'exclude')).toBe('-ip:198.51.100.7');
    expect(pivotQuery('user:bob', term, 'exclude')).toBe('user:bob -ip:198.51.100.7');
    // Appended, a term narrows an OR chain whole (OR binds tighter than AND); a term inside one is not the term on its own.
    expect(pivotQuery('user:bob OR ip:198.51.100.7', term, 'add')).toBe('user:bob OR ip:198.51.100.7 ip:198.51.100.7');
    expect(pivotQuery('(ip:198.51.100.7 name:x)', term, 'exclude')).toBe('(ip:198.51.100.7 name:x) -ip:198.51.100.7');
    expect(pivotQuery('name:x AND ip:198.51.100.7', term, 'add')).toBe('name:x AND ip:198.51.100.7');
    expect(describePivot(term, 'exclude')).toContain('-ip:198.51.100.7');
    // A value from a log never reaches the status line raw.
    expect(describePivot({ field: 'agent', value: 'x\u001b[2J\u0007y' }, 'replace')).not.toMatch(/[\u0000-\u001f]/);
  });

  // The same field side by side is either value: appended with a space, + widened the query instead.
  it('add narrows when the query already has the field side by side: joined with AND, only then', () => {
    const created = eventRow({ name: 'CreateUser', source: 'iam.amazonaws.com' });
    const put = eventRow({ name: 'PutObject', source: 's3.amazonaws.com' });
    const get = eventRow({ name: 'GetObject', source: 's3.amazonaws.com' });
    const kept = (query: string) => [created, put, get].map((row) => matches(query, row));
    const name = { field: 'name', value: 'PutObject' };

    const added = pivotQuery('name:CreateUser name:PutObject', name, 'add');
    expect(added).toBe('name:CreateUser name:PutObject AND name:PutObject');
    expect(kept(added)).toEqual([false, true, false]);
    expect(kept(pivotQuery('name:CreateUser', name, 'add'))).toEqual([false, false, false]);
    expect(pivotQuery('name:CreateUser', name, 'add')).toBe('name:CreateUser AND name:PutObject');
    // Any spelling of the field groups (eventName: is name:); a negated term or another field does not.
    expect(pivotQuery('EventName:Get* source:s3', name, 'add')).toBe('EventName:Get* source:s3 AND name:PutObject');
    expect(kept(pivotQuery('EventName:*Object source:s3', name, 'add'))).toEqual([false, true, false]);
    expect(pivotQuery('-name:GetObject source:s3', name, 'add')).toBe('-name:GetObject source:s3 name:PutObject');
    // Ordinary pivots keep their simple text: no same field in the last run of terms, or none at all.
    expect(pivotQuery('source:s3', name, 'add')).toBe('source:s3 name:PutObject');
    expect(pivotQuery('name:Get* AND source:s3', name, 'add')).toBe('name:Get* AND source:s3 name:PutObject');
    // A group of the field's values joins it side by side too: + still narrows.
    expect(pivotQuery('name:(CreateUser OR PutObject)', name, 'add')).toBe('name:(CreateUser OR PutObject) AND name:PutObject');
    expect(kept(pivotQuery('name:(CreateUser OR GetObject)', name, 'add'))).toEqual([false, false, false]);
    expect(kept(pivotQuery('name:(CreateUser PutObject) source:s3', name, 'add'))).toEqual([false, true, false]);
    expect(pivotQuery('EventName:(PutObject)', name, 'add')).toBe('EventName:(PutObject) AND name:PutObject');
    expect(pivotQuery('-name:(GetObject) source:s3', name, 'add')).toBe('-name:(GetObject) source:s3 name:PutObject');
    expect(pivotQuery('name:(CreateUser -GetObject)', name, 'add')).toBe('name:(CreateUser -GetObject) name:PutObject');
    expect(pivotQuery('name:CreateUser OR name:PutObject', name, 'add')).toBe('name:CreateUser OR name:PutObject name:PutObject');
    // Already there on its own: unchanged; side by side with another value it is not, and is added to narrow.
    expect(pivotQuery('name:PutObject source:s3', name, 'add')).toBe('name:PutObject source:s3');
    expect(pivotQuery('name:CreateUser AND name:PutObject', name, 'add')).toBe('name:CreateUser AND name:PutObject');
    expect(pivotQuery('name:PutObject name:GetObject', name, 'add')).toBe('name:PutObject name:GetObject AND name:PutObject');
    expect(kept(pivotQuery('name:PutObject name:GetObject', name, 'add'))).toEqual([false, true, false]);
    // Exclude needs no AND: negated terms never group.
    expect(pivotQuery('name:CreateUser name:PutObject', name, 'exclude')).toBe('name:CreateUser name:PutObject -name:PutObject');
  });

  it('says `[` goes back; from a view (T, p) Esc, which goes back into the view; no other way back can be given', () => {
    const term = { field: 'ip', value: '198.51.100.7' };
    expect(describePivot(term, 'replace')).toBe('Filtered by ip:198.51.100.7 ([ goes back)');
    expect(describePivot(term, 'exclude')).toBe('Excluded -ip:198.51.100.7 ([ goes back)');
    expect(describePivot(term, 'add', 'Esc goes back')).toBe('Added ip:198.51.100.7 (Esc goes back)');
    // @ts-expect-error -- the --db dashboard's own way back (its query history) was a parameter while it had no `[`
    describePivot(term, 'add', '/ then ↑ goes back');
  });

  it('a value with control, bidi or invisible characters pivots to printable text that still matches exactly', () => {
    const hostile = ['\x1b]52;c;aGk=\x07evil', 'ad\u200bmin', 'tab\there\nnewline', '\u202eevil\u202c', 'back\\slash "q" \x9b', 'tag\u{e0041}', 'a\\u{41}'];
    for (const value of hostile) {
      const term = termText({ field: 'agent', value });
      // Nothing a terminal acts on and nothing invisible: only printable ASCII here.
      expect(term, JSON.stringify(value)).toMatch(/^[\x20-\x7e]+$/);
      const row = eventRow({ userAgent: value });
      const near = eventRow({ userAgent: value.replace(/[^\x20-\x7e]/gu, '') });
      expect(matches(term, row), term).toBe(true);
      if (near.userAgent !== value) expect(matches(term, near), term).toBe(false);
      expect(matches(pivotQuery('name:Get*', { field: 'agent', value }, 'exclude'), row), term).toBe(false);
    }
  });

  it('every value the details offer pivots to a term that parses and matches its own row exactly, and excludes it', () => {
    const row = eventRow({
      actor: 'Admin/alice@example.com',
      identityType: 'AssumedRole',
      principalArn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com',
      userNames: ['Admin', 'alice@example.com'],
      userAgent: 'aws-cli/2.15 "quoted" Python/3.11 *star*',
      errorCode: 'AccessDenied',
      errorMessage: 'no',
      resources: [{ type: 'AWS::S3::Bucket', name: 'b', arn: 'arn:aws:s3:::b', accountId: '' }],
    });
    const other = eventRow({ actor: 'bob', userNames: ['bob'], principalArn: 'arn:aws:iam::1:user/bob', identityType: 'IAMUser', accessKey: 'AKIAOTHER', sourceIp: '10.0.0.1', userAgent: 'x', region: 'eu-west-1', name: 'Other', source: 'iam.amazonaws.com', account: '999', recipientAccount: '999' });
    const model = buildDetail(row, 'utc');
    const pivots = model.links.filter((l) => l.pivot);
    const labels = pivots.map((l) => l.label);
    for (const label of ['User name', 'Role', 'Session', 'Identity', 'Principal ARN', 'Access key', 'Event source', 'Event name', 'AWS region', 'Source IP', 'Error code', 'User agent', 'Account', 'Resource']) {
      expect(labels).toContain(label);
    }
    for (const link of pivots) {
      const term = termText(link.pivot!);
      expect(matches(term, row), term).toBe(true);
      expect(matches(`-${term}`, row), term).toBe(false);
    }
    // The values that differ between the rows tell them apart.
    for (const label of ['User name', 'Access key', 'Source IP', 'User agent', 'Identity']) {
      const term = termText(pivots.find((l) => l.label === label)!.pivot!);
      expect(matches(term, other), term).toBe(false);
    }
  });

  it('the list asks which field: one letter per field with a value', () => {
    const row = eventRow({ errorCode: '', accessKey: 'AKIA1' });
    const letters = pickChoices(row).map((c) => c.letter);
    expect(letters).toContain('k');
    expect(letters).not.toContain('e');
    const pick = { op: 'add' as const, row };
    expect(pickPromptLines(pick)[0]).toMatch(/^Add: u user alice · i IP 198\.51\.100\.7/);
    expect(pickTerm(pick, 'k')).toEqual({ field: 'key', value: 'AKIA1' });
    expect(pickTerm(pick, 'e')).toBeNull();
  });
});
