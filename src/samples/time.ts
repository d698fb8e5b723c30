/** The fixed two days the samples cover; nothing here reads the clock. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const SAMPLE_START = Date.UTC(2026, 10, 23); // 2026-11-23T00:00:00Z
export const SAMPLE_END = SAMPLE_START + 2 * DAY; // exclusive
/** CloudTrail delivers roughly every five minutes; a window's events go into files delivered after it. */
export const WINDOW = 5 * MINUTE;

/** A UTC instant given as minutes after SAMPLE_START, for readable scenario tables. */
export function at(day: number, hh: number, mm: number, ss = 0): number {
  return SAMPLE_START + day * DAY + hh * HOUR + mm * MINUTE + ss * 1000;
}

/** `2026-11-23T09:14:07Z`: CloudTrail eventTime has whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

function parts(ms: number) {
  const iso = new Date(ms).toISOString();
  return {
    yyyy: iso.slice(0, 4), mo: iso.slice(5, 7), dd: iso.slice(8, 10),
    hh: iso.slice(11, 13), mi: iso.slice(14, 16), ss: iso.slice(17, 19),
  };
}

/** `2026/11/23`, the date folders of the S3 delivery layout. */
export function datePath(ms: number): string {
  const p = parts(ms);
  return `${p.yyyy}/${p.mo}/${p.dd}`;
}

/** `20261123T0915Z`, the delivery stamp in trail and Insights file names. */
export function fileStamp(ms: number): string {
  const p = parts(ms);
  return `${p.yyyy}${p.mo}${p.dd}T${p.hh}${p.mi}Z`;
}

/** `20261123T091512Z`, the stamp in digest file names. */
export function digestStamp(ms: number): string {
  const p = parts(ms);
  return `${p.yyyy}${p.mo}${p.dd}T${p.hh}${p.mi}${p.ss}Z`;
}
