import { rmSync } from 'node:fs';
import path from 'node:path';
import { ACTORS } from './identities.js';
import { InsightTracker, insightRecords } from './insights.js';
import { Rng } from './prng.js';
import { apiCall, type TimedRecord } from './records.js';
import { scenarioSessions } from './scenarios.js';
import { planHighCardinalityTraffic } from './highCardinality.js';
import { TEMPLATES } from './templates.js';
import { at, SAMPLE_END, SAMPLE_START, WINDOW } from './time.js';
import { MAX_SESSION_SPAN, planTraffic, type Session } from './traffic.js';
import { DEV, PROD } from './world.js';
import { DeliveryWriter, type WriterFigures } from './writer.js';

export interface GenerateOptions {
  out: string;
  /** Ordinary events; the fixed scenarios (bursts, Insights' events, attack strings) come on top. */
  events: number;
  seed: string;
  /** 'high': the traffic of samples/highCardinality.ts instead of the personas (the fixed scenarios stay). */
  cardinality?: Cardinality;
}

export type Cardinality = 'default' | 'high';

export interface GenerateSummary extends WriterFigures {
  /** Distinct events in the trail files (records minus redelivered copies). */
  unique: number;
  /** Relative path of the truncated file. */
  malformedPath: string;
}

export const DEFAULT_EVENTS = 3600;
export const DEFAULT_SEED = 'trailtop';
const MAX_PER_FILE = 100;

/**
 * Streams events window by window: sessions are planned up front (small),
 * materialized in start order, and each five-minute window is written and
 * dropped as soon as no later session can add to it, so memory stays bounded
 * however many events are asked for.
 */
export function generateSamples(options: GenerateOptions): GenerateSummary {
  rmSync(path.join(options.out, 'AWSLogs'), { recursive: true, force: true });
  const planRng = new Rng(`${options.seed}/plan`);
  const eventRng = new Rng(`${options.seed}/events`);
  const writer = new DeliveryWriter(options.out, new Rng(`${options.seed}/delivery`), {
    maxPerFile: MAX_PER_FILE,
    duplicateChance: 0.04,
    digest: { account: PROD.id, region: 'us-east-1', start: at(0, 9, 0) },
  });
  const tracker = new InsightTracker();

  // Array.prototype.sort is stable, so equal starts keep their planned order.
  const planned = options.cardinality === 'high' ? planHighCardinalityTraffic(planRng, options.events) : planTraffic(planRng, options.events);
  const sessions: Session[] = [...scenarioSessions(), ...planned].sort((a, b) => a.start - b.start);
  const windows = new Map<number, Map<string, TimedRecord[]>>();
  let next = 0;
  const lastWindow = Math.ceil((SAMPLE_END - SAMPLE_START) / WINDOW) - 1;
  for (let w = 0; w <= lastWindow; w++) {
    const windowEnd = SAMPLE_START + (w + 1) * WINDOW;
    while (next < sessions.length && sessions[next]!.start < windowEnd) {
      const session = sessions[next++]!;
      for (const event of session.materialize(eventRng)) {
        if (event.timeMs >= session.start + MAX_SESSION_SPAN || event.timeMs >= SAMPLE_END) {
          throw new Error(`session event at ${event.timeMs} outside its span`);
        }
        const index = Math.floor((event.timeMs - SAMPLE_START) / WINDOW);
        let streams = windows.get(index);
        if (!streams) windows.set(index, (streams = new Map()));
        const stream = `${event.account}/${event.region}`;
        let list = streams.get(stream);
        if (!list) streams.set(stream, (list = []));
        list.push(event);
      }
    }
    const streams = windows.get(w);
    if (!streams) continue;
    windows.delete(w);
    for (const stream of [...streams.keys()].sort()) {
      const events = streams.get(stream)!;
      for (const e of events) tracker.observe(e);
      writer.deliverWindow(events[0]!.account, events[0]!.region, windowEnd, events);
    }
  }

  for (const insight of insightRecords(tracker, eventRng)) writer.deliverInsight(insight);
  writer.writeDigest();
  const malformedPath = writer.writeMalformed(DEV.id, 'us-west-2', at(1, 12, 13, 30), truncatedRecords(eventRng));
  return { ...writer.figures, unique: writer.figures.records - writer.figures.duplicates, malformedPath };
}

/** The records inside the truncated file; they exist nowhere else. */
function truncatedRecords(rng: Rng) {
  const identity = ACTORS.buildBot.startSession(rng, at(1, 12, 5));
  return [0, 40, 95, 130, 200].map((s) => apiCall(TEMPLATES.PutObject, DEV, 'us-west-2', identity, at(1, 12, 5, s), rng).record);
}
