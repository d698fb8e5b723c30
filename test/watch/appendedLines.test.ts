import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAppendedLines, resumeAfterFullRead } from '../../src/ingest/appendedLines.js';
import { readEventFile } from '../../src/ingest/read.js';
import { makeEvent, tempFolder } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const line = (id: string) => `${JSON.stringify(makeEvent(id))}\n`;

describe('appended JSON lines', () => {
  it('continues after the last complete line with the reader’s record numbers', async () => {
    const temp = tempFolder('trailtop-lines-');
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'stream.jsonl');
    const partial = line('c').slice(0, 25);
    writeFileSync(path, `${line('a')}\n  \n${line('b')}${partial}`);
    const first = await readEventFile(path);
    expect(first.rows.map((r) => r.id)).toEqual(['a', 'b']);
    const resume = resumeAfterFullRead(path, first.bytes)!;
    expect(resume.index).toBe(2);

    // The partial line completes; a CloudWatch-style prefixed line and a blank line follow; another partial starts.
    appendFileSync(path, `${line('c').slice(25)}2024-03-05T12:00:00Z ${line('d')}\n${line('e').slice(0, 10)}`);
    const next = readAppendedLines(path, resume)!;
    expect(next.rows.map((r) => r.id)).toEqual(['c', 'd']);
    expect(next.openTail).toBe(true);
    expect(next.reason).toBe('');

    // Record numbers agree with a whole read of the file, so readRecord finds them.
    appendFileSync(path, line('e').slice(10));
    const last = readAppendedLines(path, next.resume)!;
    expect(last.rows.map((r) => r.id)).toEqual(['e']);
    expect(last.openTail).toBe(false);
    const whole = await readEventFile(path);
    const refs = new Map(whole.rows.map((r) => [r.id, r.recordIndex]));
    for (const row of [...next.rows, ...last.rows]) expect(row.recordIndex).toBe(refs.get(row.id));
  });

  it('gives up (so the file is read whole) when the file shrank or was rewritten', async () => {
    const temp = tempFolder('trailtop-lines-');
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'stream.jsonl');
    writeFileSync(path, line('a') + line('b'));
    const resume = resumeAfterFullRead(path, Number.MAX_SAFE_INTEGER)!;
    writeFileSync(path, line('x'));
    expect(readAppendedLines(path, resume)).toBeNull();
    writeFileSync(path, line('y') + line('z') + line('w'));
    expect(readAppendedLines(path, resume)).toBeNull();
    expect(readAppendedLines(join(temp.dir, 'gone.jsonl'), resume)).toBeNull();
  });
});
