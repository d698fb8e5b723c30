import { execFileSync } from 'node:child_process';
import { mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearRecordCache, fsErrorReason, readEventFile, readRecord } from '../../src/ingest/read.js';
import { event, tempDir, write } from './helpers.js';
import { recordRef } from '../../src/model/recordBatch.js';

describe('readEventFile shapes', () => {
  it('reads {"Records":[...]}', async () => {
    const dir = tempDir();
    const path = write(dir, 'a.json', JSON.stringify({ Records: [event('e1'), event('e2')] }, null, 2));
    const result = await readEventFile(path);
    expect(result.shape).toBe('records');
    expect(result.rows.map((r) => r.id)).toEqual(['e1', 'e2']);
    expect(result.rows.map((r) => recordRef(r))).toEqual([
      { file: path, index: 0, id: 'e1', identity: expect.stringMatching(/^\d+:\d+:\d+:[\d.]+$/) },
      { file: path, index: 1, id: 'e2', identity: expect.stringMatching(/^\d+:\d+:\d+:[\d.]+$/) },
    ]);
    expect(result.reason).toBe('');
  });

  it('reads a bare array and a single event object', async () => {
    const dir = tempDir();
    const array = await readEventFile(write(dir, 'x.json.cloudtrail', JSON.stringify([event('a1'), event('a2')])));
    expect(array.shape).toBe('array');
    expect(array.rows).toHaveLength(2);
    const single = await readEventFile(write(dir, 'noext', JSON.stringify(event('s1'))));
    expect(single.shape).toBe('single');
    expect(single.rows[0]!.id).toBe('s1');
  });

  it('reads JSON lines, ignoring text before the first { of a line', async () => {
    const dir = tempDir();
    const text = [
      JSON.stringify(event('j1')),
      '',
      `2024-03-05T14:21:00.000Z 111122223333_CloudTrail_us-east-1 ${JSON.stringify(event('j2'))}`,
      JSON.stringify(event('j3')),
    ].join('\n');
    const result = await readEventFile(write(dir, 'export.log', text));
    expect(result.shape).toBe('jsonl');
    expect(result.rows.map((r) => r.id)).toEqual(['j1', 'j2', 'j3']);
    expect(result.reason).toBe('');
  });

  it('reads the valid lines of a JSON-lines file and says how many were not', async () => {
    const dir = tempDir();
    const text = [JSON.stringify(event('k1')), '{"eventID": "broken', JSON.stringify(event('k2'))].join('\n');
    const result = await readEventFile(write(dir, 'mixed.jsonl', text));
    expect(result.shape).toBe('jsonl');
    expect(result.rows.map((r) => r.id)).toEqual(['k1', 'k2']);
    expect(result.rows[1]!.recordIndex).toBe(2);
    expect(result.skippedRecords).toBe(1);
    expect(result.reason).toMatch(/^1 of 3 lines were not valid JSON \(first at line 2: /);
  });

  it('reads trail files put together: one per line, or back to back with no newline', async () => {
    const dir = tempDir();
    const a = JSON.stringify({ Records: [event('c1'), event('c2')] });
    const b = JSON.stringify({ Records: [event('c3')] });
    for (const [name, text] of [
      ['lines.json', `${a}\n${b}\n`],
      ['glued.json', `${a}${b}`],
    ] as const) {
      clearRecordCache();
      const path = write(dir, name, text);
      const result = await readEventFile(path);
      expect(result.rows.map((r) => r.id), name).toEqual(['c1', 'c2', 'c3']);
      expect(result.reason).toBe('');
      for (const row of result.rows) expect((await readRecord(recordRef(row)))?.eventID).toBe(row.id);
    }
  });

  it('reads lookup-events output: an Events array, or one Event per line, with UTC times', async () => {
    const dir = tempDir();
    const element = (id: string, name: string) => ({
      EventId: id,
      EventName: name,
      ReadOnly: 'true',
      EventTime: '2022-02-08 09:23:37+11:00',
      CloudTrailEvent: JSON.stringify(event(id, { eventName: name, eventTime: undefined })),
    });
    const asArray = await readEventFile(write(dir, 'lookup.json', JSON.stringify({ Events: [element('l1', 'DescribeInstances')], NextToken: 'x' })));
    expect(asArray.shape).toBe('lookup-events');
    expect(asArray.rows[0]).toMatchObject({ id: 'l1', name: 'DescribeInstances', readOnly: true });
    expect(new Date(asArray.rows[0]!.time).toISOString()).toBe('2022-02-07T22:23:37.000Z');
    const asLines = await readEventFile(write(dir, 'lookup.jsonl', `${JSON.stringify(element('l2', 'A'))}\n${JSON.stringify(element('l3', 'B'))}`));
    expect(asLines.shape).toBe('lookup-events');
    expect(asLines.rows.map((r) => r.id)).toEqual(['l2', 'l3']);
  });

  it('reads EventBridge envelopes, alone or as JSON lines', async () => {
    const dir = tempDir();
    const envelope = (id: string) => ({
      version: '0',
      id: `env-${id}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: '111122223333',
      time: '2024-03-05T14:21:00Z',
      region: 'us-east-1',
      resources: [],
      detail: event(id),
    });
    const single = await readEventFile(write(dir, 'eb.json', JSON.stringify(envelope('b1'))));
    expect(single.shape).toBe('eventbridge');
    expect(single.rows[0]!.id).toBe('b1');
    const lines = await readEventFile(write(dir, 'eb.jsonl', `${JSON.stringify(envelope('b2'))}\n${JSON.stringify(envelope('b3'))}\n`));
    expect(lines.shape).toBe('eventbridge');
    expect(lines.rows.map((r) => r.id)).toEqual(['b2', 'b3']);
    const other = await readEventFile(write(dir, 'ec2state.json', JSON.stringify({ ...envelope('x'), source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } })));
    expect(other.shape).toBe('not-cloudtrail');
    expect(other.reason).toContain('aws.ec2');
  });

  it('finds gzip by its magic bytes, whatever the extension', async () => {
    const dir = tempDir();
    const gz = gzipSync(JSON.stringify({ Records: [event('g1')] }));
    for (const name of ['a.json.gz', 'b.json', 'c.gz', 'd', 'e.json.cloudtrail']) {
      const result = await readEventFile(write(dir, name, gz));
      expect(result.shape, name).toBe('records');
      expect(result.rows[0]!.id).toBe('g1');
      expect(result.bytes).toBe(gz.length);
    }
  });

  it('tolerates a UTF-8 byte order mark', async () => {
    const dir = tempDir();
    const result = await readEventFile(write(dir, 'bom.json', `\uFEFF${JSON.stringify({ Records: [event('bom')] })}`));
    expect(result.shape).toBe('records');
    expect(result.rows[0]!.id).toBe('bom');
  });

  it('counts empty arrays and empty Records as read with no events', async () => {
    const dir = tempDir();
    for (const [name, content] of [
      ['a.json', '[]'],
      ['b.json', '{"Records": []}'],
      ['c.json', ''],
      ['d.json', '  \n'],
    ] as const) {
      const result = await readEventFile(write(dir, name, content));
      expect(result.shape, name).toBe('empty');
      expect(result.rows).toEqual([]);
    }
  });

  it('skips records that are not objects and counts them', async () => {
    const dir = tempDir();
    const result = await readEventFile(write(dir, 'n.json', JSON.stringify({ Records: [null, event('n1'), 7, 'x', event('n2')] })));
    expect(result.shape).toBe('records');
    expect(result.rows.map((r) => [r.id, r.recordIndex])).toEqual([
      ['n1', 1],
      ['n2', 4],
    ]);
    expect(result.skippedRecords).toBe(3);
    expect(result.reason).toBe('3 records were not CloudTrail events and were skipped');
  });

  it('skips digests by path and by content', async () => {
    const dir = tempDir();
    const digest = JSON.stringify({ awsAccountId: '1', digestStartTime: '2024-01-01T00:00:00Z', logFiles: [] });
    const byFolder = await readEventFile(write(dir, 'AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/01/x.json.gz', gzipSync(digest)));
    expect(byFolder.shape).toBe('digest');
    const byName = await readEventFile(write(dir, '1_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000000Z.json', '{"Records":[{"eventID":"no"}]}'));
    expect(byName.shape).toBe('digest');
    const byContent = await readEventFile(write(dir, 'renamed.json', digest));
    expect(byContent.shape).toBe('digest');
    expect(byContent.rows).toEqual([]);
  });

  it('skips JSON that is not CloudTrail, and text that is not JSON, with a reason', async () => {
    const dir = tempDir();
    const pkg = await readEventFile(write(dir, 'package.json', JSON.stringify({ name: 'x', version: '1.0.0', dependencies: {} })));
    expect(pkg.shape).toBe('not-cloudtrail');
    expect(pkg.reason).toBe('a JSON object with no CloudTrail fields (keys "name", "version", "dependencies")');
    const numbers = await readEventFile(write(dir, 'n.json', '[1, 2, 3]'));
    expect(numbers.shape).toBe('not-cloudtrail');
    expect(numbers.reason).toBe('a JSON array of 3 items, none a CloudTrail event');
    const script = await readEventFile(write(dir, 'script.js', '// script.js\ndocument.addEventListener("x", function() {\n  const a = {b: 1};\n});\n'));
    expect(script.shape).toBe('not-cloudtrail');
    expect(script.reason).toBe('not JSON (starts with "// script.js.document.ad")');
  });

  it('reports malformed JSON with the byte, line and column', async () => {
    const dir = tempDir();
    const result = await readEventFile(write(dir, 'bad.json', '{\n  "Records": [\n    {"eventID": "a"}\n    {"eventID": "b"}\n  ]\n}\n'));
    expect(result.shape).toBe('bad');
    expect(result.reason).toBe("invalid JSON at byte 42 (line 4, column 5): Expected ',' or ']' after array element");
    // V8 gives no position for "Unexpected token"; the reader finds it.
    const token = await readEventFile(write(dir, 'token.json', '{\n "Records": [\n {"a": tru}]}'));
    expect(token.reason).toBe("invalid JSON at byte 26 (line 3, column 11): Unexpected token '}'");
    const cut = await readEventFile(write(dir, 'cut.json', '{"Records": [{"eventID": "a"'));
    expect(cut.shape).toBe('bad');
    expect(cut.reason).toMatch(/^invalid JSON/);
  });

  it('reports a truncated or corrupt gzip', async () => {
    const dir = tempDir();
    const gz = gzipSync(JSON.stringify({ Records: [event('t1'), event('t2')] }));
    const truncated = await readEventFile(write(dir, 't.json.gz', gz.subarray(0, gz.length - 20)));
    expect(truncated).toMatchObject({ shape: 'bad', reason: 'truncated gzip (unexpected end of file)' });
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 10, 30);
    const broken = await readEventFile(write(dir, 'c.json.gz', corrupt));
    expect(broken.shape).toBe('bad');
    expect(broken.reason).toMatch(/^invalid gzip: /);
  });

  it('reports unreadable paths without throwing, and never opens a FIFO', async () => {
    const dir = tempDir();
    const missing = await readEventFile(join(dir, 'gone.json'));
    expect(missing).toMatchObject({ shape: 'bad', reason: 'ENOENT: no such file or directory' });
    mkdirSync(join(dir, 'folder.json'));
    const folder = await readEventFile(join(dir, 'folder.json'));
    expect(folder).toMatchObject({ shape: 'not-cloudtrail', reason: 'not a regular file (directory)' });
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const fifo = await readEventFile(join(dir, 'pipe.json'));
    expect(fifo).toMatchObject({ shape: 'not-cloudtrail', reason: 'not a regular file (FIFO)' });
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x/y.json'"), { code: 'EACCES' });
    expect(fsErrorReason(denied)).toBe('EACCES: permission denied');
  });
});

describe('readRecord', () => {
  it('returns the record a row points at, for every shape', async () => {
    clearRecordCache();
    const dir = tempDir();
    const files = {
      records: write(dir, 'r.json.gz', gzipSync(JSON.stringify({ Records: [null, event('r1'), event('r2')] }))),
      jsonl: write(dir, 'l.jsonl', `junk ${JSON.stringify(event('l1'))}\n${JSON.stringify(event('l2'))}`),
      lookup: write(dir, 'k.json', JSON.stringify({ Events: [{ EventId: 'k1', EventName: 'X', CloudTrailEvent: JSON.stringify(event('k1', { marker: 'inner' })) }] })),
      eventbridge: write(dir, 'e.json', JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: event('e1', { marker: 'detail' }) })),
    };
    for (const path of Object.values(files)) {
      const result = await readEventFile(path);
      expect(result.rows.length).toBeGreaterThan(0);
      for (const row of result.rows) {
        const record = await readRecord(recordRef(row));
        expect(record?.eventID, `${path} #${row.recordIndex}`).toBe(row.id);
      }
    }
    expect((await readRecord({ file: files.lookup, index: 0 }))?.marker).toBe('inner');
    expect((await readRecord({ file: files.eventbridge, index: 0 }))?.marker).toBe('detail');
    expect(await readRecord({ file: files.records, index: 0 })).toBeNull();
    expect(await readRecord({ file: files.records, index: 99 })).toBeNull();
    expect(await readRecord({ file: join(dir, 'missing.json'), index: 0 })).toBeNull();
  });

  it('sees a file that changed since it was cached', async () => {
    clearRecordCache();
    const dir = tempDir();
    const path = write(dir, 'a.json', JSON.stringify([event('v1')]));
    expect((await readRecord({ file: path, index: 0 }))?.eventID).toBe('v1');
    write(dir, 'a.json', JSON.stringify([event('v2-longer')]));
    // Within the revalidation window the cached copy is trusted; after it the change is seen.
    expect((await readRecord({ file: path, index: 0 }, { revalidateMs: 60_000 }))?.eventID).toBe('v1');
    expect((await readRecord({ file: path, index: 0 }, { revalidateMs: 0 }))?.eventID).toBe('v2-longer');
  });

  it('reads a line appended to a JSON-lines file at once, even inside the revalidation window', async () => {
    clearRecordCache();
    const dir = tempDir();
    const path = write(dir, 'grow.jsonl', `${JSON.stringify(event('n1'))}\n`);
    expect((await readRecord({ file: path, index: 0 }, { revalidateMs: 60_000 }))?.eventID).toBe('n1');
    appendFileSync(path, `${JSON.stringify(event('n2'))}\n`);
    expect((await readRecord({ file: path, index: 1 }, { revalidateMs: 60_000 }))?.eventID).toBe('n2');
  });
});
