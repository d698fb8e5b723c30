/** The --db dashboard's header counts one event as "1 event", as the folder dashboard's does. */
import { beforeEach, describe, expect, it } from 'vitest';
import { archiveDashboardForThisBlock, ONE_EVENT } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

describe('an archive of one event', () => {
  const dashboard = archiveDashboardForThisBlock(ONE_EVENT, 'OnlyCall');
  let h: Harness;
  beforeEach(() => {
    h = dashboard();
  });

  it('says 1 event, not 1 events', () => {
    const header = h.frame().split('\n')[0]!;
    expect(header).toContain('trailtop · 1 event · row 1');
  });

  it('says m found no event to mark on an empty list, rather than ignoring the key', async () => {
    await h.press('/', (f) => f.includes('Query'));
    h.stdin.write('name:NoSuchCall');
    await h.press(KEYS.enter, (f) => f.includes('No events match the query'));
    await h.press('m', (f) => f.includes('No event to mark'));
    // Back to the one event: m marks it.
    await h.press('/', (f) => f.includes('name:NoSuchCall'));
    for (let k = 0; k < 'name:NoSuchCall'.length; k++) h.stdin.write(KEYS.backspace);
    await h.press(KEYS.enter, (f) => f.includes('OnlyCall'));
    await h.press('m', (f) => f.includes('Marked'));
  });
});
