/** A file that is not JSON at its first non-blank bytes is skipped, not bad (issue 19, bug 9). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startsAsJson } from '../../src/ingest/detect.js';
import { readEventFile } from '../../src/ingest/read.js';

const dir = mkdtempSync(path.join(tmpdir(), 'trailtop-notjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function shapeOf(name: string, text: string) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return readEventFile(file);
}

describe('files that do not start as JSON', () => {
  it('skip INI files (starting with [section]) with a reason', async () => {
    const ini = await shapeOf('php.ini', '[PHP]\nengine = On\nshort_open_tag = Off\n');
    expect(ini.shape).toBe('not-cloudtrail');
    expect(ini.reason).toMatch(/^not JSON \(starts with/);
    expect((await shapeOf('x.conf', '\n  [Unit]\nDescription=x\n')).shape).toBe('not-cloudtrail');
    expect((await shapeOf('t.toml', '[tool.poetry]\nname = "x"\n')).shape).toBe('not-cloudtrail');
    expect((await shapeOf('b.txt', '{foo} bar\n')).shape).toBe('not-cloudtrail');
  });

  it('skip a big binary full of brackets (an ELF file in /etc), but not a big deep JSON file', async () => {
    const filler = 'x'.repeat(5 * 1024 * 1024);
    const binary = await shapeOf('nodejs', `\u007fELF\u0002\u0001${'['.repeat(2000)}${filler}`);
    expect(binary.shape).toBe('not-cloudtrail');
    expect(binary.reason).toMatch(/^not JSON \(starts with/);
    const deep = await shapeOf('deep.json', `${'['.repeat(2000)}"${filler}"${']'.repeat(2000)}`);
    expect(deep.shape).toBe('bad');
    expect(deep.reason).toMatch(/nested deeper/);
  });

  it('still report a file that starts as JSON and breaks as bad', async () => {
    expect((await shapeOf('cut.json', '{"Records": [{"eventName": "A"')).shape).toBe('bad');
    expect((await shapeOf('arr.json', '[{"eventName": "A"}, {oops}]')).shape).toBe('bad');
    expect((await shapeOf('lit.json', '[true, nope]')).shape).toBe('bad');
  });

  it('tell the first bytes apart', () => {
    for (const yes of ['{"a":1}', ' [ {', '[]', '[1', '[-1', '["x', '[tr', '[null', '{}', '[', '\n{\n  "Records"']) expect(startsAsJson(yes), yes).toBe(true);
    for (const no of ['[PHP]', '[tool]', '{foo}', '[section name]', 'plain', '', '[nul]']) expect(startsAsJson(no), no).toBe(false);
  });
});
