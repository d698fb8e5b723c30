/** The download dialog at 80 columns wraps its first line and its keys instead of cutting them (issue 19). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportRows } from '../../src/export/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { EXPORT_HINTS, ExportDialog } from '../../src/ui/ExportDialog.js';
import { ExportSession } from '../../src/ui/exportModel.js';
import { wrapHints } from '../../src/ui/wrap.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

let h: Harness | null = null;
const dir = mkdtempSync(path.join(tmpdir(), 'trailtop-dialog-lines-'));
afterEach(() => {
  h?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('download dialog lines at 80 columns', () => {
  it('shows the whole first line and every key hint, none cut', async () => {
    const session = new ExportSession((options) => exportRows({ ...options, readRecords: async () => [] }));
    const props = {
      store: new EventStore(0),
      rows: makeRows(77),
      queryText: 'name:Get* user:stratus-red-team-user',
      zone: 'utc' as const,
      width: 80,
      height: 22,
      onClose: vi.fn(),
      setQuery: vi.fn(),
      setStatus: vi.fn(),
    };
    h = renderApp(<ExportDialog {...props} session={session} cwd={dir} now={() => Date.UTC(2026, 0, 1)} env={{}} />, 80, 23);
    const frame = await h.waitFor((f) => f.includes('Download events'));
    const text = frame.split('\n').map((l) => l.replace(/^│ ?|\s*│$/g, '')).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain("Download 77 events: the list under the query name:Get* user:stratus-red-team-user, newest first (the list's order).");
    for (const hint of EXPORT_HINTS.edit.split(' · ')) expect(text).toContain(hint);
    expect(frame).not.toContain('…');
  });

  it('says the marked events, not every event, with Ctrl-O on', async () => {
    const session = new ExportSession((options) => exportRows({ ...options, readRecords: async () => [] }));
    const rows = makeRows(5);
    const props = {
      store: new EventStore(0),
      rows,
      queryText: '',
      zone: 'utc' as const,
      width: 80,
      height: 22,
      marks: new Set([rows[0]!.id, rows[1]!.id]),
      onClose: vi.fn(),
      setQuery: vi.fn(),
      setStatus: vi.fn(),
    };
    h = renderApp(<ExportDialog {...props} session={session} cwd={dir} now={() => Date.UTC(2026, 0, 1)} env={{}} />, 80, 23);
    await h.waitFor((f) => f.includes('Download 5 events'));
    const frame = await h.press('\u000f', (f) => f.includes('marked only: on'));
    const text = frame.split('\n').map((l) => l.replace(/^│ ?|\s*│$/g, '')).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain("Download 2 marked events: those marked in the list, newest first (the list's order).");
    expect(text).not.toContain('every event in the list');
  });

  it('break hints at their separators', () => {
    expect(wrapHints(EXPORT_HINTS.running, 76)).toEqual(['Esc/c cancel · b hide (the download goes on; the header shows ↓ and its %)', '? help']);
    expect(wrapHints('a · b', 10)).toEqual(['a · b']);
  });
});
