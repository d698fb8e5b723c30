/**
 * The JSON view's title: its keys are shown whole or left out (the status
 * line has them), never cut inside a key ('j/k PgUp/Pg…' next to a long event ID).
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonView } from '../../src/ui/JsonView.js';
import type { JsonToken } from '../../src/ui/jsonModel.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function title(width: number, id: string): string {
  const lines: JsonToken[][] = Array.from({ length: 60 }, (_, i) => [{ text: `  "k${i}": ${i},`, kind: 'punct' }]);
  const view = render(<JsonView title={`Event record ${id}`} lines={lines} message="" scroll={0} width={width} height={20} />);
  unmount = view.unmount;
  return (view.lastFrame() ?? '').split('\n')[0]!;
}

describe('JSON view title', () => {
  it('keeps each key whole at 80 columns with a long event ID', () => {
    const head = title(80, '11111111-1111-1111-1111-11111111\\x1b[2J');
    expect(head).toContain('1-19 of 60');
    expect(head).not.toContain('…');
    // No room for the first key whole: the title stops at the position.
    expect(head.trimEnd()).toMatch(/1-19 of 60$/);
    const wider = title(100, '11111111-1111-1111-1111-11111111').trimEnd();
    expect(wider).toMatch(/of 60 {2}j\/k PgUp\/PgDn g\/G scroll · y copy JSON$/);
  });

  it('shows every key when there is room', () => {
    expect(title(120, 'abc')).toContain('j/k PgUp/PgDn g/G scroll · y copy JSON · Esc back');
  });
});
