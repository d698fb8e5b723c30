import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEventFile } from '../../src/ingest/read.js';
import { pairInsights, summarizeInsights, relatedEventsQuery, attributionTable } from '../../src/model/insights.js';
import type { EventRow } from '../../src/model/types.js';
import { rowInsight } from '../../src/model/recordBatch.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOCS = path.resolve(here, '../../../shared/datasets/aws-docs-examples');
const present = existsSync(DOCS);
if (!present && process.env['CI']) throw new Error(`dataset folder missing: ${DOCS}`);
if (!present) console.warn(`skipping Insights dataset tests: ${DOCS} is absent`);

describe.skipIf(!present)('Insights from the AWS documentation examples', () => {
  it('pairs the real-format records read by the ingest layer', async () => {
    const rows: EventRow[] = [];
    for (const f of ['cloudtrail-event-reference__1.json', 'cloudtrail-log-file-examples__9.json']) {
      rows.push(...(await readEventFile(path.join(DOCS, f))).rows);
    }
    expect(rows.every((r) => rowInsight(r) !== null)).toBe(true);
    const insights = pairInsights(rows);
    expect(insights.map((i) => [i.eventName, i.end === null])).toEqual([
      ['CompleteLifecycleAction', true], // 2020, Start only: ongoing
      ['UpdateInstanceInformation', false], // 2019, Start and End one minute apart
    ]);
    const ssm = insights[1]!;
    expect([ssm.start, ssm.end]).toEqual([Date.parse('2019-11-14T00:51:00Z'), Date.parse('2019-11-14T00:52:00Z')]);
    expect([ssm.baselineAverage, ssm.insightAverage, ssm.insightDuration]).toEqual([85.4202380952, 664, 1]);
    expect(relatedEventsQuery(ssm)).toBe('name:UpdateInstanceInformation source:ssm.amazonaws.com region:us-east-1 account:123456789012 -eventtype:AwsCloudTrailInsight from:2019-11-14T00:50:00Z to:2019-11-14T00:53:00Z');
    const tables = attributionTable(insights[0]!);
    expect(tables[0]!.rows.map((r) => r.insightShare)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(tables[2]!.rows[0]!.value).toBe('None');
    const summary = summarizeInsights(insights, rows);
    expect(summary.map((s) => [s.sharedEventID, s.end, s.eventsOnDisk])).toEqual([
      ['7bb000gg-22b3-4c03-94af-c74tj0c8m7c0', null, 0],
      ['EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE', '2019-11-14T00:52:00Z', 0],
    ]);
  });
});
