/**
 * Issue 20, item 8: invisible characters are shown as escapes (ad\u200bmin
 * must not look like admin) and emoji sequences are measured by the most any
 * terminal draws, so rows are cut early rather than wrapped (tmux 3.3 draws
 * 👍🏽 as 4 columns; 40 of them in an eventName pushed the header off screen).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/commands/scan.js';
import { summarizeStore } from '../../src/commands/scanSummary.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { normalize } from '../../src/model/normalize.js';
import { EventStore } from '../../src/store/eventStore.js';
import { sanitize, sanitizeMultiline } from '../../src/term/sanitize.js';
import { displayWidth, truncate } from '../../src/term/width.js';
import { hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';
import { REPO } from './cli.js';

const INVISIBLE = ['\u200b', '\u2060', '\u00ad', '\ufeff', '\u{e0041}', '\u200c', '\u200d', '\u034f', '\u180e', '\u3164', '\u2064'];

describe('invisible characters', () => {
  it('each is a visible escape, in one-line and multi-line text', () => {
    for (const ch of INVISIBLE) {
      const shown = sanitize(`ad${ch}min`);
      expect(shown, JSON.stringify(ch)).not.toBe('admin');
      expect(shown).toMatch(/^ad\\(x[0-9a-f]{2}|u[0-9a-f]{4,5})min$/);
      expect(sanitizeMultiline(`ad${ch}min`)).toBe(shown);
    }
    expect(sanitize('ad\u200bmin')).toBe('ad\\u200bmin');
    expect(sanitize('x\u{e0041}y')).toBe('x\\ue0041y');
  });

  it('a joiner between two emoji stays (👩‍💻 is one emoji); between letters it shows', () => {
    expect(sanitize('👩\u200d💻')).toBe('👩\u200d💻');
    expect(sanitize('👋🏽\u200d💻')).toBe('👋🏽\u200d💻');
    expect(sanitize('a\u200db')).toBe('a\\u200db');
    expect(sanitize('👩\u200db')).toBe('👩\\u200db');
  });

  it('a variation selector after a letter shows (ad\\ufe0fmin drew as admin); one that picks an emoji, keycap or ideograph form stays', () => {
    for (const ch of ['\ufe0f', '\ufe0e', '\ufe00', '\u{e0100}', '\u{e01ef}', '\u{1bca0}', '\u{e0fff}']) {
      const shown = sanitize(`ad${ch}min`);
      expect(shown, JSON.stringify(ch)).toMatch(/^ad\\u[0-9a-f]{4,5}min$/);
      expect(sanitizeMultiline(`ad${ch}min`)).toBe(shown);
    }
    expect(sanitize('admin\ufe0e')).toBe('admin\\ufe0e');
    expect(sanitize('☺\ufe0f ok')).toBe('☺\ufe0f ok');
    expect(sanitize('❤\ufe0f\u200d🔥')).toBe('❤\ufe0f\u200d🔥');
    expect(sanitize('1\ufe0f\u20e3')).toBe('1\ufe0f\u20e3');
    expect(sanitize('1\ufe0fx')).toBe('1\\ufe0fx');
    expect(sanitize('葛\u{e0100}城')).toBe('葛\u{e0100}城');
    // One selector picks a form; a second after it picks nothing.
    expect(sanitize('❤\ufe0f\ufe0f')).toBe('❤\ufe0f\\ufe0f');
  });

  it('an emoji selector after an emoji already drawn as one shows: bob😀 and bob😀\\ufe0f no longer look alike', () => {
    // Two role session names, user agents or object keys that T counts apart and `=` tells apart must not draw alike.
    expect(sanitize('bob😀')).toBe('bob😀');
    expect(sanitize('bob😀\ufe0f')).toBe('bob😀\\ufe0f');
    expect(sanitize('bob😀\ufe0f')).not.toBe(sanitize('bob😀'));
    expect(sanitize('👍\ufe0f')).toBe('👍\\ufe0f');
    expect(sanitize('😀\ufe0f\ufe0f')).toBe('😀\\ufe0f\\ufe0f');
    // The text form, which terminals draw as the emoji anyway, shows too.
    expect(sanitize('bob😀\ufe0e')).toBe('bob😀\\ufe0e');
    expect(sanitize('☺\ufe0e')).toBe('☺\\ufe0e');
    // Where the selector changes the glyph it stays: text-default symbols, flags built on one, keycaps, ideographs.
    for (const kept of ['☺\ufe0f', '❤\ufe0f', '✔\ufe0f', '©\ufe0f', '🏳\ufe0f\u200d🌈', '#\ufe0f\u20e3', '👁\ufe0f\u200d🗨\ufe0f']) expect(sanitize(kept)).toBe(kept);
  });

  it('scan text shows ad\\u200bmin, not admin', () => {
    const store = new EventStore();
    store.add([normalize({ eventID: 'i1', eventTime: '2024-01-01T00:00:00Z', eventName: 'Get', userIdentity: { type: 'IAMUser', userName: 'ad\u200bmin' } }, new RecordBatch('f'), 0)]);
    const text = formatSummary(summarizeStore(store, null, { folder: 'x' }));
    expect(text).toContain('ad\\u200bmin');
    expect(text).not.toMatch(/ad\u200bmin/);
  });
});

describe('emoji sequences are measured by the widest terminal', () => {
  it('skin tones and ZWJ sequences count 2 per emoji; truncation cuts early', () => {
    expect(displayWidth('👍🏽')).toBe(4);
    expect(displayWidth('👍🏽'.repeat(40))).toBe(160);
    expect(displayWidth(truncate('👍🏽'.repeat(40), 30))).toBeLessThanOrEqual(30);
    expect(displayWidth('👍')).toBe(2);
    expect(displayWidth('❤️')).toBe(2);
  });
});

requireTmuxInCi('the emoji row test');

describe.skipIf(!hasTmux)('the dashboard under tmux with 40 👍🏽 in an eventName', () => {
  const server = tmuxServer('i20-emoji');
  const dir = mkdtempSync(join(tmpdir(), 'trailtop-i20-emoji-'));
  afterAll(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the header on the first line and no row wraps', async () => {
    const records = Array.from({ length: 5 }, (_, k) => ({
      eventVersion: '1.08',
      eventID: `emoji-${k}`,
      eventTime: `2024-03-05T12:0${k}:00Z`,
      eventName: k === 2 ? '👍🏽'.repeat(40) : 'DescribeInstances',
      eventSource: 'ec2.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: k === 3 ? '👨‍👩‍👧‍👦'.repeat(30) : 'alice' },
    }));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: records }));
    server.start('emoji', 100, 30, trailtopCommand(REPO, [dir], 'NO_COLOR=1'));
    const screen = await server.waitFor('emoji', (t) => t.includes('5 events') && t.includes('👍'), 'the list with the emoji row', { timeoutMs: 20_000, failOnExit: true });
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^trailtop /);
    // A wrapped row would push the list down: the header and every row stay one line each.
    expect(lines.filter((l) => l.includes('DescribeInstances')).length).toBe(4);
    const cursorRows = Number(server.run('display-message', '-p', '-t', 'emoji', '#{history_size}').trim());
    expect(cursorRows).toBe(0);
    server.keys('emoji', 'q');
    await server.waitFor('emoji', (t) => t.includes('EXITED 0'), 'quit', { timeoutMs: 10_000 });
  }, 40_000);
});
