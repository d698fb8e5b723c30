/**
 * Numbers in Sigma rules: values are compared as text, so an unquoted YAML
 * integer must keep the digits written where YAML's number would not give
 * them back (an AWS account ID starting with 0, an ID past 2^53). Checked in
 * memory (the Detector) and as SQL on a DuckDB archive.
 */
import { describe, expect, test } from 'vitest';
import { firedOnBothForThisBlock } from './bothEngines.js';

function event(id: string, overrides: Record<string, unknown>): Record<string, unknown> {
  return { eventVersion: '1.08', eventID: id, eventTime: '2024-03-05T12:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', ...overrides };
}

const EVENTS = [
  event('zero', { recipientAccountId: '012345678901', requestParameters: { durationSeconds: 3600, ratio: 1.0 } }),
  event('plain', { recipientAccountId: '123456789012', requestParameters: { durationSeconds: '3600' } }),
  event('short', { recipientAccountId: '12345678901' }),
  event('big', { requestParameters: { id: '12345678901234567890' } }),
];

describe('unquoted numbers in Sigma rules, in memory and on DuckDB', () => {
  const { fired } = firedOnBothForThisBlock(EVENTS);

  test('an account ID with a leading 0 keeps it (YAML would make it the number 12345678901)', async () => {
    expect(await fired('recipientAccountId: 012345678901')).toEqual(['zero']);
    expect(await fired('recipientAccountId: [012345678901, 123456789012]')).toEqual(['plain', 'zero']);
    expect(await fired('recipientAccountId|startswith: 0123')).toEqual(['zero']);
    expect(await fired("recipientAccountId: '012345678901'")).toEqual(['zero']);
  });

  test('an integer past 2^53 keeps its digits (the number would be rounded)', async () => {
    expect(await fired('requestParameters.id: 12345678901234567890')).toEqual(['big']);
  });

  test('other numbers stay numbers, compared as the text a record value has', async () => {
    expect(await fired('requestParameters.durationSeconds: 3600')).toEqual(['plain', 'zero']);
    expect(await fired('requestParameters.ratio: 1.0')).toEqual(['zero']);
    expect(await fired('recipientAccountId: 12345678901')).toEqual(['short']);
  });
});
