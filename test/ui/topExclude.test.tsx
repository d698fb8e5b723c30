/**
 * `-` in the top values excludes the value and keeps the view open on what is left, on both
 * dashboards (--db went to the list); Esc closes the view and `[` in the list undoes it.
 */
import { describe, expect, it } from 'vitest';
import { bothDashboardsForThisBlock, idle, queryOf } from './archiveDashboard.js';
import { KEYS } from './harness.js';

const settled = (f: string) => idle(f) && !f.includes('counting');
const selectedLine = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
const valueLines = (f: string) => f.split('\n').filter((l) => /^ [ ›]\s+\d+\s+[\d.]+%/.test(l));

describe('T, then - on a value, on both dashboards', () => {
  const users = ['alice', 'alice', 'alice', 'bob', 'bob', 'carol'];
  const records = users.map((user, k) => ({
    eventID: `ev-${k}`,
    eventTime: `2024-03-05T1${k}:00:00Z`,
    eventName: `Call${k}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: user },
  }));
  const both = bothDashboardsForThisBlock(records, 100, 30, 'Call5');

  it('keeps the top values open without the value, on the same line; Esc closes it, [ then undoes the exclusion', async () => {
    const seen: string[][] = [];
    for (const [name, h] of [['folder', both().folder], ['db', both().db]] as const) {
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press('j', (f) => settled(f) && selectedLine(f).includes('bob'));
      const frame = await h.press('-', (f) => settled(f) && queryOf(f) === '-actor:bob' && f.includes('Top values of User') && !valueLines(f).some((l) => l.includes('bob')));
      expect(frame, name).toContain('Excluded -actor:bob ([ goes back)');
      seen.push([...valueLines(frame), selectedLine(frame)]);
      // Esc closes the view over the narrowed list (no drill-back: T never left); `[` there undoes the exclusion.
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) === '-actor:bob');
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]!.slice(0, 2).map((l) => /%\s+\S+\s+(\S+)/.exec(l)![1])).toEqual(['alice', 'carol']);
    expect(seen[0]![2]).toContain('carol');
  });

  it('- on the last value: the line moves up to the new last value (on both)', async () => {
    const seen: string[] = [];
    for (const [name, h] of [['folder', both().folder], ['db', both().db]] as const) {
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press('jj', (f) => settled(f) && selectedLine(f).includes('carol'));
      const frame = await h.press('-', (f) => settled(f) && queryOf(f) === '-actor:carol' && !valueLines(f).some((l) => l.includes('carol')));
      expect(selectedLine(frame), name).toContain('bob');
      seen.push(selectedLine(frame));
      // The line drawn is the line Enter takes.
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) === 'actor:bob');
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of') && queryOf(f) === '-actor:carol');
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of'));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
    }
    expect(seen[1]).toBe(seen[0]);
  });
});
