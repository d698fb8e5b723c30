/**
 * The bad-files view (b) names each file whole: at 80 columns an S3-layout
 * path is longer than a line, and its end (the file name) is what a reader
 * needs to find the file.
 */
import { describe, expect, it } from 'vitest';
import { badFileLines } from '../../src/ui/BadFilesView.js';
import { displayWidth } from '../../src/term/width.js';

const S3_PATH = '/work/qa/samples/AWSLogs/444455556666/CloudTrail/us-west-2/2026/11/24/444455556666_CloudTrail_us-west-2_20261124T1213Z_6JvYFaZ2kOlW36Nv.json.gz';

describe('bad files view paths', () => {
  it('puts a long path on one line cut in its middle, the file name whole (wrapped, it broke inside a name)', () => {
    const lines = badFileLines([{ path: S3_PATH, reason: 'truncated gzip (unexpected end of file)' }], [], 80).map((l) => l.text);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const pathLines = lines.slice(1, lines.findIndex((l) => l.includes('truncated gzip')));
    expect(pathLines).toEqual(['  /wo…/444455556666_CloudTrail_us-west-2_20261124T1213Z_6JvYFaZ2kOlW36Nv.json.gz']);
    const wide = badFileLines([{ path: S3_PATH, reason: 'truncated gzip' }], [], 120).map((l) => l.text);
    expect(wide[1]).toBe('  /work/qa/samples/AWSLogs/444455556666/Cloud…/444455556666_CloudTrail_us-west-2_20261124T1213Z_6JvYFaZ2kOlW36Nv.json.gz');
    expect(displayWidth(wide[1]!)).toBeLessThanOrEqual(120);
    // One that fits is whole.
    expect(badFileLines([{ path: S3_PATH, reason: 'x' }], [], 200).map((l) => l.text)[1]).toBe(`  ${S3_PATH}`);
  });

  it('a file name wider than the line keeps its end; every line fits', () => {
    const deep = `/${'very-long-folder-name/'.repeat(20)}file.json`;
    const lines = badFileLines([], [{ path: deep, reason: 'not JSON' }], 40).map((l) => l.text);
    const heading = lines.findIndex((l) => l.startsWith('Skipped'));
    expect(lines[heading + 1]).toBe('  /very-long-folder-name/very…/file.json');
    const long = `/logs/${'x'.repeat(60)}.json`;
    expect(badFileLines([{ path: long, reason: 'bad' }], [], 40).map((l) => l.text)[1]).toBe(`  …${'x'.repeat(32)}.json`);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('cuts the conflicting copies\' paths the same way, one line each', () => {
    const conflict = { eventID: 'e1', file: S3_PATH, keptFile: S3_PATH.replace('6JvY', 'AAAA'), field: 'eventName' };
    const lines = badFileLines([], [], 80, [conflict], 1).map((l) => l.text);
    expect(lines.slice(1, 5)).toEqual([
      '  e1',
      '      eventName differs',
      '      other copy in …loudTrail_us-west-2_20261124T1213Z_6JvYFaZ2kOlW36Nv.json.gz',
      '      kept the copy in …dTrail_us-west-2_20261124T1213Z_AAAAFaZ2kOlW36Nv.json.gz',
    ]);
  });

  it('breaks a reason between words', () => {
    const reason = "invalid JSON at byte 1293 (line 37, column 9): Expected double-quoted property name";
    const lines = badFileLines([{ path: '/logs/bad.json', reason }], [], 80).map((l) => l.text);
    const reasonLines = lines.slice(2, lines.findIndex((l) => l.startsWith('Skipped')));
    expect(reasonLines).toEqual(['      invalid JSON at byte 1293 (line 37, column 9): Expected double-quoted', '      property name']);
  });

  it('lists the detection rules the watchdog stopped first, with their file, and sanitises what a rule file wrote', () => {
    const stop = { path: '/logs/f05.json', reason: 'rule Slow \u001b[31magent (rules/slow.yml) stopped after 5 s on one event of this file' };
    const lines = badFileLines([], [], 80, [], 0, [stop]).map((l) => l.text);
    expect(lines[0]).toBe('Detection rules stopped (the events are loaded; the rule no longer runs) (1)');
    expect(lines[1]).toBe('  /logs/f05.json');
    expect(lines.join('\n')).toContain('rule Slow');
    expect(lines.join('\n')).not.toContain('\u001b');
    // None stopped: no such section.
    expect(badFileLines([], [], 80).some((l) => l.text.startsWith('Detection rules stopped'))).toBe(false);
  });
});
