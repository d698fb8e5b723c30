/**
 * The headless commands' word on a detection rule the watchdog stopped (detect/ruleWatch.ts): the
 * file's events were kept but the rule's findings miss them and every file read after, so it is
 * said on stderr, worded alike in every command so one grep finds it in a script's log.
 */
import type { BadFile } from '../model/types.js';
import { sanitize } from '../term/sanitize.js';

export function ruleStopLine(stop: BadFile): string {
  // The reason names the rule by its title and path: from a rule file the user may not have written.
  return `trailtop: detection stopped on ${sanitize(stop.path)}: ${sanitize(stop.reason)}\n`;
}

export function warnRuleStops(stops: readonly BadFile[]): void {
  for (const stop of stops) process.stderr.write(ruleStopLine(stop));
}
