/**
 * The header's problem counts at 80 columns with findings: the short form
 * keeps the bad files' count on screen ('! 1 conflicting dup…' used to fill
 * the room left and cut '! 2 bad files' off), and wide terminals keep the
 * long form. A folder with too little room left is left out, not cut to '…/…'.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyProgress } from '../../src/store/progress.js';
import { findingsHeaderForms } from '../../src/ui/findings/findingsModel.js';
import { Header } from '../../src/ui/Header.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function header(width: number): string {
  const progress = { ...emptyProgress(0), phase: 'watching' as const, conflictCount: 1 };
  progress.badFiles.push({ path: '/logs/a.json', reason: 'invalid JSON' }, { path: '/logs/b.json', reason: 'invalid JSON' });
  for (let k = 0; k < 67; k++) progress.skippedFiles.push({ path: `/logs/x${k}`, reason: 'not JSON' });
  const view = render(
    <Header folder="/work/shared/datasets" progress={progress} watching shown={668} total={668} newCount={0} follow findings="⚑ 6 high 8 med 2 low (!)" width={width} />,
  );
  unmount = view.unmount;
  return view.lastFrame() ?? '';
}

describe('the header with conflicts, bad and skipped files', () => {
  it('at 80 columns still counts the bad files and the conflicting duplicate', () => {
    const line = header(80).split('\n')[0]!;
    expect(line).toContain('! 1 dup · 2 bad (b)');
    expect([...line].length).toBeLessThanOrEqual(80);
    // No room for the folder: the line ends at the counts, not in a '…' cut from trailing spaces.
    expect(line.trimEnd()).toMatch(/\(b\)$/);
  });

  it('at 120 columns adds the skipped files in the short form', () => {
    expect(header(120)).toContain('! 1 dup · 2 bad · 67 skipped (b)');
  });

  it('at 200 columns says it in full', () => {
    expect(header(200)).toContain('! 1 conflicting duplicate · 2 bad files · 67 skipped (b)');
  });

  it('at 80 columns counts the skipped files beside the bad ones, as the --db header does (the robustness data set)', () => {
    // 41 records read into 20 events, 2 bad files, 2 skipped: the header said '! 2 bad (b)', keeping the
    // records-read count and dropping the skipped files the --db header counts ('! 2 bad files · 2 skipped (b)').
    const progress = { ...emptyProgress(0), phase: 'watching' as const, eventsRead: 41 };
    progress.badFiles.push({ path: '/r/a.json', reason: 'invalid JSON' }, { path: '/r/b.json', reason: 'invalid JSON' });
    progress.skippedFiles.push({ path: '/r/LICENSE', reason: 'not JSON' }, { path: '/r/README', reason: 'not JSON' });
    const view = render(<Header folder="/work/shared/datasets/robustness" progress={progress} watching shown={20} total={20} newCount={0} follow width={80} />);
    unmount = view.unmount;
    const line = (view.lastFrame() ?? '').split('\n')[0]!;
    expect(line).toContain('! 2 bad · 2 skipped (b)');
    expect(line).toContain('robustness');
    expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('leaves the folder out rather than cut it to …/… when the counts fill the line', () => {
    const progress = { ...emptyProgress(0), phase: 'watching' as const };
    progress.badFiles.push({ path: '/tmp/big/a.json.gz', reason: 'truncated gzip' });
    const view = render(<Header folder="/tmp/ux/big" progress={progress} watching shown={200_378} total={200_378} newCount={0} follow findings="⚑ 1 high 3 med 2 low (!)" width={80} />);
    unmount = view.unmount;
    const line = (view.lastFrame() ?? '').split('\n')[0]!;
    expect(line).toContain('! 1 bad (b)');
    expect(line).not.toContain('…/…');
    expect(line.trimEnd().endsWith('(b)')).toBe(true);
  });

  it('at 60 columns with findings, paused with new events and a filter, still counts the bad files and the duplicate', () => {
    const progress = { ...emptyProgress(0), phase: 'done' as const, conflictCount: 1 };
    progress.badFiles.push({ path: '/logs/a.json', reason: 'invalid JSON' }, { path: '/logs/b.json', reason: 'invalid JSON' });
    for (let k = 0; k < 67; k++) progress.skippedFiles.push({ path: `/logs/x${k}`, reason: 'not JSON' });
    const findings = findingsHeaderForms({ informational: 0, low: 2, medium: 8, high: 6, critical: 0 });
    const draw = (width: number) => {
      const view = render(<Header folder="/work/shared/datasets" progress={progress} watching={false} shown={234} total={668} newCount={3} follow={false} findings={findings} width={width} />);
      const line = (view.lastFrame() ?? '').split('\n')[0]!;
      view.unmount();
      return line;
    };
    for (const width of [60, 80]) {
      const line = draw(width);
      expect(line, `${width} columns`).toContain('! 1 dup · 2 bad');
      expect([...line].length).toBeLessThanOrEqual(width);
      // The rest shortened, not cut: the filter's count and the findings are still there.
      expect(line).toContain('234');
      expect(line).toContain('⚑');
    }
    expect(draw(80)).toContain('234 of 668 events');
    // Wide: every part in full, folder included.
    expect(draw(200)).toContain('⚑ 6 high 8 med 2 low (!)  paused ▲ 3 new (f)  ! 1 conflicting duplicate · 2 bad files · 67 skipped (b)  /work/shared/datasets');
  });

  it('counts a detection rule the watchdog stopped as a problem, with the ! and the b key', () => {
    const progress = { ...emptyProgress(0), phase: 'watching' as const };
    progress.ruleStops.push({ path: '/logs/f05.json', reason: 'rule Slow agent stopped' });
    const wide = render(<Header folder="/logs" progress={progress} watching shown={25} total={25} newCount={0} follow width={200} />);
    unmount = wide.unmount;
    expect(wide.lastFrame()).toContain('! 1 rule stopped (b)');
  });
});

