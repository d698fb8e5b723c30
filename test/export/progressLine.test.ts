import { describe, expect, it } from 'vitest';
import { formatProgressLine, type ExportProgress } from '../../src/export/progress.js';

const progress: ExportProgress = {
  written: 62_000,
  total: 100_000,
  bytes: 40 * 1024 * 1024,
  startedAt: 0,
  rate: 62_000,
  etaSeconds: 0.6,
};

describe('formatProgressLine', () => {
  it('shows the bar and every piece when there is room', () => {
    const line = formatProgressLine(progress, 80);
    expect(line).toMatch(/^\[#+\.+\] {2}62% 62,000\/100,000 events 40 MiB 62k\/s 00:01 left$/);
    expect(line.length).toBeLessThanOrEqual(79);
  });

  it('drops whole pieces instead of cutting the ETA in half when narrow', () => {
    for (let width = 10; width <= 70; width++) {
      const line = formatProgressLine(progress, width);
      expect(line.length, `width ${width}`).toBeLessThanOrEqual(width - 1);
      // Every piece present is whole: no trailing `00` or cut-off unit.
      expect(line, `width ${width}`).toMatch(/(events|MiB|k\/s|left|%)$/);
    }
  });

  it('drops the ETA first, then the bytes, then the rate', () => {
    expect(formatProgressLine(progress, 50)).toBe(' 62% 62,000/100,000 events 40 MiB 62k/s');
    expect(formatProgressLine(progress, 39)).toBe(' 62% 62,000/100,000 events 62k/s');
    expect(formatProgressLine(progress, 30)).toBe(' 62% 62,000/100,000 events');
  });
});
