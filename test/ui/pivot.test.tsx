import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { pickMissText, pickPromptLines, pickTerm } from '../../src/ui/investigate/pivotPick.js';
import { displayWidth } from '../../src/term/width.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function mount(rows: EventRow[], columns = 100, height = 30): Harness {
  const store = new EventStore(0);
  store.add(rows);
  store.flush();
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} />, columns, height);
  open.push(h);
  return h;
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

function rows(): EventRow[] {
  return [
    makeRow({ name: 'CreateUser', actor: 'alice', sourceIp: '203.0.113.7' }),
    makeRow({ name: 'PutObject', actor: 'bob', sourceIp: '198.51.100.9' }),
    makeRow({ name: 'DeleteTrail', actor: 'carol', sourceIp: '203.0.113.7' }),
  ];
}

describe('pivots', () => {
  it('from the details: Tab to the source IP, = filters by it (the details stay open), [ comes back to those details, - excludes it (they close), + adds', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    for (let i = 0; i < 20 && !selected(h.frame()).includes('Source IP'); i++) await h.press(KEYS.tab);
    expect(selected(h.frame())).toContain('203.0.113.7');
    let frame = await h.press('=', (f) => f.includes('2 of 3 events'));
    expect(frame).toContain('ip:203.0.113.7');
    expect(frame).not.toContain('PutObject');
    expect(frame).toContain('Filtered by ip:203.0.113.7');
    expect(frame).toContain('Event details');
    frame = await h.press('[', (f) => f.includes('Event details') && f.includes('3 events') && !f.includes('2 of 3 events'));
    // Back in the details the pivot was made from, the value still selected.
    expect(frame).toContain('DeleteTrail');
    expect(selected(frame)).toContain('203.0.113.7');

    // The event itself is left out: the details close, the cursor on the event in its place.
    frame = await h.press('-', (f) => f.includes('1 of 3 events') && !f.includes('Event details'));
    expect(frame).toContain('-ip:203.0.113.7');
    expect(selectedRow(frame)).toContain('PutObject');

    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    for (let i = 0; i < 20 && !selected(h.frame()).includes('User name'); i++) await h.press(KEYS.tab);
    frame = await h.press('+', (f) => f.includes('-ip:203.0.113.7 user:bob'));
    expect(frame).toContain('1 of 3 events');
  });

  it('in the details, = with nothing selected says how to select', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    await h.press('=', (f) => f.includes('Select a value first'));
  });

  // It said "Select a value first" with a link selected, as if nothing were.
  it('in the details, = on a console link says it is a link, not a value, and leaves the query alone', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    for (let i = 0; i < 30 && !selected(h.frame()).includes('https://'); i++) await h.press(KEYS.tab);
    expect(selected(h.frame())).toContain('Console');
    const frame = await h.press('=', (f) => f.includes('is a link'));
    expect(frame).toContain('Event in console is a link, not a value to filter by (y copies it)');
    expect(frame).toContain('3 events');
  });

  it('from the list: = asks which field, a letter picks it, Esc or an unknown letter cancels', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press('j');
    let frame = await h.press('=', (f) => f.includes('Filter by:'));
    expect(frame).toContain('u user bob');
    frame = await h.press('u', (f) => f.includes('1 of 3 events'));
    expect(frame).toContain('user:bob');
    await h.press('[', (f) => f.includes('DeleteTrail'));
    await h.press('-', (f) => f.includes('Exclude:'));
    await h.press(KEYS.escape, (f) => !f.includes('Exclude:'));
    expect(h.frame()).toContain('3 events');
    await h.press('-', (f) => f.includes('Exclude:'));
    await h.press('i', (f) => f.includes('-ip:'));
  });
});

describe('a field letter for a value the row lacks', () => {
  it('says which value is missing, for every letter; a letter of no field says that', () => {
    const row = makeRow({ actor: '', sourceIp: '', accessKey: '', name: '', source: '', errorCode: '', region: '', account: '', recipientAccount: '', userAgent: '', identityType: '' });
    const pick = { op: 'add' as const, row };
    const said = Object.fromEntries([...'uiknsergat'].map((letter) => [letter, pickTerm(pick, letter) ?? pickMissText(letter)]));
    expect(said).toEqual({
      u: 'No pivot: this event has no user',
      i: 'No pivot: this event has no source IP',
      k: 'No pivot: this event has no access key',
      n: 'No pivot: this event has no event name',
      s: 'No pivot: this event has no event source',
      e: 'No pivot: this event has no error code',
      r: 'No pivot: this event has no region',
      a: 'No pivot: this event has no account',
      g: 'No pivot: this event has no user agent',
      t: 'No pivot: this event has no identity type',
    });
    expect(pickMissText('x')).toBe('No pivot: that letter names no field');
  });

  // The Error code column shows a failed sign-in's errorMessage; `e` said "no error code", as error:VALUE could not match it then.
  it('e on a failed console sign-in pivots on what its Error code column shows: error:"Failed authentication" lists it', async () => {
    const others = [...rows(), makeRow({ name: 'ConsoleLogin', source: 'signin.amazonaws.com' })];
    // The newest: the cursor starts on it.
    const failed = makeRow({ name: 'ConsoleLogin', source: 'signin.amazonaws.com', errorMessage: 'Failed authentication' });
    expect(pickTerm({ op: 'replace', row: failed }, 'e')).toEqual({ field: 'error', value: 'Failed authentication' });
    const h = mount([...others, failed]);
    await h.waitFor((f) => f.includes('Failed authentication'));
    const frame = await h.press('=e', (f) => f.includes('1 of 5 events'));
    expect(frame).toContain('error:"Failed authentication"');
    expect(frame).not.toContain('No pivot');
  });

  it('+ e on a row without an error code says so on the status line', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('DeleteTrail'));
    const frame = await h.press('+e', (f) => f.includes('No pivot'));
    expect(frame).toContain('No pivot: this event has no error code');
  });
});

describe('the list asks which field at 80 columns', () => {
  it('every letter of the row is on the status line with its label (two lines at 80), then values as they fit; nothing cut', async () => {
    const row = makeRow({
      name: 'GetSecretValue',
      actor: 'stratus-red-team-get-secrets-role/aws-go-sdk-1722375070115152000',
      sourceIp: '209.209.254.254',
      accessKey: 'ASIA0W5KI69TY8X86BGT',
      errorCode: 'AccessDenied',
      region: 'us-east-1',
      userAgent: 'aws-sdk-go-v2/1.32.3 os/linux lang/go#1.23.1',
      identityType: 'AssumedRole',
    });
    const h = mount([row], 80, 24);
    await h.waitFor((f) => f.includes('GetSecretValue'));
    const frame = await h.press('=', (f) => f.includes('Filter by:'));
    const all = frame.split('\n');
    const at = all.findIndex((l) => l.startsWith('Filter by:'));
    // QA: the question read `... s source · e · r · a · g · t`, the last keys unlabelled. It goes on to a
    // second line, the last of the frame, with the zone at its end; the list gives up a line for it.
    const status = all.slice(at).filter((l) => l.trim() !== '');
    expect(status).toHaveLength(2);
    for (const line of status) expect(line.trimEnd().length).toBeLessThanOrEqual(80);
    expect(status.join('')).not.toContain('…');
    const pieces = status
      .map((l) => l.replace(/\s+UTC\s*$/, '').replace(/^Filter by: /, '').trim())
      .join(' · ')
      .split(' · ')
      .filter((p) => p !== 'Esc cancels');
    expect(pieces.map((p) => p.split(' ')[0])).toEqual(['u', 'i', 'k', 'n', 's', 'e', 'r', 'a', 'g', 't']);
    const labels = ['user', 'IP', 'key', 'name', 'source', 'error', 'region', 'account', 'agent', 'identity'];
    pieces.forEach((p, i) => expect(p.split(' ')[1]).toBe(labels[i]));
    expect(all.length).toBeLessThanOrEqual(23);
    await h.press('t', (f) => f.includes('identity:AssumedRole'));
  });
});

describe('the pivot question at any width', () => {
  it('labels every letter and keeps each line within the width, from 40 to 200 columns', () => {
    const row = makeRow({ actor: 'a'.repeat(60), accessKey: 'ASIA0W5KI69TY8X86BGT', errorCode: 'AccessDenied', region: 'us-east-1', userAgent: 'ua', identityType: 'AssumedRole' });
    for (let width = 40; width <= 200; width++) {
      const lines = pickPromptLines({ op: 'exclude', row }, width);
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      const text = lines.join(' ');
      for (const piece of ['u user', 'i IP', 'k key', 'n name', 's source', 'e error', 'r region', 'a account', 'g agent', 't identity']) expect(text).toContain(piece);
    }
    expect(pickPromptLines({ op: 'exclude', row }, 300)).toHaveLength(1);
  });
});
