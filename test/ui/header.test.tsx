import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyProgress } from '../../src/store/progress.js';
import { Header } from '../../src/ui/Header.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function header(width: number, activity: string): string {
  const progress = { ...emptyProgress(0), phase: 'watching' as const };
  const view = render(
    <Header
      folder="/var/log/very/long/folder/of/cloudtrail/logs"
      progress={progress}
      watching
      shown={1_000_368}
      total={1_000_368}
      newCount={0}
      follow
      activity={activity}
      width={width}
    />,
  );
  unmount = view.unmount;
  return view.lastFrame() ?? '';
}

describe('Header activity marker', () => {
  it('keeps a hidden download visible at 50 columns', () => {
    const frame = header(50, '↓ 42% (d)');
    expect(frame).toContain('↓ 42% (d)');
    expect(frame).toContain('watching');
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
  });

  it('still shows counts and follow state when wide', () => {
    const frame = header(120, '↓ 42% (d)');
    expect(frame).toContain('↓ 42% (d)');
    expect(frame).toContain('1,000,368 events');
    expect(frame).toContain('following');
  });
});
