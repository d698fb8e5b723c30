import { describe, expect, it } from 'vitest';
import { truncateStart } from '../../src/ui/pathText.js';
import { fitStatusMessage, statusText } from '../../src/ui/statusMessage.js';
import { displayWidth } from '../../src/term/width.js';

describe('truncateStart', () => {
  it('keeps the end of a path that does not fit', () => {
    expect(truncateStart('/aaa/bbb/out.csv', 20)).toBe('/aaa/bbb/out.csv');
    expect(truncateStart('/aaa/bbb/out.csv', 13)).toBe('…/bbb/out.csv');
    expect(truncateStart('/aaa/bbb/out.csv', 1)).toBe('…');
    expect(truncateStart('/aaa/bbb/out.csv', 0)).toBe('');
  });

  it('counts wide characters and never splits them', () => {
    const cut = truncateStart('/数据/数据/数据.csv', 10);
    expect(displayWidth(cut)).toBeLessThanOrEqual(10);
    expect(cut.endsWith('数据.csv')).toBe(true);
  });
});

describe('fitStatusMessage', () => {
  const saved = { before: 'Saved 5 events (1 KiB) to ', path: '/home/someone/very/long/folder/out.csv', after: ' · d then y copies the path' };

  it('shows the whole message when it fits', () => {
    expect(fitStatusMessage(saved, 200)).toBe(statusText(saved));
  });

  it('cuts the path from its start, then drops the hint, keeping the file name', () => {
    for (let room = 42; room < statusText(saved).length; room++) {
      const text = fitStatusMessage(saved, room);
      expect(displayWidth(text), `room ${room}`).toBeLessThanOrEqual(room);
      expect(text, `room ${room}`).toMatch(/out\.csv( · d then y copies the path)?$/);
      expect(text.startsWith('Saved 5 events'), `room ${room}`).toBe(true);
    }
    expect(fitStatusMessage(saved, 70)).toBe('Saved 5 events (1 KiB) to …g/folder/out.csv · d then y copies the path');
    expect(fitStatusMessage(saved, 50)).toBe('Saved 5 events (1 KiB) to …ery/long/folder/out.csv');
  });

  it('falls back to the short lead when the sentence leaves the path too little room', () => {
    const text = fitStatusMessage({ ...saved, short: 'Saved ' }, 30);
    expect(text).toBe('Saved …ery/long/folder/out.csv');
    expect(displayWidth(text)).toBeLessThanOrEqual(30);
  });

  it('keeps the file name even when the sentence has no room', () => {
    const text = fitStatusMessage(saved, 12);
    expect(text).toBe('…der/out.csv');
    expect(text.endsWith('out.csv')).toBe(true);
  });
});
