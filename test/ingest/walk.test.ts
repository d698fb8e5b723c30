import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolder } from '../../src/ingest/walk.js';
import { tempDir, write } from './helpers.js';

describe('listFolder', () => {
  it('lists regular files recursively, sorted, whatever their names', async () => {
    const dir = tempDir();
    write(dir, 'b.json', '[]');
    write(dir, 'a/2024/01/02/x.json.gz', 'x');
    write(dir, 'a/2024/01/01/y', 'y');
    mkdirSync(join(dir, 'dir.json'));
    write(dir, 'dir.json/inner.json', '[]');
    const listing = await listFolder(dir);
    expect(listing.files.map((f) => f.slice(dir.length + 1))).toEqual(['a/2024/01/01/y', 'a/2024/01/02/x.json.gz', 'b.json', 'dir.json/inner.json']);
    expect(listing.skipped).toEqual([]);
    expect(listing.bad).toEqual([]);
  });

  it('tells onFile of each file as it lists it, in listing order', async () => {
    const dir = tempDir();
    write(dir, 'b.json', '[]');
    write(dir, 'a/2024/01/01/y.json', '[]');
    write(dir, 'a/2024/01/02/x.json.gz', 'x');
    const heard: string[] = [];
    const listing = await listFolder(dir, { onFile: (path) => heard.push(path) });
    expect(heard).toEqual(listing.files);
    expect(heard).toHaveLength(3);
  });

  it('lists newest first when asked for descending names: date folders and time-stamped names', async () => {
    const dir = tempDir();
    write(dir, 'r1/2024/01/01/a_20240101T0100Z.json', '[]');
    write(dir, 'r1/2024/01/02/a_20240102T0100Z.json', '[]');
    write(dir, 'r1/2024/01/02/a_20240102T0200Z.json', '[]');
    write(dir, 'r2/2023/12/31/a_20231231T2300Z.json', '[]');
    const listing = await listFolder(dir, { descending: true });
    expect(listing.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'r2/2023/12/31/a_20231231T2300Z.json',
      'r1/2024/01/02/a_20240102T0200Z.json',
      'r1/2024/01/02/a_20240102T0100Z.json',
      'r1/2024/01/01/a_20240101T0100Z.json',
    ]);
  });

  it('skips FIFOs without opening them, and ends symlink loops', async () => {
    const dir = tempDir();
    write(dir, 'sub/events.json', '[]');
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    symlinkSync('self', join(dir, 'self'));
    symlinkSync(join(dir, 'nowhere.json'), join(dir, 'broken.json'));
    const listing = await listFolder(dir);
    expect(listing.files.map((f) => f.slice(dir.length + 1))).toEqual(['sub/events.json']);
    expect(listing.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason])).toEqual([
      ['broken.json', 'broken symlink'],
      ['pipe.json', 'not a regular file (FIFO)'],
      ['self', 'symlink loop'],
      ['sub/loop', 'symlink loop (folder already visited)'],
    ]);
  });

  it('follows links to files anywhere once, but not links to folders outside', async () => {
    const outside = tempDir();
    const dir = tempDir();
    const target = write(outside, 'elsewhere.json', '[]');
    write(outside, 'deep/more.json', '[]');
    const local = write(dir, 'local.json', '[]');
    expect(local).toBe(join(dir, 'local.json'));
    symlinkSync(target, join(dir, 'link-out.json'));
    symlinkSync(local, join(dir, 'link-local.json'));
    symlinkSync(outside, join(dir, 'outside-folder'));
    const listing = await listFolder(dir);
    // Sorted by name, the link comes first; the file it points at is then the second copy.
    expect(listing.files.map((f) => f.slice(dir.length + 1))).toEqual(['link-local.json', 'link-out.json']);
    expect(listing.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason])).toEqual([
      ['local.json', `same file as ${join(dir, 'link-local.json')}`],
      ['outside-folder', 'symlink to a folder outside the scanned folder'],
    ]);
  });

  it('spells every path as join(root, ...) does, however the root is written', async () => {
    const dir = tempDir();
    write(dir, 'sub/a.json', '[]');
    write(dir, 'b.json', '[]');
    const rel = relative(process.cwd(), dir);
    for (const root of [dir, `${dir}/`, `${dir}//`, `${dir}/./`, rel, `./${rel}/`, `${rel}/../${rel.split('/').pop()!}`]) {
      const listing = await listFolder(root);
      expect(listing.files, root).toEqual([join(root, 'b.json'), join(root, 'sub', 'a.json')]);
    }
  });

  it('names a file reached through a link to a folder inside by the link, and its real path once', async () => {
    const dir = tempDir();
    write(dir, 'real/a.json', '[]');
    symlinkSync(join(dir, 'real'), join(dir, 'alias'));
    symlinkSync(join(dir, 'real', 'a.json'), join(dir, 'z.json'));
    const listing = await listFolder(dir);
    expect(listing.files).toEqual([join(dir, 'alias', 'a.json')]);
    expect(listing.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason])).toEqual([
      ['real', 'symlink loop (folder already visited)'],
      ['z.json', `same file as ${join(dir, 'alias', 'a.json')}`],
    ]);
  });

  it('reports a missing folder as bad instead of throwing', async () => {
    const dir = tempDir();
    const listing = await listFolder(join(dir, 'missing'));
    expect(listing.files).toEqual([]);
    expect(listing.bad).toEqual([{ path: join(dir, 'missing'), reason: 'ENOENT: no such file or directory' }]);
  });
});
