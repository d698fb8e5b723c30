import { describe, expect, it } from 'vitest';
import type { FollowStatus } from '../../src/archive/follow.js';
import { followLabel } from '../../src/ui/archive/followLabel.js';

const base: FollowStatus = { phase: 'watching', progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false };
const progress = { filesTotal: 3354, filesDone: 120, filesUnchanged: 0, bytesDone: 0, recordsRead: 0, startedAt: 0 };

describe('followLabel (the --db dashboard header on a followed folder)', () => {
  it('says what the follower is doing, with the files done and the bad files', () => {
    expect(followLabel(null)).toBe('');
    expect(followLabel({ ...base, phase: 'catching up', progress })).toBe('importing 120/3,354 files');
    expect(followLabel({ ...base, phase: 'importing', progress: { ...progress, filesTotal: 2, filesDone: 1 } })).toBe('importing new files 1/2 files');
    expect(followLabel(base)).toBe('watching');
    expect(followLabel({ ...base, bad: [{ path: '/x', reason: 'bad' }] })).toBe('watching · 1 bad');
    expect(followLabel({ ...base, error: 'disk full' })).toBe('watching (last import failed)');
    expect(followLabel({ ...base, phase: 'stopped', bad: [{ path: '/x', reason: 'bad' }] })).toBe('1 bad');
  });
});
