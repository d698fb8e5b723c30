import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every file under dir, as paths relative to it with forward slashes, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

export type Json = Record<string, unknown>;

/** gunzip + JSON.parse; throws on a truncated or invalid file. */
export function readGzJson(file: string): Json {
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Json;
}

export const TRAIL_NAME = /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]{16}\.json\.gz$/;
export const INSIGHT_NAME = /^AWSLogs\/(\d{12})\/CloudTrail-Insight\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail-Insight_\2_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]{16}\.json\.gz$/;
export const DIGEST_NAME = /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail-Digest_\2_[\w-]+_\2_(\d{8})T(\d{6})Z\.json\.gz$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface LoadedFile {
  rel: string;
  records: Json[];
}

/** Reads every trail and Insights file that parses; the ones that do not are returned apart. */
export function loadTree(dir: string): { trail: LoadedFile[]; insight: LoadedFile[]; bad: string[]; digests: string[] } {
  const trail: LoadedFile[] = [];
  const insight: LoadedFile[] = [];
  const bad: string[] = [];
  const digests: string[] = [];
  for (const rel of listFiles(dir)) {
    if (rel.includes('/CloudTrail-Digest/')) {
      digests.push(rel);
      continue;
    }
    let parsed: Json;
    try {
      parsed = readGzJson(path.join(dir, rel));
    } catch {
      bad.push(rel);
      continue;
    }
    const records = parsed.Records as Json[];
    (rel.includes('/CloudTrail-Insight/') ? insight : trail).push({ rel, records });
  }
  return { trail, insight, bad, digests };
}

/** Unique events by eventID (first copy wins). */
export function uniqueEvents(files: LoadedFile[]): Map<string, Json> {
  const byId = new Map<string, Json>();
  for (const f of files) for (const r of f.records) if (!byId.has(r.eventID as string)) byId.set(r.eventID as string, r);
  return byId;
}
