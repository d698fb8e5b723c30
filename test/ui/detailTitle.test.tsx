/** The detail panel's title is never cut at 80 columns: its keys give way first (issue 19). */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DetailPanel } from '../../src/ui/DetailPanel.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { makeRow } from './fixtures.js';

function title(width: number): string {
  const app = render(
    <ThemeContext.Provider value={makeTheme(false)}>
      <DetailPanel row={makeRow()} zone="utc" linkIndex={-1} scroll={0} width={width} height={12} hyperlinks={false} />
    </ThemeContext.Provider>,
  );
  const line = (app.lastFrame() ?? '').split('\n')[0]!;
  app.unmount();
  return line;
}

describe('detail title', () => {
  it('drops keys rather than cut itself', () => {
    const narrow = title(80);
    expect(narrow).toMatch(/Event details \d+-\d+\/\d+ PgUp\/PgDn/);
    expect(narrow).not.toContain('…');
    expect(title(100)).toContain('Esc close');
  });
});
