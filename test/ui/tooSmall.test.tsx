/**
 * QA: at 20 columns or fewer the dashboard crashed (the help lines, built for
 * every width, read the places of a key group that has none) instead of saying
 * the terminal is too small. Every width under 40, on start and on resize, in
 * memory and on an archive, must show the message whole and come back when the
 * terminal grows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { helpLines } from '../../src/ui/HelpOverlay.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };

function fiveRows(): EventStore {
  const store = new EventStore(0);
  store.add(makeRows(5));
  store.flush();
  return store;
}

/** The message may wrap anywhere on a very narrow terminal: read it with the line breaks taken out. */
function saysTooSmall(frame: string): boolean {
  return frame.replace(/\s+/g, '').includes('terminaltoosmall');
}

/** Fails the test when Ink stopped on a render error (the crash showed as an empty frame, then exit 1). */
function watchCrash(h: Harness): () => unknown {
  let crash: unknown = null;
  h.instance.waitUntilExit().catch((error: unknown) => (crash = error));
  return () => crash;
}

async function sweep(h: Harness, crashed: () => unknown, rowsAt: number, until: (f: string) => boolean): Promise<void> {
  for (let columns = 39; columns >= 1; columns--) {
    h.stdout.resize(columns, rowsAt);
    // From 20 columns the whole message fits in the 7 lines; narrower, its start does.
    const whole = `(${columns}x${rowsAt},need40x8);qquits`;
    const frame = await h.waitFor((f) => crashed() !== null || (saysTooSmall(f) && (columns < 20 || f.replace(/\s+/g, '').includes(whole))));
    expect(crashed()).toBeNull();
    expect(frame.split('\n').length).toBeLessThan(rowsAt);
  }
  h.stdout.resize(100, 30);
  await h.waitFor((f) => crashed() !== null || until(f));
  expect(crashed()).toBeNull();
}

describe('a terminal narrower than 40 columns', () => {
  it('builds the help at any width, a key group without places included', () => {
    for (let width = 1; width <= 200; width++) expect(() => helpLines(['q'], { insights: true, export: true }, width)).not.toThrow();
  });

  it('says it is too small from the start at 20 columns, the whole message readable', async () => {
    const h = renderApp(<App store={fiveRows()} folder="/logs" watching={false} env={PLAIN} />, 20, 24);
    const crashed = watchCrash(h);
    try {
      const frame = await h.waitFor((f) => crashed() !== null || saysTooSmall(f));
      expect(crashed()).toBeNull();
      expect(frame.replace(/\s+/g, ' ')).toContain('need 40x8); q quits');
    } finally {
      h.cleanup();
    }
  });

  it('in memory: every width from 39 down to 1 says so, and growing back brings the list', async () => {
    const h = renderApp(<App store={fiveRows()} folder="/logs" watching={false} env={PLAIN} />, 100, 30);
    const crashed = watchCrash(h);
    try {
      await h.waitFor((f) => f.includes('Event4'));
      await sweep(h, crashed, 8, (f) => f.includes('Event4'));
    } finally {
      h.cleanup();
    }
  });

  describe('on an archive (--db)', () => {
    let archive: TestArchive;
    beforeAll(async () => {
      archive = await archiveOf([{ eventID: 'e1', eventTime: '2024-03-05T10:00:00Z', eventName: 'OnlyCall', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1' }]);
    }, 60_000);
    afterAll(() => archive?.close());

    it('every width from 39 down to 1 says so, and growing back brings the list', async () => {
      const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} />, 20, 24);
      const crashed = watchCrash(h);
      try {
        await h.waitFor((f) => crashed() !== null || saysTooSmall(f), 20_000);
        expect(crashed()).toBeNull();
        h.stdout.resize(100, 30);
        await h.waitFor((f) => crashed() !== null || f.includes('OnlyCall'), 20_000);
        await sweep(h, crashed, 8, (f) => f.includes('OnlyCall'));
      } finally {
        h.cleanup();
      }
    }, 60_000);
  });
});
