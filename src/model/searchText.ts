import type { EventRow, ResourceRef } from './types.js';
import { foldCase } from '../query/fold.js';
import { errorLabel } from './failure.js';

/**
 * The values plain query words are matched against, in order: event name,
 * source, actor, user names, resource names and ARNs, source IP, error code
 * (as the Error code column shows it: a failed sign-in's errorMessage),
 * region and access key. Empty values are skipped. Stops at, and returns
 * true for, the first value `visit` accepts. User names and resources go
 * through `visitNames` and `visitResources` (by default, each value to visit).
 *
 * Rows keep no search text of their own (a lowercase copy cost ~140 bytes a
 * row, a fifth of the store): a query remembers its answer per distinct,
 * interned value instead.
 */
export function anySearchPart(
  row: EventRow,
  visit: (value: string) => boolean,
  visitNames: (names: readonly string[]) => boolean = (names) => anyUserName(names, visit),
  visitResources: (resources: readonly ResourceRef[]) => boolean = (resources) => anyResourcePart(resources, visit),
): boolean {
  if (row.name !== '' && visit(row.name)) return true;
  if (row.source !== '' && visit(row.source)) return true;
  if (row.actor !== '' && visit(row.actor)) return true;
  if (row.userNames.length > 0 && visitNames(row.userNames)) return true;
  if (row.resources.length > 0 && visitResources(row.resources)) return true;
  if (row.sourceIp !== '' && visit(row.sourceIp)) return true;
  const error = errorLabel(row);
  if (error !== '' && visit(error)) return true;
  if (row.region !== '' && visit(row.region)) return true;
  return row.accessKey !== '' && visit(row.accessKey);
}

/** The user-name part of anySearchPart (lists are shared between rows, so a caller may remember answers per list). */
export function anyUserName(names: readonly string[], visit: (value: string) => boolean): boolean {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name !== '' && visit(name)) return true;
  }
  return false;
}

/** The resource part of anySearchPart: each name, and the ARN when it differs. */
export function anyResourcePart(resources: readonly ResourceRef[], visit: (value: string) => boolean): boolean {
  for (let i = 0; i < resources.length; i++) {
    const resource = resources[i]!;
    if (resource.name !== '' && visit(resource.name)) return true;
    if (resource.arn !== resource.name && resource.arn !== '' && visit(resource.arn)) return true;
  }
  return false;
}

/**
 * The lowercase text plain query words are matched against: the values of
 * anySearchPart, one per line so a word never matches across values.
 * Lowercasing the joined text equals joining the lowercased values, since a
 * line break ends the context of context-sensitive mappings (final sigma).
 */
export function buildSearchText(row: EventRow): string {
  const parts: string[] = [];
  anySearchPart(row, (value) => {
    parts.push(value);
    return false;
  });
  return foldCase(parts.join('\n'));
}
