/** A boolean word typed in lower case is not silently searched as a word (issue 19; OR, AND and NOT in capitals are operators). */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { queryHint } from '../../src/ui/queryHints.js';
import { makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(() => h?.cleanup());

describe('query hints', () => {
  it('name or, and and not between two terms, outside quotes only', () => {
    expect(queryHint('name:A or name:B')).toBe("'or' is a word here: OR in capitals means either (name:A OR user:B)");
    expect(queryHint('user:x and name:y')).toBe("'and' is a word here: AND in capitals means both (name:A AND user:B)");
    expect(queryHint('name:x not name:y')).toMatch(/^'not' is a word here: NOT in capitals, or -term/);
    expect(queryHint('name:A OR name:B')).toBe('');
    expect(queryHint('user:x AND NOT name:y')).toBe('');
    expect(queryHint('user:"me or you"')).toBe('');
    expect(queryHint('oracle name:x')).toBe('');
    expect(queryHint('or')).toBe('');
  });

  // A rule: term naming no loaded rule matched nothing in silence (the CLI refuses it, an archive says so).
  it('name a rule: term that names none of the loaded rules, by id or title, negated too', () => {
    const rules = [
      { id: '0f0e8801-7b3e-407d-bcfd-d0172ba33299', title: 'CloudTrail trail stopped or deleted' },
      { id: 'ba7d736c-e387-466c-8381-c320944295b3', title: 'Root account used' },
    ];
    expect(queryHint('rule:no-such-rule', rules)).toBe(
      "rule:no-such-rule names none of the 2 detection rules loaded (rule: matches a rule's id or title, * globs; --rules DIR adds a folder)",
    );
    expect(queryHint('name:x -rule:*mfa*', rules)).toMatch(/^rule:\*mfa\* names none of the 2/);
    expect(queryHint('rule:*root*', rules)).toBe('');
    expect(queryHint('rule:"root account used"', rules)).toBe('');
    expect(queryHint('rule:0f0e8801*', rules)).toBe('');
    expect(queryHint('rule:*', rules)).toBe('');
    expect(queryHint('rule:*root* rule:typo', rules)).toMatch(/^rule:typo names none/);
    expect(queryHint('rule:no-such-rule')).toBe('');
  });

  // from:2024-03-06 to:2024-03-05 matched nothing in silence, where --since after --until is refused.
  it('name time terms that leave no time between them, at the top of the query only', () => {
    const hint = 'from/since is after to/until: no event can match (swapped?)';
    expect(queryHint('from:2024-03-06 to:2024-03-05')).toBe(hint);
    expect(queryHint('user:alice since:1h until:2h')).toBe(hint);
    expect(queryHint('to:2024-03-05 name:x from:2024-03-05T12:00Z')).toBe('');
    expect(queryHint('from:2024-03-05 to:2024-03-05')).toBe('');
    // Either side of an OR is its own range.
    expect(queryHint('from:2024-03-06 OR to:2024-03-05')).toBe('');
    expect(queryHint('from:2024-03-06 to:')).toBe('');
  });

  /** Types `query` at 80x24: the hint shows under the bar while typing and in the footer after Enter; the frame while typing. */
  async function hintShown(query: string, hint: string): Promise<string> {
    const store = new EventStore(0);
    store.add(makeRows(20));
    store.flush();
    h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    await h.waitFor((f) => f.includes('Event19'));
    await h.press('/');
    const typing = await h.press(query, (f) => f.includes(hint));
    const footer = (f: string) => f.split('\n').filter((l) => l.trim()).at(-1) ?? '';
    const frame = await h.press(KEYS.enter, (f) => footer(f).includes(hint));
    expect(frame).toContain(`Query / ${query}`);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    return typing;
  }

  it('show the or hint while typing and after Enter, at 80 columns', async () => {
    expect(await hintShown('name:Event1 or name:Event2', "'or' is a word here")).toContain('OR in capitals means either');
  });

  it('show the empty time range hint while typing and after Enter, at 80 columns', async () => {
    expect(await hintShown('from:2024-03-06 to:2024-03-05', 'from/since is after to/until')).toContain('no event can match (swapped?)');
  });
});
