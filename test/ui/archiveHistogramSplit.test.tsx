/**
 * Tab in the --db histogram: the bars split by event source, then user, then
 * region (each field's top values, then Other), then errors again, as the
 * folder dashboard's Tab does; the line under the bars names the selected
 * bucket's parts. Keys in the same burst act on the split histogram.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const SOURCES = ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com'];

/** 40 events an hour apart from 2024-03-05 10:00 UTC; sources and users take turns. */
function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 40; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(4, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 3_600_000).toISOString().replace('.000Z', 'Z'),
      eventName: `Call${String(k).padStart(2, '0')}`,
      eventSource: SOURCES[k % 3],
      awsRegion: k % 2 ? 'eu-west-1' : 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: k % 2 ? 'alice' : 'bob' },
    });
  }
  return out;
}

const idle = (f: string) => !f.includes('querying…') && !f.includes('reading…') && !f.includes('counting…');
/** The title, the legend and the line under the bars (the cursor's bucket), as the folder's histogram draws them. */
const title = (f: string) => f.split('\n').find((l) => l.startsWith('Histogram ')) ?? '';
const legend = (f: string) => f.split('\n')[f.split('\n').findIndex((l) => l.startsWith('Histogram ')) + 1] ?? '';
const lastLine = (f: string) => f.split('\n').find((l) => /^\d+ events? · /.test(l)) ?? '';
const selected = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('Tab in the --db histogram', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} holdKeysMs={60_000} />, 80, 24);
    await h.waitFor((f) => f.includes('Call39') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('splits by event source, user, region, then errors again', async () => {
    await h.press('h', (f) => f.includes('Histogram 3h') && idle(f));
    // The newest 3h bucket (03-07 00:00) holds Call38 (ec2, bob) and Call39 (s3, alice).
    let frame = await h.press(KEYS.tab, (f) => title(f).includes('by event source') && idle(f));
    // s3 is the most frequent source (14 events), then ec2 and iam (13 each, by name): #, =, + without colour
    // or block characters (the test's env has no UTF-8 locale); fewer than 5 values: no Other in the legend.
    expect(legend(frame)).toBe('# s3  = ec2  + iam');
    expect(lastLine(frame)).toBe('2 events · 03-07 00:00–03:00 · s3 1 · ec2 1');
    expect(selected(frame)).toMatch(/\|(#+=+|=+#+)\s+2$/);
    frame = await h.press(KEYS.tab, (f) => title(f).includes('by user') && idle(f));
    expect(lastLine(frame)).toBe('2 events · 03-07 00:00–03:00 · alice 1 · bob 1');
    frame = await h.press(KEYS.tab, (f) => title(f).includes('by region') && idle(f));
    expect(lastLine(frame)).toBe('2 events · 03-07 00:00–03:00 · eu-west-1 1 · us-east-1 1');
    frame = await h.press(KEYS.tab, (f) => title(f).includes('by errors') && idle(f));
    expect(legend(frame)).toBe('# success  ! error');
    expect(selected(frame)).toMatch(/\|#+\s+2$/);
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it('h Tab k in one burst: the move lands in the split histogram; a zoom keeps the split', async () => {
    const frame = await h.press('h\tk', (f) => title(f).includes('by event source') && selected(f).includes('21:00') && idle(f));
    // 03-06 21:00: Call35 (iam), Call36 (s3), Call37 (ec2).
    expect(lastLine(frame)).toBe('3 events · 03-06 21:00–03-07 00:00 · s3 1 · ec2 1 · iam 1');
    const zoomed = await h.press('-', (f) => !f.includes('Histogram 3h') && idle(f) && title(f).includes('by event source'));
    expect(lastLine(zoomed)).toMatch(/^\d+ events · .* · s3 \d+/);
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    // Opened again with h, the split and the size chosen stay (keptViews.ts openedAnew), as on the folder dashboard.
    const again = await h.press('h', (f) => f.includes('Histogram') && idle(f) && lastLine(f) !== '');
    expect(title(again)).toContain('Histogram 6h · by event source');
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });
});
