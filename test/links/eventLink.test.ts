/** Data and network activity events get no Event history link, and the details say why (issue 19, bug 6). */
import { describe, expect, it } from 'vitest';
import { eventConsoleLink, eventLinkNote } from '../../src/links/links.js';
import { buildDetail } from '../../src/ui/detailModel.js';
import { makeRow } from '../ui/fixtures.js';

describe('Event history link', () => {
  it('is made for management events only', () => {
    expect(eventConsoleLink({ id: 'abc', region: 'us-east-1', category: 'Management' })).toContain('/cloudtrailv2/');
    expect(eventConsoleLink({ id: 'abc', region: 'us-east-1', category: 'Data' })).toBeNull();
    expect(eventConsoleLink({ id: 'abc', region: 'us-east-1', category: 'NetworkActivity' })).toBeNull();
    expect(eventLinkNote({ category: 'Management' })).toBeNull();
  });

  it('is replaced in the details by the reason', () => {
    const detail = buildDetail(makeRow({ name: 'PutObject', category: 'Data', region: 'us-east-1' }), 'utc');
    expect(detail.links.some((l) => l.kind === 'event')).toBe(false);
    const line = detail.lines.find((l) => l.label === 'Console')!;
    expect(line.value).toMatch(/management events only, not data events/);
    expect(buildDetail(makeRow({ name: 'RunInstances', category: 'Management', region: 'us-east-1' }), 'utc').links.some((l) => l.kind === 'event')).toBe(true);
  });
});
