import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Rng } from './prng.js';
import type { CloudTrailRecord, TimedRecord } from './records.js';
import { datePath, digestStamp, fileStamp, HOUR, isoSeconds, MINUTE } from './time.js';

/**
 * gzip output is a pure function of input and level, so a fixed level keeps the samples byte-identical.
 * Level 1 halves the time of million-event benchmark runs for ~20% more bytes.
 */
const GZIP_LEVEL = 1;
export const TRAIL_BUCKET = 'acme-cloudtrail-logs';
export const TRAIL_NAME = 'management-trail';

export interface WriterOptions {
  maxPerFile: number;
  /** Chance that a delivered file's event is delivered again in the stream's next file. */
  duplicateChance: number;
  /** Which stream and hour the digest file covers. */
  digest: { account: string; region: string; start: number };
}

export interface WriterFigures {
  trailFiles: number;
  insightFiles: number;
  digestFiles: number;
  malformedFiles: number;
  /** Records written to trail files, duplicates included. */
  records: number;
  duplicates: number;
  insightRecords: number;
  bytes: number;
}

interface DigestEntry {
  s3Object: string;
  hashValue: string;
  oldestEventTime: string;
  newestEventTime: string;
}

/** Writes records into the S3 delivery layout: one folder per account, kind, region and day. */
export class DeliveryWriter {
  readonly figures: WriterFigures = {
    trailFiles: 0, insightFiles: 0, digestFiles: 0, malformedFiles: 0, records: 0, duplicates: 0, insightRecords: 0, bytes: 0,
  };
  private readonly madeDirs = new Set<string>();
  private readonly redeliver = new Map<string, CloudTrailRecord[]>();
  private readonly digestEntries: DigestEntry[] = [];

  constructor(private readonly out: string, private readonly rng: Rng, private readonly options: WriterOptions) {}

  /** Delivers one stream's events of one five-minute window, in as many files as maxPerFile needs. */
  deliverWindow(account: string, region: string, windowEnd: number, events: TimedRecord[]): void {
    const stream = `${account}/${region}`;
    const pending = this.redeliver.get(stream) ?? [];
    this.redeliver.delete(stream);
    const records = [...pending, ...events.map((e) => e.record)];
    this.figures.duplicates += pending.length;
    // CloudTrail delivers a few minutes after the window closes.
    const delivery = windowEnd + this.rng.int(1, 4) * MINUTE + this.rng.int(0, 59) * 1000;
    for (let i = 0; i < records.length; i += this.options.maxPerFile) {
      const chunk = this.rng.shuffle(records.slice(i, i + this.options.maxPerFile));
      const key = this.trailKey('CloudTrail', account, region, delivery);
      const bytes = this.writeRecords(key, chunk);
      this.figures.trailFiles++;
      this.figures.records += chunk.length;
      this.noteForDigest(account, region, delivery, key, bytes, chunk);
    }
    if (events.length > 0 && this.rng.chance(this.options.duplicateChance)) {
      this.redeliver.set(stream, [this.rng.pick(events).record]);
    }
  }

  /** Each Insights record goes in its own file, delivered some minutes after its eventTime. */
  deliverInsight(event: TimedRecord): void {
    const delivery = event.timeMs + this.rng.int(5, 12) * MINUTE;
    const key = this.trailKey('CloudTrail-Insight', event.account, event.region, delivery);
    this.writeRecords(key, [event.record]);
    this.figures.insightFiles++;
    this.figures.insightRecords++;
  }

  /** A digest for one hour of one stream, listing the files delivered in it (hashValue: SHA-256 of the gzip bytes). */
  writeDigest(): void {
    const { account, region, start } = this.options.digest;
    const end = start + HOUR;
    const delivered = end + 14 * MINUTE + 32_000;
    const name = `${account}_CloudTrail-Digest_${region}_${TRAIL_NAME}_${region}_${digestStamp(delivered)}.json.gz`;
    const key = `AWSLogs/${account}/CloudTrail-Digest/${region}/${datePath(delivered)}/${name}`;
    const times = this.digestEntries.flatMap((e) => [e.oldestEventTime, e.newestEventTime]).sort();
    const digest = {
      awsAccountId: account,
      digestStartTime: isoSeconds(start),
      digestEndTime: isoSeconds(end),
      digestS3Bucket: TRAIL_BUCKET,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.rng.hex(32),
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: times.length ? times[times.length - 1] : null,
      oldestEventTime: times.length ? times[0] : null,
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: this.digestEntries.map((e) => ({ s3Bucket: TRAIL_BUCKET, hashAlgorithm: 'SHA-256', ...e })),
    };
    this.writeBytes(key, gzipSync(JSON.stringify(digest), { level: GZIP_LEVEL }));
    this.figures.digestFiles++;
  }

  /** A trail file cut off mid-gzip, as an interrupted download leaves it; its records are in no other file. */
  writeMalformed(account: string, region: string, delivery: number, records: CloudTrailRecord[]): string {
    const key = this.trailKey('CloudTrail', account, region, delivery);
    const whole = gzipSync(JSON.stringify({ Records: records }), { level: GZIP_LEVEL });
    this.writeBytes(key, whole.subarray(0, Math.floor(whole.length / 2)));
    this.figures.malformedFiles++;
    return key;
  }

  private trailKey(kind: 'CloudTrail' | 'CloudTrail-Insight', account: string, region: string, delivery: number): string {
    const name = `${account}_${kind}_${region}_${fileStamp(delivery)}_${this.rng.alnum(16)}.json.gz`;
    return `AWSLogs/${account}/${kind}/${region}/${datePath(delivery)}/${name}`;
  }

  private writeRecords(key: string, records: CloudTrailRecord[]): Buffer {
    const bytes = gzipSync(JSON.stringify({ Records: records }), { level: GZIP_LEVEL });
    this.writeBytes(key, bytes);
    return bytes;
  }

  private writeBytes(key: string, bytes: Uint8Array): void {
    const file = path.join(this.out, key);
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    writeFileSync(file, bytes);
    this.figures.bytes += bytes.length;
  }

  private noteForDigest(account: string, region: string, delivery: number, key: string, bytes: Buffer, records: CloudTrailRecord[]): void {
    const d = this.options.digest;
    if (account !== d.account || region !== d.region || delivery < d.start || delivery >= d.start + HOUR) return;
    const times = records.map((r) => String(r.eventTime)).sort();
    this.digestEntries.push({
      s3Object: key,
      hashValue: createHash('sha256').update(bytes).digest('hex'),
      oldestEventTime: times[0]!,
      newestEventTime: times[times.length - 1]!,
    });
  }
}
