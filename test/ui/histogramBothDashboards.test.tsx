/**
 * The histogram (h) on the folder dashboard and on the --db dashboard shows the same data: it is drawn
 * the same, title, legend, axis, bars and the line under them, split by errors, by a field (Tab) and
 * with a span (v), at 80 columns, where six parts' legend fits by cutting its longest names.
 */
import { describe, expect, it } from 'vitest';
import { bothDashboardsForThisBlock } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

/** The two long names twice, so both are among the top five users. */
const LONG = ['orders-api-role/orders-session-1234', 'ci-deployer/gha-run-987654'];
const USERS = [...LONG, ...LONG, 'alice', 'build-bot', 'carol', 'dave', 'erin'];

/** 42 events 20 minutes apart from 2024-03-05 10:00 UTC, users taking turns, every 5th an error. */
function records(): object[] {
  return Array.from({ length: 42 }, (_, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 20 * 60_000).toISOString().replace('.000Z', 'Z'),
    eventName: `Call${String(k).padStart(2, '0')}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    ...(k % 5 === 0 ? { errorCode: 'AccessDenied' } : {}),
    userIdentity: { type: 'IAMUser', userName: USERS[k % USERS.length] },
  }));
}

/** The histogram's lines, from its title to the line under the bars. */
function chart(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Histogram '));
  const to = lines.findIndex((l, i) => i > from && /^(span: )?\d+ events? · /.test(l));
  return from < 0 || to < 0 ? [] : lines.slice(from, to + 1).map((l) => l.trimEnd());
}

const counted = (f: string) => !f.includes('counting') && !f.includes('querying…') && !f.includes('reading…');

describe('the histogram on both dashboards', () => {
  const both = bothDashboardsForThisBlock(records(), 80, 24, 'Call41');

  async function pressBoth(keys: string, until: (chartLines: string[]) => boolean): Promise<[string[], string[]]> {
    const press = (h: Harness) => h.press(keys, (f) => counted(f) && until(chart(f)));
    const [folder, db] = await Promise.all([press(both().folder), press(both().db)]);
    return [chart(folder), chart(db)];
  }

  it('draws the same lines split by errors, by user with its legend whole at 80 columns, and with a span', async () => {
    let [folder, db] = await pressBoth('h', (c) => c.length > 3 && c[0]!.includes('by errors'));
    expect(db).toEqual(folder);
    expect(folder[1]).toBe('# success  ! error');
    [folder, db] = await pressBoth(`${KEYS.tab}${KEYS.tab}`, (c) => c.length > 3 && c[0]!.includes('by user'));
    expect(db).toEqual(folder);
    // Six parts (five users and Other) within 80 columns: the two long role sessions are cut, nothing is dropped.
    expect(folder[1]).toBe('# ci-deployer/gha…  = orders-api-role…  + alice  % build-bot  o carol  . Other');
    [folder, db] = await pressBoth('vkk', (c) => c.length > 3 && c[c.length - 1]!.startsWith('span: '));
    expect(db).toEqual(folder);
  });
});
