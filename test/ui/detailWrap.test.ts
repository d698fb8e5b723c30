import { describe, expect, it } from 'vitest';
import { layoutDetail } from '../../src/ui/DetailPanel.js';
import type { DetailModel } from '../../src/ui/detailModel.js';
import { displayWidth } from '../../src/term/width.js';

const prose = 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListBucket on resource because no identity-based policy allows the action';

function layout(value: string, width: number): string[] {
  const model: DetailModel = { lines: [{ label: 'error message', value, tone: 'normal', link: null }], links: [] };
  return layoutDetail(model, width, -1).screen.map((line) => line.text);
}

describe('detail panel values', () => {
  it('wrap why a link is not available between words, while a URL still wraps whole', () => {
    const why = 'Link not available: region apiso-northsouth-3r is not a known AWS region';
    const url = `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-${'0'.repeat(40)}`;
    const model: DetailModel = {
      lines: [{ label: '  Console', value: why, tone: 'muted', link: 0 }, { label: '  Console', value: url, tone: 'link', link: 1 }],
      links: [{ kind: 'console', label: 'Console', url: null, resource: null, unavailable: why }, { kind: 'console', label: 'Console', url, resource: null }],
    };
    const screen = layoutDetail(model, 80, -1).screen.map((line) => line.text);
    expect(screen.slice(0, 2)).toEqual(['Link not available: region apiso-northsouth-3r is not a', 'known AWS region']);
    expect(screen.slice(2).join('')).toBe(url);
  });

  it('wrap prose between words, not inside them', () => {
    for (const width of [70, 80, 100]) {
      const lines = layout(prose, width);
      expect(lines.length).toBeGreaterThan(1);
      // Every line ends at a word end: the words come back whole when the lines are joined by spaces.
      expect(lines.join(' ')).toBe(prose);
      for (const line of lines) expect(prose.split(' ')).toContain(line.split(' ').at(-1));
    }
  });

  it('still hard-wrap a single long word (an ARN) and keep at most 4 lines', () => {
    const arn = `arn:aws:s3:::${'x'.repeat(300)}`;
    const lines = layout(arn, 60);
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)!.endsWith('…')).toBe(true);
    const width = displayWidth(lines[0]!);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
  });

  it('end a cut value in one ellipsis, also when its last line is short (a user agent showed "linux……")', () => {
    // At 70 columns the value column is 50 wide: a, b and c fill a line each, d leaves room, e is the fifth line.
    const short = layout(`${'a'.repeat(50)} ${'b'.repeat(50)} ${'c'.repeat(50)} ${'d'.repeat(30)} ${'e'.repeat(50)}`, 70);
    expect(short.at(-1)).toBe(`${'d'.repeat(30)}…`);
  });
});
