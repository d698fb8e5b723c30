/**
 * PgDn/PgUp in the details scroll the panel with a value selected too: the selection held the panel
 * on itself, so once Tab had picked the user or the ARN, PgDn did nothing (80x24, both dashboards).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { detailBodyHeight, layoutDetail, pageDetail } from '../../src/ui/DetailPanel.js';
import { buildDetail } from '../../src/ui/detailModel.js';
import { archiveKey, initialArchiveState, type ArchiveKeyContext } from '../../src/ui/archive/archiveModel.js';
import { NO_KEY } from '../../src/ui/keys.js';
import { makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

/** An event whose details run to several pages at 80x24: eight resources, each with its links. */
function longRow(): EventRow {
  const rows = makeRows(1);
  const row = rows[0]!;
  row.resources = Array.from({ length: 8 }, (_, i) => ({ type: 'AWS::S3::Bucket', name: `bucket-number-${i}`, arn: '', accountId: '' }));
  return row;
}

describe('PgDn in the details with a value selected', () => {
  it('pages on and selects a link of the new page (pure)', () => {
    const model = buildDetail(longRow(), 'utc');
    const body = detailBodyHeight(21);
    const first = layoutDetail(model, 80, 0);
    expect(first.selectedLine).toBeLessThan(body);
    const paged = pageDetail(first, 0, 0, body, body - 2);
    expect(paged.scroll).toBeGreaterThan(0);
    const after = layoutDetail(model, 80, paged.linkIndex);
    // The new selection is on the new page, so the panel stays where PgDn put it.
    expect(after.selectedLine).toBeGreaterThanOrEqual(paged.scroll);
    expect(Math.max(after.selectedLine, after.selectedEnd)).toBeLessThan(paged.scroll + body);
  });

  it('scrolls the folder dashboard panel after Tab', async () => {
    const store = new EventStore(0);
    store.add([longRow()]);
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('Event0'));
    await h.press(KEYS.enter, (f) => f.includes('Event details 1-'));
    await h.press(KEYS.tab, (f) => f.includes('›'));
    const frame = await h.press(KEYS.pageDown, (f) => !f.includes('Event time '), 3000);
    expect(frame).toContain('›');
  });

  it('scrolls the --db dashboard panel after Tab', () => {
    const model = buildDetail(longRow(), 'utc');
    const mainH = 21;
    const start = initialArchiveState();
    const inDetail = { ...start, mode: 'detail' as const, nav: { ...start.nav, linkIndex: 0 } };
    const layout = layoutDetail(model, 80, 0);
    const ctx: ArchiveKeyContext = { total: 1, bodyH: 20, mainH, scrollLimit: layout.screen.length - detailBodyHeight(mainH), topValues: [], buckets: [], bucketSizes: 15, detailLayout: (linkIndex) => layoutDetail(model, 80, linkIndex) };
    const next = archiveKey(inDetail, '', { ...NO_KEY, pageDown: true }, ctx).state;
    expect(next.scroll).toBeGreaterThan(0);
    const after = layoutDetail(model, 80, next.nav.linkIndex);
    expect(after.selectedLine).toBeGreaterThanOrEqual(next.scroll);
  });
});
