/**
 * The hostile-file corpus, written by the tests into a temp folder (nothing
 * binary is committed). Each entry says what a correct loader does with it:
 * its valid events load, and a file that cannot be read (or is read only in
 * part) is listed with a reason that says why.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { recordsJson, tempFolder } from '../support/files.js';
import { int, rng } from './random.js';

export interface HostileEvent {
  eventVersion: string;
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  userIdentity: { type: string; userName: string; arn: string; accountId: string };
  requestParameters: unknown;
  responseElements: null;
  readOnly: boolean;
  eventType: string;
  eventCategory: string;
  recipientAccountId: string;
}

/** A small, real-looking management event; `minute` spreads the times so the order is known. */
export function hostileEvent(id: string, minute: number, extra: Partial<HostileEvent> = {}): HostileEvent {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: new Date(Date.UTC(2024, 2, 5, 12, 0, 0) + minute * 60_000).toISOString().replace('.000Z', 'Z'),
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.10',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    requestParameters: { instancesSet: {} },
    responseElements: null,
    readOnly: true,
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    recipientAccountId: '111122223333',
    ...extra,
  };
}

export const recordsText = recordsJson;

/**
 * What the loader must make of one corpus path:
 *  - 'valid': read, its events (ids) load, not listed as bad;
 *  - 'partial': its valid events load and it is listed (bad or skipped) with a reason matching `reason`;
 *  - 'rejected': nothing loads from it and it is listed with a reason matching `reason`;
 *  - 'quiet': read as empty, nothing loads, listing it is not required.
 */
export interface CorpusEntry {
  path: string;
  expect: 'valid' | 'partial' | 'rejected' | 'quiet';
  ids: string[];
  reason?: RegExp;
  /** Which list names it: 'bad' (unreadable, malformed, partly read) or 'skipped' (not a file to read, not CloudTrail). */
  listedAs?: 'bad' | 'skipped';
  what: string;
}

export interface Corpus {
  dir: string;
  /** A folder beside `dir` that symlinks point into. */
  outside: string;
  entries: CorpusEntry[];
  /** Every eventID that must load, each once. */
  validIds: string[];
  /** The id of the event whose userAgent is 50 MB. */
  hugeId: string;
  remove(): void;
}

export interface CorpusOptions {
  /** Seed for the byte flips. */
  seed: number;
  /** Size of the one huge string field (bytes); 50 MB in the full corpus. */
  hugeBytes: number;
}

/** Flips `count` seeded random bytes in [from, to). */
export function flipBytes(bytes: Buffer, count: number, random: () => number, from = 0, to = bytes.length): Buffer {
  const copy = Buffer.from(bytes);
  for (let k = 0; k < count; k++) {
    const at = int(random, from, to - 1);
    copy[at] = copy[at]! ^ int(random, 1, 255);
  }
  return copy;
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const b = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = b;
  }
  return le;
}

export function buildCorpus(options: CorpusOptions): Corpus {
  const { dir: base, remove } = tempFolder('trailtop-hostile-');
  const dir = join(base, 'trail');
  const outside = join(base, 'outside');
  mkdirSync(dir);
  mkdirSync(outside);
  const random = rng(options.seed);
  const entries: CorpusEntry[] = [];
  let minute = 0;
  const event = (id: string, extra: Partial<HostileEvent> = {}) => hostileEvent(id, minute++, extra);

  const write = (rel: string, content: string | Buffer): string => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  const add = (rel: string, expect: CorpusEntry['expect'], what: string, ids: string[] = [], reason?: RegExp, listedAs?: 'bad' | 'skipped') => {
    const list = listedAs ?? (expect === 'rejected' || expect === 'partial' ? 'bad' : undefined);
    entries.push({ path: join(dir, rel), expect, ids, what, ...(reason ? { reason } : {}), ...(list ? { listedAs: list } : {}) });
  };

  // ---- valid files with known eventIDs ---------------------------------
  const plain = [event('ok-plain-0'), event('ok-plain-1'), event('ok-plain-2')];
  write('valid/plain.json', recordsText(plain));
  add('valid/plain.json', 'valid', 'plain Records file', plain.map((e) => e.eventID));

  const gz = [event('ok-gz-0'), event('ok-gz-1'), event('ok-gz-2'), event('ok-gz-3')];
  const gzText = recordsText(gz);
  const gzBytes = gzipSync(gzText);
  write('AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1200Z_okgz.json.gz', gzBytes);
  add(
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1200Z_okgz.json.gz',
    'valid',
    'gzip Records file in the delivery layout',
    gz.map((e) => e.eventID),
  );

  // A repeat of an event already in plain.json: counted once.
  const dup = [event('ok-dup-0'), plain[0]!];
  write('valid/dup.json', recordsText(dup));
  add('valid/dup.json', 'valid', 'file repeating an eventID', ['ok-dup-0']);

  const lines = [event('ok-line-0'), event('ok-line-1')];
  write('valid/lines.jsonl', `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
  add('valid/lines.jsonl', 'valid', 'JSON lines', lines.map((e) => e.eventID));

  // ---- encodings --------------------------------------------------------
  const bom = [event('ok-bom-0')];
  write('enc/bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(recordsText(bom))]));
  add('enc/bom.json', 'valid', 'UTF-8 with a byte-order mark', ['ok-bom-0']);

  // UTF-16 with a BOM is decoded (friendlier than refusing a file Windows tools write).
  const le = [event('ok-utf16le-0', { userAgent: 'Mozilla/5.0 ünïcödé 中文' })];
  write('enc/utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(recordsText(le), 'utf16le')]));
  add('enc/utf16le.json', 'valid', 'UTF-16 LE with a byte-order mark', ['ok-utf16le-0']);
  const be = [event('ok-utf16be-0')];
  write('enc/utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(recordsText(be))]));
  add('enc/utf16be.json', 'valid', 'UTF-16 BE with a byte-order mark', ['ok-utf16be-0']);

  // Invalid UTF-8 inside a string value: decoded with U+FFFD, the event still loads.
  const badUtf8 = Buffer.from(recordsText([event('ok-badutf8-0', { userAgent: 'AGENT' })]));
  const at = badUtf8.indexOf('AGENT');
  badUtf8[at] = 0xc3;
  badUtf8[at + 1] = 0x28;
  badUtf8[at + 2] = 0xff;
  badUtf8[at + 3] = 0xfe;
  write('enc/bad-utf8.json', badUtf8);
  add('enc/bad-utf8.json', 'valid', 'invalid UTF-8 bytes inside a string', ['ok-badutf8-0']);

  // Escaped NUL and terminal escapes inside values: valid JSON, must load (and be sanitised when drawn).
  const nulInside = [event('ok-nul-0', { userAgent: 'a\u0000b\u001b[2J\u009b31m', eventName: 'Get\u0000Object' })];
  write('enc/nul-escaped.json', recordsText(nulInside));
  add('enc/nul-escaped.json', 'valid', 'escaped NUL and ESC inside strings', ['ok-nul-0']);

  // ---- gzip damage -------------------------------------------------------
  const damaged = gzipSync(recordsText([event('gone-gz-0'), event('gone-gz-1'), event('gone-gz-2')]));
  for (const cut of [3, 12, Math.floor(damaged.length / 2), damaged.length - 8, damaged.length - 1]) {
    write(`gzip/truncated-${cut}.json.gz`, damaged.subarray(0, cut));
    add(`gzip/truncated-${cut}.json.gz`, 'rejected', `gzip cut at byte ${cut} of ${damaged.length}`, [], /gzip|truncat|unexpected end|incomplete|invalid/i);
  }
  // File names are attacker-chosen too: escapes and a newline in a bad file's name.
  const evilName = 'gzip/evil-\u001b]0;pwned\u0007-\u001b[2J-\n-\u202e.json.gz';
  write(evilName, damaged.subarray(0, 30));
  add(evilName, 'rejected', 'a damaged file whose name holds escape sequences and a newline', [], /gzip|truncat|unexpected end/i);
  const badCrc = Buffer.from(damaged);
  badCrc[badCrc.length - 6] = badCrc[badCrc.length - 6]! ^ 0xff;
  write('gzip/bad-crc.json.gz', badCrc);
  add('gzip/bad-crc.json.gz', 'rejected', 'gzip with a wrong CRC', [], /gzip|check|crc|invalid|corrupt/i);
  write('gzip/not-json.json.gz', gzipSync('this is a plain text log line\nand another one\n'));
  add('gzip/not-json.json.gz', 'rejected', 'gzip of text that is not JSON', [], /not JSON/i, 'skipped');
  // Seeded flips inside the compressed data: the CRC (or inflate) catches every one.
  for (let k = 0; k < 3; k++) {
    const flipped = flipBytes(damaged, 1 + k, random, 10, damaged.length - 8);
    write(`gzip/flipped-${k}.json.gz`, flipped);
    add(`gzip/flipped-${k}.json.gz`, 'rejected', `gzip with ${1 + k} flipped bytes`, [], /gzip|check|crc|invalid|corrupt|distance|code|block|JSON/i);
  }

  // ---- empty and junk ------------------------------------------------------
  write('junk/empty.json', '');
  add('junk/empty.json', 'quiet', 'empty file');
  write('junk/blank.json', ' \n\t\r\n   \n');
  add('junk/blank.json', 'quiet', 'only white space');
  write('junk/nul-bytes.json', Buffer.alloc(4096));
  add('junk/nul-bytes.json', 'rejected', '4 KiB of NUL bytes (a preallocated file after a crash)', [], /not JSON/i, 'skipped');
  const nulMiddle = Buffer.from(recordsText([event('gone-nulraw-0')]));
  nulMiddle[nulMiddle.indexOf('DescribeInstances')] = 0;
  write('junk/nul-raw.json', nulMiddle);
  add('junk/nul-raw.json', 'rejected', 'a raw NUL byte inside a JSON string', [], /JSON|control|position|line/i);

  // ---- structure -------------------------------------------------------------
  write('shape/deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  add('shape/deep.json', 'rejected', 'array nested 200,000 deep', [], /not a CloudTrail event|none a CloudTrail event|nested|deep/i, 'skipped');
  // A valid event whose requestParameters nest 200,000 deep: JSON.stringify overflows the stack on it.
  const deepEvent = JSON.stringify({ Records: [event('ok-deep-0', { requestParameters: 'DEEP' })] }).replace(
    '"DEEP"',
    `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
  );
  write('shape/deep-event.json', deepEvent);
  add('shape/deep-event.json', 'valid', 'an event whose requestParameters nest 200,000 deep', ['ok-deep-0']);
  write('shape/records-object.json', JSON.stringify({ Records: { eventID: 'gone-obj-0', eventName: 'X' } }));
  add('shape/records-object.json', 'rejected', '"Records" that is an object', [], /Records|not|array/i);
  write('shape/records-string.json', JSON.stringify({ Records: 'nope' }));
  add('shape/records-string.json', 'rejected', '"Records" that is a string', [], /Records|not|array/i);
  const mixed = [event('ok-mixed-0'), event('ok-mixed-1')];
  write('shape/not-objects.json', JSON.stringify({ Records: [1, 'two', true, [3], mixed[0], mixed[1]] }));
  add('shape/not-objects.json', 'partial', 'records that are not objects', mixed.map((e) => e.eventID), /4 records|not CloudTrail events|skipped/i);
  const withNull = [event('ok-null-0')];
  write('shape/null-record.json', JSON.stringify({ Records: [null, withNull[0]] }));
  add('shape/null-record.json', 'partial', 'a null record', ['ok-null-0'], /1 record|not a CloudTrail event|skipped/i);

  // One valid event with a 50 MB userAgent: must load (or be reported) in bounded time.
  const hugeId = 'ok-huge-0';
  const hugeHead = 'Mozilla/5.0 \u001b]0;pwned\u0007\u001b[2J ';
  const hugeAgent = `${hugeHead}${'A'.repeat(options.hugeBytes - hugeHead.length)}`;
  write('shape/huge-string.json', recordsText([event(hugeId, { userAgent: hugeAgent })]));
  add('shape/huge-string.json', 'valid', `one ${Math.round(options.hugeBytes / 1e6)} MB userAgent`, [hugeId]);

  // ---- file system oddities ------------------------------------------------
  mkdirSync(join(dir, 'fs/x.json'), { recursive: true });
  const inDirNamedJson = [event('ok-dirjson-0')];
  write('fs/x.json/inside.json', recordsText(inDirNamedJson));
  add('fs/x.json/inside.json', 'valid', 'a file inside a folder named x.json', ['ok-dirjson-0']);
  execFileSync('mkfifo', [join(dir, 'fs/pipe.json')]);
  add('fs/pipe.json', 'rejected', 'a FIFO (opening it would block)', [], /FIFO/, 'skipped');
  symlinkSync('.', join(dir, 'fs/loop'));
  add('fs/loop', 'rejected', 'a symlink to its own folder', [], /loop|visited/i, 'skipped');
  symlinkSync('self.json', join(dir, 'fs/self.json'));
  add('fs/self.json', 'rejected', 'a symlink to itself', [], /loop/i, 'skipped');
  symlinkSync('missing.json', join(dir, 'fs/broken.json'));
  add('fs/broken.json', 'rejected', 'a symlink to nothing', [], /broken|no such/i, 'skipped');
  // Outside the folder: walk.ts follows a link to a *file* (a shipper may link single files in), and
  // skips a link to a *folder* outside (a link to / or $HOME would walk the whole disk).
  const outsideEvents = [event('ok-outside-file-0')];
  writeFileSync(join(outside, 'linked.json'), recordsText(outsideEvents));
  symlinkSync(join(outside, 'linked.json'), join(dir, 'fs/outside-file.json'));
  add('fs/outside-file.json', 'valid', 'a symlink to a file outside the folder (followed)', ['ok-outside-file-0']);
  mkdirSync(join(outside, 'sub'));
  writeFileSync(join(outside, 'sub/hidden.json'), recordsText([event('gone-outside-dir-0')]));
  symlinkSync(join(outside, 'sub'), join(dir, 'fs/outside-dir'));
  add('fs/outside-dir', 'rejected', 'a symlink to a folder outside the folder (skipped)', [], /outside/i, 'skipped');

  const validIds = [...new Set(entries.flatMap((entry) => entry.ids))];
  return {
    dir,
    outside,
    entries,
    validIds,
    hugeId,
    remove,
  };
}
