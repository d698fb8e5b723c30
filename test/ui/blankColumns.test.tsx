/**
 * The review's screen: traildiscover at 140x45, a histogram span (h, v, Enter) over
 * events with no error, and `demo-create-iam-user-ha…` cut while a blank Error column
 * kept its width. Blank columns give way to cut names at every width (80x24 too), and come
 * back when the window widens enough for the names whole, or rows with a value come into view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

const HANDLER = 'demo-create-iam-user-handler';

/** As traildiscover: a burst in 2024-08, all denied, and six calls on 2026-03-11 without an error. */
function rows(): EventRow[] {
  const fn = { type: 'AWS::Lambda::Function', name: HANDLER, arn: '', accountId: '' };
  const march = Date.UTC(2026, 2, 11, 7, 2, 30);
  const quiet = ['DescribeNetworkInterfaces', 'ListFunctions20150331', 'GetFunctionConfiguration20150331v2', 'GetFunction20150331v2', 'DescribeRepositories', 'GetAuthorizationToken'].map((name, i) =>
    makeRow({ name, actor: 'SSO/AdanAlvarez', source: 'lambda.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', time: march + i * 2000, resources: name.startsWith('GetFunction') ? [fn] : [] }),
  );
  const denied = ['DeleteWebACL', 'UpdateIPSet', 'ListDetectors'].map((name, i) =>
    makeRow({ name, actor: 'TrailDiscover', source: 'wafv2.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', errorCode: 'AccessDenied', time: Date.UTC(2024, 7, 18, 16, i), resources: [] }),
  );
  return [...denied, ...quiet];
}

function mount(columns: number, height: number): Harness {
  const store = new EventStore(0);
  store.add(rows());
  store.flush();
  const h = renderApp(<App store={store} folder="/work/shared/datasets/traildiscover" watching={false} env={PLAIN} />, columns, height);
  open.push(h);
  return h;
}

const titles = (f: string) => f.split('\n').find((l) => l.includes('Event time')) ?? '';

/** h, v, Enter: the histogram opens on the newest event's bucket; the span is that bucket, listed. */
async function spanOfNewestBucket(h: Harness): Promise<string> {
  await h.waitFor((f) => f.includes('SSO/AdanAlvarez') && f.includes('AccessDenied'));
  await h.press('h', (f) => f.includes('Histogram'));
  await h.press('v');
  return h.press(KEYS.enter, (f) => f.includes('6 of 9 events') && !f.includes('Histogram') && f.includes(HANDLER.slice(0, 8)));
}

describe('blank columns after a histogram span', () => {
  it('at 140x45 the blank Error column gives its cells to the resource name, which is whole', async () => {
    const h = mount(140, 45);
    const frame = await spanOfNewestBucket(h);
    expect(frame).toContain(HANDLER);
    expect(frame).not.toContain('AccessDenied');
    expect(titles(frame)).toContain('+Error');
    expect(titles(frame)).not.toContain('Error code');
    expect(frame).toContain('GetFunctionConfiguration20150331v2');
  });

  it('at 80x24 too the blank Error column gives way (+Error): its cells read more of the names', async () => {
    const h = mount(80, 24);
    const frame = await spanOfNewestBucket(h);
    expect(titles(frame)).toContain('+Error');
    expect(titles(frame)).not.toMatch(/ Error\b/);
    expect(frame).toContain(HANDLER.slice(0, 20));
    // Back in the whole list, AccessDenied rows a screen away or in view: the column is back.
    await h.press('[', (f) => f.includes('9 events') && / Error\b/.test(titles(f)));
  });

  it('the hidden column comes back when the window widens (the names whole) and below 100 columns, and goes again at 140', async () => {
    const h = mount(140, 45);
    await spanOfNewestBucket(h);
    h.stdout.resize(200, 45);
    let frame = await h.waitFor((f) => titles(f).includes('Error code'));
    expect(frame).toContain(HANDLER);
    // Below 100 columns the names are cut again: the blank column gives way there too.
    h.stdout.resize(80, 24);
    frame = await h.waitFor((f) => /^ {2}Event time {5}Event name/.test(titles(f)) && titles(f).includes('+Error'));
    h.stdout.resize(140, 45);
    frame = await h.waitFor((f) => titles(f).includes('+Error') && f.includes(HANDLER));
    expect(titles(frame)).not.toContain('Error code');
  });
});
