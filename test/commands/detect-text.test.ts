import { describe, expect, it } from 'vitest';
import { formatDetect, type DetectReport } from '../../src/commands/detect.js';

const finding = (id: string): DetectReport['findings'][number] => ({
  id,
  title: `Rule ${id}`,
  level: 'high',
  tags: [],
  count: 1,
  first: '2024-03-05T14:00:00.000Z',
  last: '2024-03-05T14:00:00.000Z',
});

describe('detect text summary', () => {
  // Was "Findings  1 rules fired (1 high)" (detect --level high on the bundled samples).
  it('counts one rule that fired as "1 rule"', () => {
    const one = formatDetect('logs', { events: { unique: 1 }, rules: { loaded: 28, skipped: [] }, findings: [finding('a')] });
    expect(one).toMatch(/^Findings {2}1 rule fired \(1 high\)$/m);
    const two = formatDetect('logs', { events: { unique: 2 }, rules: { loaded: 28, skipped: [] }, findings: [finding('a'), finding('b')] });
    expect(two).toMatch(/^Findings {2}2 rules fired \(2 high\)$/m);
  });
});
