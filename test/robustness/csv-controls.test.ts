/**
 * Issue 20, item 10: `export -o - --format csv | cat` retitled the pane, filled
 * tmux's clipboard buffers and switched on mouse mode. CSV cells now show
 * control characters (but tab) and bidi controls as escapes by default; --raw
 * keeps the bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEvent, recordsJson } from '../watch/helpers.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'trailtop-i20-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITLE = '\x1b]0;pwned\x07';
const CLIPBOARD = `\x1b]52;c;${Buffer.from('rm -rf ~').toString('base64')}\x07`;
const MOUSE = '\x1b[?1000h';
const C1 = '\x9b2J';
const BIDI = 'evil\u202etxt.exe';

describe('CSV through a pipe', () => {
  writeFileSync(
    join(dir, 'a.json'),
    recordsJson([{ ...makeEvent('c1'), eventName: `Get${TITLE}`, errorCode: `${CLIPBOARD}${MOUSE}`, userIdentity: { type: 'IAMUser', userName: `tab\there${C1}`, accountId: '1' }, sourceIPAddress: BIDI }]),
  );

  it('has no control byte but tab by default, and the values stay readable', async () => {
    const run = await runCli(['export', dir, '-o', '-', '--format', 'csv'], 20_000);
    expect(run.code).toBe(0);
    const body = run.stdout.replaceAll('\r\n', '');
    expect(body).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const [, cells] = parse(run.stdout) as string[][];
    expect(cells).toContain('Get\\x1b]0;pwned\\x07');
    expect(cells).toContain('tab\there\\x9b2J');
    expect(cells).toContain('evil\\u202etxt.exe');
  });

  it('--raw keeps the exact bytes', async () => {
    const run = await runCli(['export', dir, '-o', '-', '--format', 'csv', '--raw'], 20_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(TITLE);
    expect(run.stdout).toContain(MOUSE);
    expect(run.stdout).toContain(BIDI);
  });
});
