/** The local-time label agrees with the times it stands next to (issue 19, bug 3). */
import { afterEach, describe, expect, it } from 'vitest';
import { zoneLabel } from '../../src/ui/format.js';

const saved = process.env.TZ;
afterEach(() => {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
});

describe('zone label', () => {
  it('names the zone where no one instant is meant, and gives the offset of a shown time', () => {
    process.env.TZ = 'America/New_York';
    // The footer stands for every time on screen, summer and winter: the zone's name, not today's offset.
    expect(zoneLabel('local')).toBe('local (America/New_York)');
    expect(zoneLabel('local', Date.UTC(2024, 6, 4, 12))).toBe('local (UTC-04:00)');
    expect(zoneLabel('local', Date.UTC(2024, 0, 4, 12))).toBe('local (UTC-05:00)');
    expect(zoneLabel('utc')).toBe('UTC');
    process.env.TZ = 'UTC';
    expect(zoneLabel('local')).toBe('local (UTC)');
  });
});
