/** The header names its two counts, and cuts the folder path from the left (issue 19). */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { emptyProgress } from '../../src/store/progress.js';
import { Header } from '../../src/ui/Header.js';

function header(width: number, eventsRead: number, total: number, folder = '/work/shared/datasets/heldout/stratus-red-team'): string {
  const progress = { ...emptyProgress(0), phase: 'loading' as const, eventsRead, filesDone: 3, filesTotal: 9 };
  const view = render(<Header folder={folder} progress={progress} watching shown={total} total={total} newCount={0} follow width={width} />);
  const frame = view.lastFrame() ?? '';
  view.unmount();
  return frame;
}

describe('header', () => {
  it('says how many records were read beside the unique events, and calls them records on the progress line', () => {
    const frame = header(100, 1044, 817);
    expect(frame).toContain('817 events (1,044 records read)');
    expect(frame).toContain('1,044 records read  ');
    expect(frame).not.toMatch(/1,044 events/);
    expect(header(100, 817, 817)).not.toContain('(817 records read)');
  });

  it('cuts the folder path from the left so the folder name shows at 80 columns', () => {
    const first = header(80, 10, 10).split('\n')[0]!;
    expect(first).toMatch(/…[\w/-]*stratus-red-team\s*$/);
    expect([...first].length).toBeLessThanOrEqual(80);
  });

  it('at 80 columns leaves out following and a skipped-only note before it loses the folder name', () => {
    const progress = { ...emptyProgress(0), phase: 'done' as const, eventsRead: 310, skippedFiles: [{ path: '/x/LICENSE', reason: 'not JSON' }] };
    const draw = (follow: boolean, width: number) => {
      const view = render(
        <Header folder="/work/shared/datasets/stratus-red-team" progress={progress} watching shown={310} total={310} newCount={0} follow={follow} findings="⚑ 4 high 6 med (!)" width={width} />,
      );
      const line = (view.lastFrame() ?? '').split('\n')[0]!;
      view.unmount();
      return line;
    };
    const narrow = draw(true, 80);
    expect(narrow).toMatch(/stratus-red-team$/);
    expect(narrow).not.toContain('following');
    expect(draw(false, 80)).toContain('paused');
    expect(draw(false, 80)).toMatch(/red-team$/);
    expect(draw(true, 200)).toContain('following  1 skipped (b)  /work/shared/datasets/stratus-red-team');
  });
  it('says neither following nor paused when nothing more can arrive (--no-watch loaded, the folder gone), but still counts unseen arrivals', () => {
    const draw = (watching: boolean, follow: boolean, newCount: number, gone = false) => {
      const progress = { ...emptyProgress(0), phase: 'done' as const, eventsRead: 10, ...(gone ? { watchedFolderGone: '/x' } : {}) };
      const view = render(<Header folder="/x" progress={progress} watching={watching} shown={10} total={10} newCount={newCount} follow={follow} width={120} />);
      const line = (view.lastFrame() ?? '').split('\n')[0]!;
      view.unmount();
      return line;
    };
    expect(draw(false, true, 0)).not.toMatch(/following|paused/);
    expect(draw(false, false, 0)).not.toMatch(/following|paused/);
    expect(draw(false, false, 3)).toContain('paused ▲ 3 new (f)');
    expect(draw(true, false, 0, true)).not.toMatch(/following|paused/);
    expect(draw(true, false, 0)).toContain('paused');
    expect(draw(true, true, 0)).toContain('following');
  });
  it('at 80 columns leaves out the records-read count before the folder name when findings take the room', () => {
    const progress = { ...emptyProgress(0), phase: 'done' as const, eventsRead: 3975 };
    const draw = (width: number) => {
      const view = render(
        <Header folder="/work/main/samples" progress={progress} watching shown={3966} total={3966} newCount={0} follow findings="⚑ 1 high 3 med 2 low (!)" width={width} />,
      );
      const line = (view.lastFrame() ?? '').split('\n')[0]!;
      view.unmount();
      return line;
    };
    const narrow = draw(80);
    expect(narrow).toMatch(/samples$/);
    expect(narrow).toContain('3,966 events');
    expect(narrow).not.toContain('records read');
    expect(draw(160)).toContain('3,966 events (3,975 records read)');
  });
});
