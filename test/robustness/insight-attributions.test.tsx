/**
 * An Insight's attribution names come from the log like every other string: an
 * attribute CloudTrail does not document is titled (and, in a short window,
 * named on its tab) by its own text. Drawn by the real InsightsView from a
 * record read through the real ingest, no frame may hold a control character.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import { EventStore } from '../../src/store/eventStore.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from '../ui/harness.js';

const HOSTILE = 'attr\u001b[2J\u001b]0;owned\u0007\u009b31m\u202e\u2028\u0000end';
/** C0 but newline (it separates frame lines), DEL, C1, bidi controls and line separators. */
const LEAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

let open: Harness[] = [];
const folders: Array<() => void> = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
  for (const remove of folders.splice(0)) remove();
});

async function hostileInsightStore(): Promise<EventStore> {
  const { dir, remove } = tempFolder('trailtop-insight-attr-');
  folders.push(remove);
  const file = join(dir, 'insight.json');
  writeFileSync(
    file,
    recordsJson([
      {
        eventVersion: '1.08',
        eventID: 'insight-start-1',
        eventTime: '2024-03-05T12:10:00Z',
        eventType: 'AwsCloudTrailInsight',
        eventCategory: 'Insight',
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        awsRegion: 'us-east-1',
        recipientAccountId: '111122223333',
        sharedEventID: 'shared-1',
        insightDetails: {
          state: 'Start',
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          insightType: 'ApiCallRateInsight',
          insightContext: {
            statistics: { baseline: { average: 1 }, insight: { average: 9 } },
            attributions: [{ attribute: HOSTILE, insight: [{ value: 'v1', average: 3 }], baseline: [{ value: 'v2', average: 1 }] }],
          },
        },
      },
    ]),
  );
  const store = new EventStore(0);
  store.add((await readEventFile(file)).rows);
  store.flush();
  return store;
}

function mount(store: EventStore, width: number, height: number): Harness {
  const props = { store, rows: store.rows(), queryText: '', zone: 'utc' as const, width, height, onClose: vi.fn(), setQuery: vi.fn(), setStatus: vi.fn(), now: Date.UTC(2024, 2, 5, 13) };
  const h = renderApp(<InsightsView {...props} />, width, height + 1);
  open.push(h);
  return h;
}

describe('an Insight attribution named by the log', () => {
  it('is drawn with visible escapes as the title above its table (a tall window)', async () => {
    const h = mount(await hostileInsightStore(), 160, 60);
    const frame = await h.waitFor((f) => f.includes('Insights (1)') && f.includes('v1'));
    expect(frame).toContain('attr\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202e\\u2028\\x00end');
    expect(frame).not.toMatch(LEAK);
  });

  it('is drawn with visible escapes as its tab name and title (a short window: the attributions a Tab away)', async () => {
    const h = mount(await hostileInsightStore(), 80, 16);
    const chart = await h.waitFor((f) => f.includes('[Chart]'));
    expect(chart).toContain('attr\\x1b[2J');
    expect(chart).not.toMatch(LEAK);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const tab = await h.press(KEYS.tab, (f) => !f.includes('[Chart]'));
    expect(tab).toContain('[attr\\x1b[2J');
    expect(tab).not.toMatch(LEAK);
  });
});
