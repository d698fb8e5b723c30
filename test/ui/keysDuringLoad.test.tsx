/**
 * No keystroke is lost or reordered while a folder loads. A busy dashboard
 * gets several keys in one chunk; term/keyInput.ts hands Ink one keystroke
 * at a time, so `?`, Esc, `j` in one chunk open help, close it and move the
 * cursor, where Ink alone read Esc+j as Alt+j and left help open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { guardKeyInput, splitKeystrokes } from '../../src/term/keyInput.js';
import { App } from '../../src/ui/App.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
let timers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const t of timers) clearInterval(t);
  for (const h of open) h.cleanup();
  open = [];
  timers = [];
});

/** A store that keeps loading: a batch of rows every few milliseconds, as a big folder does. */
function loadingStore(): EventStore {
  const store = new EventStore(0);
  store.updateProgress((p) => {
    p.phase = 'loading';
  });
  let batch = 0;
  store.add(makeRows(200, Date.UTC(2024, 0, 1)));
  store.flush();
  timers.push(
    setInterval(() => {
      batch++;
      // Older than what is shown, so the rows on screen stay put while the load goes on.
      store.add(makeRows(200, Date.UTC(2023, 0, 1) - batch * 1_000_000));
      store.flush();
    }, 3),
  );
  return store;
}

const selected = (frame: string): string => frame.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('keys during a load', () => {
  it('split a chunk into keystrokes: sequences, control keys and lone Esc apart, typed text together', () => {
    expect(splitKeystrokes('?\u001bj')).toEqual(['?', '\u001b\u001b', 'j']);
    expect(splitKeystrokes('ab\u007f\u007fc\r')).toEqual(['ab', '\u007f', '\u007f', 'c', '\r']);
    expect(splitKeystrokes('\u001b[A\u001b[5~j\u001bOPk')).toEqual(['\u001b[A', '\u001b[5~', 'j', '\u001bOP', 'k']);
    expect(splitKeystrokes('\u001b\u001b[A')).toEqual(['\u001b\u001b[A']);
    expect(splitKeystrokes('\u001b')).toEqual(['\u001b']);
    expect(splitKeystrokes('x\u001b[1;')).toEqual(['x', '\u001b[1;']);
    expect(splitKeystrokes('a\u0015b\u0017')).toEqual(['a', '\u0015', 'b', '\u0017']);
  });

  it('gives each key in one chunk its effect while rows keep arriving', async () => {
    const store = loadingStore();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    guardKeyInput(h.stdin); // as run.tsx guards process.stdin
    await h.waitFor((f) => selected(f).includes('Event199 '));

    // ? opens help, Esc closes it, j moves down one row: all in one chunk.
    h.stdin.write('?\u001bj');
    let frame = await h.waitFor((f) => selected(f).includes('Event198 '));
    expect(frame).not.toContain('? or Esc close');
    expect(frame).toContain('paused');

    // A whole query typed and applied in one chunk, then moves: each key counts, in order.
    h.stdin.write('/name:Event1*\rjj');
    frame = await h.waitFor((f) => f.includes('Query / name:Event1*') && f.includes('Enter details') && selected(f).includes('Event197 '));
    // Backspaces and text in one chunk, Esc cancels the edit (the cursor back on Event197), k moves up to Event198.
    h.stdin.write('/\u007f\u007fx\u001bk');
    frame = await h.waitFor((f) => f.includes('Query / name:Event1*') && selected(f).includes('Event198 '));
    expect(frame).toContain('Enter details');
  });

  it('moves in the rows of a query applied in the same chunk, though re-filtering a big store takes a while', async () => {
    const store = new EventStore(0);
    store.add(makeRows(60_000, Date.UTC(2024, 0, 1)));
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    guardKeyInput(h.stdin);
    await h.waitFor((f) => selected(f).includes('Event59999 '));
    // The newest rows are Event59999, 59998...; the query's are Event19999, 19998...
    h.stdin.write('/name:Event1*\rj');
    const frame = await h.waitFor((f) => f.includes('Enter details') && /of 60,000 events/.test(f) && f.includes('paused'));
    expect(selected(frame)).toContain('Event19998 ');
  });
});

describe('q while a query is being filtered', () => {
  /** 60,000 rows: more than FilteredView filters at once, so a query's rows come over many turns. */
  function big(onQuit: () => void): Harness {
    const store = new EventStore(0);
    store.add(makeRows(60_000, Date.UTC(2024, 0, 1)));
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} onQuit={onQuit} />, 100, 30);
    open.push(h);
    guardKeyInput(h.stdin);
    return h;
  }

  it('quits in the same read, before the rows are filtered (it waited for them, up to 2 s at 1M)', async () => {
    let quits = 0;
    const h = big(() => quits++);
    await h.waitFor((f) => selected(f).includes('Event59999 '));
    // The write hands Ink the chunk synchronously: no turn of the event loop for the re-filter in between.
    h.stdin.write('/name:Event1*\rq');
    expect(quits).toBe(1);
  });

  it('a view opened by a key held before it gets q: h then q quits from the histogram, not lost to the list under it', async () => {
    let quits = 0;
    const h = big(() => quits++);
    await h.waitFor((f) => selected(f).includes('Event59999 '));
    h.stdin.write('/name:Event1*\rhq');
    await h.waitFor(() => quits > 0, 3_000).catch(() => undefined);
    expect(quits).toBe(1);
  });

  it('a key held before it goes first: `/` then q adds q to the query in the bar, quitting nothing', async () => {
    let quits = 0;
    const h = big(() => quits++);
    await h.waitFor((f) => selected(f).includes('Event59999 '));
    h.stdin.write('/name:Event1*\r/q');
    await h.waitFor((f) => f.includes('name:Event1*q'));
    expect(quits).toBe(0);
  });
});
