/**
 * The --db dashboard drawn (ui/archive/ArchiveApp.tsx) over a real DuckDB
 * archive at 80x24: the first screen, G to the last event, o on the same
 * event, a query applied by SQL, rule: with a rule that SQL cannot express
 * said under the query bar, top values and the histogram.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { parseQuery } from '../../src/query/parse.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 500; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(4, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 60_000).toISOString().replace('.000Z', 'Z'),
      eventName: k === 0 ? 'OldestCall' : k === 499 ? 'NewestCall' : k % 2 ? 'GetObject' : 'PutObject',
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: k % 3 ? 'alice' : 'bob' },
      ...(k % 10 === 0 ? { errorCode: 'AccessDenied' } : {}),
    });
  }
  return out;
}

describe('the --db dashboard at 80x24', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    const ast = (text: string) => {
      const parsed = parseQuery(text, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.ast;
    };
    // A backreference: RE2 (DuckDB) has none, so the rule cannot run as SQL.
    const named = ast('name:x');
    if (named.kind !== 'field') throw new Error('a field term was expected');
    const session = new ArchiveSession(archive.archive, {
      rules: [
        { id: 'bob-denied', title: 'Bob denied', ast: ast('user:bob error:AccessDenied') },
        { id: 'backref', title: 'Doubled letter', ast: { ...named, match: { kind: 'regex', source: '(a)\\1', flags: 'u' } } },
      ],
    });
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 80, 24);
    await h.waitFor((f) => f.includes('NewestCall'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('opens on the newest event with the SQL count, and G shows the oldest', async () => {
    expect(h.frame()).toContain('500 events');
    const frame = await h.press('G', (f) => f.includes('OldestCall'));
    expect(frame).toContain('row 500');
    expect(frame).not.toContain('NewestCall');
  });

  it('o turns the order round on the same event', async () => {
    const frame = await h.press('o', (f) => f.includes('oldest first') && f.includes('row 1 '));
    expect(frame).toMatch(/›.*OldestCall/);
    await h.press('o', (f) => f.includes('newest first') && f.includes('row 500'));
    await h.press('g', (f) => f.includes('NewestCall'));
  });

  it('a query applies with Enter as SQL; rule:ID selects what the rule fires on', async () => {
    let frame = await h.press('/error:AccessDenied' + KEYS.enter, (f) => f.includes('50 matching'));
    expect(frame).toContain('error:AccessDenied');
    frame = await h.press('/\u0015rule:bob-denied' + KEYS.enter, (f) => f.includes('17 matching'));
    expect(frame).toContain('bob');
    expect(frame).not.toContain('alice');
  });

  it('a rule SQL cannot express is said under the query bar with the reason, the list stays', async () => {
    const frame = await h.press('\u001b/\u0015rule:backref' + KEYS.enter, (f) => f.includes('cannot run as SQL'));
    expect(frame).toContain('Doubled letter');
    expect(frame).toContain('17 matching');
    await h.press(KEYS.escape, (f) => !f.includes('cannot run as SQL'));
  });

  it('a query that does not parse keeps its error where it is after Enter, as while typing (it moved to position 1)', async () => {
    const frame = await h.press('/\u0015name:"open' + KEYS.enter, (f) => f.includes('unterminated quote') && !f.includes('Opening'));
    const lines = frame.split('\n');
    const bar = lines.findIndex((l) => l.startsWith('Query / name:"open'));
    expect(lines[bar + 1]!.indexOf('^')).toBe('Query / name:'.length);
    expect(frame).not.toContain('position 1;');
    await h.press(KEYS.escape, (f) => !f.includes('unterminated quote'));
  });

  it('h on an empty list says the list is empty, as the folder dashboard does (it blamed unreadable times)', async () => {
    await h.press('/\u0015name:NoSuchCall' + KEYS.enter, (f) => f.includes('0 matching'));
    const frame = await h.press('h', (f) => f.includes('No events to chart'));
    expect(frame).toContain('No events to chart (the list is empty).');
    expect(frame).not.toContain('readable time');
    await h.press(KEYS.escape, (f) => !f.includes('No events to chart'));
  });

  it('T shows top values by SQL, h the histogram', async () => {
    await h.press('/\u0015' + KEYS.enter, (f) => f.includes('500 events'));
    let frame = await h.press('T', (f) => f.includes('Top values of User'));
    expect(frame).toMatch(/333\s+67%.*alice/);
    await h.press(KEYS.escape, (f) => !f.includes('Top values'));
    frame = await h.press('h', (f) => f.includes('Histogram'));
    expect(frame).toMatch(/500 events/);
  });
});
