/**
 * The timeline in a real terminal, on the shared stratus-red-team data set
 * and on samples/: the strip, the histogram view zoomed in on a burst, Enter
 * narrowing the list to it, and the order toggle. Needs a build and tmux.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { counts, hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stratus = path.resolve(repo, '../shared/datasets/stratus-red-team');
const samples = path.join(repo, 'samples');
requireTmuxInCi('the timeline tmux test');

const server = tmuxServer('timeline');
const tmux = server.run;

afterAll(() => server.kill());

function waitFor(session: string, until: (text: string) => boolean, what: string, timeoutMs = 25_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs, failOnExit: true });
}

function selected(text: string): string {
  return text.split('\n').find((l) => l.startsWith('›')) ?? '';
}

describe.skipIf(!hasTmux)('timeline under tmux', () => {
  it.skipIf(!existsSync(stratus))('stratus-red-team: zoom in on the AccessDenied burst, Enter lists it, o reads it oldest first', async () => {
    const s = 'stratus';
    server.start(s, 100, 30, trailtopCommand(repo, [stratus], 'NO_COLOR=1 LANG=C.UTF-8'));
    let text = await waitFor(s, (t) => t.includes('watching') && counts(t)?.total === 310, 'the load', 60_000);
    // The strip: weeks over the four months, the cursor (newest event) in the last bucket.
    const strip = text.split('\n')[1]!;
    expect(strip).toMatch(/^1w +[█▁▂▃▄▅▆▇! ]*┃ +288$/);

    tmux('send-keys', '-t', s, 'h');
    text = await waitFor(s, (t) => t.includes('Histogram 1w'), 'the histogram');
    expect(text).toMatch(/2024-07-29 [│|]!*█*!* +288/);
    expect(text).toMatch(/2024-08-05 [│|] +0/);
    tmux('send-keys', '-t', s, 'g');
    await waitFor(s, (t) => selected(t).includes('2024-07-29'), 'the first week');
    for (const size of ['1d', '12h', '6h', '3h', '1h']) {
      tmux('send-keys', '-t', s, '+');
      text = await waitFor(s, (t) => t.includes(`Histogram ${size} `), `zoom to ${size}`);
    }
    // 36 events in the hour of the burst, 32 of them errors (drawn `!` without colour).
    expect(selected(text)).toMatch(/07-30 21:00 [│|]█+!+ +36$/);
    expect(text).toContain('36 events · 07-30 21:00–22:00 · success 4 · error 32');
    tmux('send-keys', '-t', s, 'Enter');
    text = await waitFor(s, (t) => counts(t)?.shown === 36 && t.includes('Event time'), 'the narrowed list');
    expect(text).toContain('from:2024-07-30T21:00:00Z to:2024-07-30T21:59:59Z');
    expect(text).toContain('GetPasswordData');
    const newestFirst = selected(text);
    tmux('send-keys', '-t', s, 'o');
    text = await waitFor(s, (t) => t.includes('Oldest first'), 'the order toggle');
    // Still following: the cursor stays on the newest event, now at the bottom; the top row is the oldest.
    expect(selected(text)).toBe(newestFirst);
    const rows = text.split('\n').filter((l) => /^[›» *][!◆ ]\d\d-\d\d \d\d:\d\d:\d\d /.test(l));
    const times = rows.map((l) => l.slice(2, 16));
    expect(times).toEqual([...times].sort());
    tmux('send-keys', '-t', s, '[');
    text = await waitFor(s, (t) => counts(t)?.shown === 310, 'back to every event');
    tmux('send-keys', '-t', s, 'q');
    await waitFor(s, (t) => t.includes('EXITED'), 'the exit').catch(() => '');
  }, 120_000);

  it.skipIf(!existsSync(samples))('samples: the view at 80x24, a bucket listed with Enter, and ASCII under TERM=linux', async () => {
    const s = 'samples';
    server.start(s, 80, 24, trailtopCommand(repo, [samples], 'TERM=linux LANG=C.UTF-8'));
    let text = await waitFor(s, (t) => t.includes('watching') && (counts(t)?.total ?? 0) > 0, 'the load', 60_000);
    const total = counts(text)!.total;
    expect(text.split('\n')[1]!).toMatch(/^\d+[smhdw] +[_.:\-=+*# ]+ +\d+$/);
    tmux('send-keys', '-t', s, 'h');
    text = await waitFor(s, (t) => t.includes('Histogram '), 'the histogram');
    expect(text.replace(/\n+$/, '').split('\n').length).toBeLessThanOrEqual(24);
    expect(text.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    // Under TERM=linux every symbol trailtop draws is ASCII, its separators too (glyphs.ts own).
    expect(text.split('\n').filter((l) => /[^\x00-\x7f]/.test(l))).toEqual([]);
    const m = /^(\d[\d,]*) events? - /m.exec(text);
    expect(m).not.toBeNull();
    const inBucket = Number(m![1]!.replaceAll(',', ''));
    tmux('send-keys', '-t', s, 'Enter');
    text = await waitFor(s, (t) => counts(t)?.shown === inBucket && counts(t)?.total === total, 'the bucket listed');
    expect(text).toMatch(/Query \/ from:\S+ to:\S+/);
    tmux('send-keys', '-t', s, 'q');
    await waitFor(s, (t) => t.includes('EXITED'), 'the exit').catch(() => '');
  }, 120_000);
});
