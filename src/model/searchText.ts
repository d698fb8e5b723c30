import type { EventRow } from './types.js';

/**
 * The lowercase text plain query words are matched against: event name,
 * source, actor, user names, resource names and ARNs, source IP, error code,
 * region and access key, one per line so a word never matches across fields.
 */
export function buildSearchText(row: EventRow): string {
  let out = row.name;
  out = append(out, row.source);
  out = append(out, row.actor);
  for (const name of row.userNames) out = append(out, name);
  for (const resource of row.resources) {
    out = append(out, resource.name);
    if (resource.arn !== resource.name) out = append(out, resource.arn);
  }
  out = append(out, row.sourceIp);
  out = append(out, row.errorCode);
  out = append(out, row.region);
  out = append(out, row.accessKey);
  return out.toLowerCase();
}

function append(text: string, part: string): string {
  if (part === '') return text;
  return text === '' ? part : `${text}\n${part}`;
}
