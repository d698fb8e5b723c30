import { afterEach, describe, expect, it } from 'vitest';
import { openFolderState } from '../../src/state/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { COLUMNS } from '../../src/ui/columns.js';
import { chooserEntries, chosenColumns, moveColumn, toggleColumn } from '../../src/ui/investigate/columnChoice.js';
import { tempFolder } from '../support/files.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
  while (cleanups.length) cleanups.pop()!();
});

/** The dashboard over one CreateUser event, drawn. */
async function mountOneRow(columns: number, rows: number): Promise<Harness> {
  const store = new EventStore(0);
  store.add([makeRow({ name: 'CreateUser' })]);
  store.flush();
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, columns, rows);
  open.push(h);
  await h.waitFor((f) => f.includes('CreateUser'));
  return h;
}

describe('column choice', () => {
  it('keeps the time first, skips unknown ids, toggles and moves', () => {
    expect(chosenColumns(null)).toBe(COLUMNS);
    expect(chosenColumns(['agent', 'nope', 'time', 'name', 'agent']).map((d) => d.id)).toEqual(['time', 'agent', 'name']);
    const entries = chooserEntries(chosenColumns(['name', 'user']));
    expect(entries.slice(0, 3).map((e) => [e.def.id, e.shown])).toEqual([['time', true], ['name', true], ['user', true]]);
    expect(entries.find((e) => e.def.id === 'accessKey')!.shown).toBe(false);
    expect(toggleColumn(entries, 0)).toBeNull();
    expect(toggleColumn(entries, 1)).toEqual(['time', 'user']);
    const key = entries.findIndex((e) => e.def.id === 'accessKey');
    expect(toggleColumn(entries, key)).toEqual(['time', 'name', 'user', 'accessKey']);
    expect(moveColumn(entries, 2, -1)).toEqual(['time', 'user', 'name']);
    expect(moveColumn(entries, 1, -1)).toBeNull();
    expect(moveColumn(entries, key, -1)).toBeNull();
  });
});

describe('column chooser (C)', () => {
  it('shows the access key and user agent columns, moves one, and keeps the choice for the next run', async () => {
    const logs = tempFolder('trailtop-logs-');
    const home = tempFolder('trailtop-state-');
    cleanups.push(logs.remove, home.remove);
    const env = { XDG_STATE_HOME: home.dir };
    const store = new EventStore(0);
    store.add([makeRow({ name: 'GetObject', accessKey: 'AKIAEXAMPLEKEY000001', userAgent: 'Boto3/1.34' })]);
    store.flush();
    const mount = () => {
      const h = renderApp(<App store={store} folder={logs.dir} watching={false} env={{ NO_COLOR: '1' }} folderState={openFolderState(logs.dir, { enabled: true, env })} />, 200, 30);
      open.push(h);
      return h;
    };
    const h = mount();
    await h.waitFor((f) => f.includes('GetObject'));
    let frame = await h.press('C', (f) => f.includes('List columns'));
    expect(frame).toContain('[ ] Access key');
    const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
    for (let i = 0; i < 20 && !selected(h.frame()).includes('Access key'); i++) await h.press(KEYS.down);
    frame = await h.press(KEYS.enter, (f) => f.includes('[x] Access key'));
    for (let i = 0; i < 20 && !selected(h.frame()).includes('User agent'); i++) await h.press(KEYS.down);
    await h.press(' ', (f) => f.includes('[x] User agent'));
    // Move the user agent left of the access key.
    frame = await h.press('K', (f) => selected(f).includes('User agent') && f.indexOf('[x] User agent') < f.indexOf('[x] Access key'));
    frame = await h.press(KEYS.escape, (f) => f.includes('AKIAEXAMPLEKEY000001'));
    const title = frame.split('\n').find((l) => l.includes('Event time'))!;
    expect(title.indexOf('User agent')).toBeGreaterThan(0);
    expect(title.indexOf('User agent')).toBeLessThan(title.indexOf('Access key'));
    expect(frame).toContain('Boto3/1.34');
    h.cleanup();
    const again = mount();
    frame = await again.waitFor((f) => f.includes('GetObject'));
    expect(frame).toContain('AKIAEXAMPLEKEY000001');
    await again.press('C', (f) => f.includes('List columns'));
    await again.press('r', (f) => f.includes('Default columns'));
    frame = await again.press(KEYS.escape, (f) => !f.includes('List columns'));
    expect(frame).not.toContain('AKIAEXAMPLEKEY000001');
  });
});

describe('K/J in the column chooser', () => {
  it('say why a hidden column or the time does not move', async () => {
    const h = await mountOneRow(100, 24);
    await h.press('C', (f) => f.includes('List columns'));
    await h.press('G', (f) => (f.split('\n').find((l) => l.startsWith(' ›')) ?? '').includes('[ ] Error message'));
    await h.press('K', (f) => f.includes('A hidden column has no place: show it first (Enter)'));
    await h.press('g', (f) => (f.split('\n').find((l) => l.startsWith(' ›')) ?? '').includes('Event time'));
    await h.press('J', (f) => f.includes('The event time column stays first'));
  });
});

describe('column chooser at 80x24', () => {
  it('its title and note fit whole: hints dropped whole (? more), the note shortened, nothing cut', async () => {
    const h = await mountOneRow(80, 24);
    const frame = await h.press('C', (f) => f.includes('List columns'));
    const lines = frame.split('\n');
    const title = lines.find((l) => l.includes('List columns'))!;
    const note = lines.find((l) => l.includes('Columns that do not fit'))!;
    expect(title).not.toContain('…');
    expect(title).toContain('? more');
    expect(note).not.toContain('…');
    expect(note).toContain('least needed first');
  });
});

describe('columns turned on at 80x24', () => {
  // QA: Account and Identity type turned on showed neither; the title said only `+IP +5`.
  it('are shown, the default columns giving way, and the title row says how many are hidden', async () => {
    const h = await mountOneRow(80, 24);
    const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
    await h.press('C', (f) => f.includes('List columns'));
    for (const title of ['Account', 'Identity type']) {
      for (let i = 0; i < 20 && !selected(h.frame()).includes(`] ${title}`); i++) await h.press(KEYS.down);
      await h.press(KEYS.enter, (f) => f.includes(`[x] ${title}`));
    }
    const frame = await h.press(KEYS.escape, (f) => !f.includes('List columns'));
    const lines = frame.split('\n');
    const titles = lines.find((l) => l.includes('Event time'))!;
    expect(titles).toContain('Account');
    expect(titles).toContain('Identity');
    expect(titles).toMatch(/ \+\d+$/);
    const row = lines.find((l) => l.includes('CreateUser'))!;
    expect(row).toContain('111122223333');
    expect(row).toContain('IAMUser');
  });
});

describe('column chooser keys faster than frames', () => {
  // QA: `tmux send-keys K K K` on Source IP moved it once (or moved another column): each key
  // read the columns of the last frame, not the ones the key before it had just chosen.
  const order = (frame: string): string[] =>
    frame
      .split('\n')
      .filter((l) => l.includes('[x]'))
      .map((l) => l.replace(/^.*\[x\] /, '').replace(' (always)', '').trim());

  it('applies every K and J of one burst, and every Space, to the latest choice', async () => {
    const h = await mountOneRow(100, 30);
    const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
    await h.press('C', (f) => f.includes('List columns'));
    await h.press('jjjjjjjj', (f) => selected(f).includes('Source IP'));
    let frame = await h.press('KKK', (f) => order(f).indexOf('Source IP') === 5);
    expect(order(frame)).toEqual(['Event time', 'Event name', 'User name', 'Event source', 'Resource type', 'Source IP', 'Resource name', 'Error code', 'Region']);
    expect(selected(frame)).toContain('Source IP');
    frame = await h.press('JJ', (f) => order(f).indexOf('Source IP') === 7);
    expect(order(frame)).toEqual(['Event time', 'Event name', 'User name', 'Event source', 'Resource type', 'Resource name', 'Error code', 'Source IP', 'Region']);
    // Space hides Source IP (the selection follows it to the hidden ones), k goes up to Region, Space hides it too.
    frame = await h.press(' k ', (f) => !order(f).includes('Source IP') && !order(f).includes('Region'));
    expect(order(frame)).toEqual(['Event time', 'Event name', 'User name', 'Event source', 'Resource type', 'Resource name', 'Error code']);
  });
});
