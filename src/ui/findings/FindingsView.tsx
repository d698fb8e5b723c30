import { Box, Text, type Key } from 'ink';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { CONFLICT_RULE, conflictRuleFinding } from '../../detect/conflictFinding.js';
import { sortFindings, type Finding, type Findings } from '../../detect/findings.js';
import { truncate } from '../../term/width.js';
import type { BadFile } from '../../model/types.js';
import type { PluginViewProps } from '../App.js';
import { actionFor } from '../keys.js';
import { formatCount, timesSpanYears } from '../format.js';
import { pivotQuery } from '../../investigate/pivot.js';
import { fitHints } from '../StatusBar.js';
import { useTheme } from '../theme.js';
import { answerSharedKey, useViewKeys } from '../viewKeys.js';
import { useKeptState } from '../keptViews.js';
import { WrappedText } from '../WrappedText.js';
import { findingRowLine, findingsHeaderLine, findingsLayout, isSevere, ruleLines, skippedSummary, stoppedSummary } from './findingsModel.js';
import { own } from '../../term/glyphs.js';

/** The version of a Findings, re-rendering on its (coalesced) notifications. */
export function useFindingsVersion(findings: Findings | undefined): number {
  return useSyncExternalStore(
    (listener) => findings?.subscribe(listener) ?? (() => {}),
    () => findings?.version ?? 0,
  );
}

/** Under a list cut to fit: how many rules are above and below it (`  ↑ 2 above · ↓ 3 more (j/k)`), else empty. */
export function moreRulesLine(from: number, shown: number, total: number): string {
  const below = total - from - shown;
  if (from <= 0 && below <= 0) return '';
  const parts = [from > 0 ? `${own('↑')} ${from} above` : '', below > 0 ? `${own('↓')} ${below} more` : ''].filter(Boolean);
  return `  ${parts.join(own(' · '))} (j/k)`;
}

/**
 * Rows of the list: every rule when they fit beside the details, else the room the longest details
 * (`detailNeed` lines, of any rule listed) leave, and never less than half: a fixed half left blank
 * lines under short details on a tall terminal while rules hid under `↓ N more`. Sized on the longest
 * rather than the selected rule's details, so the list does not grow and shrink as j/k moves.
 */
export function listRowsFor(height: number, count: number, detailNeed: number): number {
  const available = Math.max(1, height - 3);
  return Math.max(1, Math.min(count, Math.max(Math.floor(available / 2), available - detailNeed), available - 4));
}

/**
 * The findings view (`!`) of the folder dashboard: the rules' findings with the load's own
 * (conflicting duplicates) beside them, as detect lists it. The view itself is FindingsPanel.
 */
export function FindingsView({ store, rows, queryText, findings, zone, width, height, onClose, setQuery, openProblems, openHelp, editQuery, setListable, quit, active, claimKeys, kept, keep }: PluginViewProps) {
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the store's progress mutates in place; the count says when
  const builtin = useMemo(() => conflictRuleFinding(store), [store, store.progress.conflictCount]);
  // Under a query, what the rules found among its events, as T and h count them (`/` here edits it).
  // Without one, every hit, those on events still on their way to the store included.
  const version = useFindingsVersion(findings);
  const scoped = queryText.trim() !== '';
  // eslint-disable-next-line react-hooks/exhaustive-deps -- findings mutate in place; version says when
  const scope = useMemo(() => (findings && scoped ? { count: rows.length, found: findings.listAmong(rows) } : null), [findings, scoped, rows, version]);
  return (
    <FindingsPanel
      findings={findings}
      scope={scope}
      queryText={queryText}
      {...(editQuery ? { editQuery } : {})}
      {...(setListable ? { setListable } : {})}
      builtin={scoped ? null : builtin}
      stopped={store.progress.ruleStops}
      zone={zone}
      width={width}
      height={height}
      onClose={onClose}
      setQuery={setQuery}
      {...(openProblems ? { openProblems } : {})}
      {...(openHelp ? { openHelp } : {})}
      {...(quit ? { quit } : {})}
      {...(active !== undefined ? { active } : {})}
      {...(claimKeys ? { claimKeys } : {})}
      kept={kept}
      keep={keep}
    />
  );
}

export interface FindingsPanelProps extends Pick<PluginViewProps, 'zone' | 'width' | 'height' | 'onClose' | 'setQuery' | 'openProblems' | 'openHelp' | 'editQuery' | 'setListable' | 'quit' | 'active' | 'claimKeys' | 'kept' | 'keep'> {
  /** What the rules found; absent: no rules run in this session (or, with `pending`, not yet). */
  findings: Findings | undefined;
  /**
   * Under a query: how many events it selects, and what the rules found among them alone (Findings.listAmong on
   * a folder, findingsAmong by SQL on an archive; null while counted); null or absent: every event.
   */
  scope?: { count: number; found: readonly Finding[] | null } | null;
  /** The applied query: Enter narrows it to the rule (`QUERY rule:ID`) when the list counts its events. */
  queryText?: string;
  /** A finding that is not a rule's (conflicting duplicates), listed beside the rules'; null for none. */
  builtin: Finding | null;
  /** Work on the findings still running ('running rules… 3/19'): said in the title, and in place of a list not there yet. */
  pending?: string;
  /** What the view says when no rule fired (default: the folder dashboard's words, rules running as events load). */
  noneFired?: (loaded: number) => string;
  /** Rules the watchdog stopped part way (store progress.ruleStops): said in the foot, their counts being short. */
  stopped?: readonly BadFile[];
}

/**
 * The findings view: each rule that fired with level, unique events,
 * first and last time and ATT&CK techniques, newest hit first (`o`: by
 * level); below, the selected rule's description and references. Enter lists
 * its events in the event list through the query `rule:ID`; `!` or Esc returns.
 * Both dashboards draw it: the folder's findings grow as events load, the
 * archive's come from the rules run as SQL (ui/archive/).
 */
export function FindingsPanel({ findings, scope = null, queryText = '', builtin, pending = '', noneFired, stopped = [], zone, width, height, onClose, setQuery, openProblems, openHelp, editQuery, setListable, quit, active, claimKeys, kept, keep }: FindingsPanelProps) {
  const theme = useTheme();
  const version = useFindingsVersion(findings);
  // Kept by the dashboard: back by Esc from the list a rule's Enter opened, that rule is still selected.
  const [choice, setChoice] = useKeptState('findings', { kept, keep }, () => ({ ruleId: null, order: 'newest' }));
  const { order, ruleId: selectedId } = choice;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- findings mutate in place; version says when
  const list = useMemo(() => {
    if (!findings) return [];
    const found = scope ? sortFindings([...(scope.found ?? [])], order) : findings.list(order);
    return builtin ? sortFindings([...found, builtin], order) : found;
  }, [findings, scope, builtin, order, version]);
  const found = selectedId === null ? -1 : list.findIndex((f) => f.rule.id === selectedId);
  const index = found === -1 ? 0 : found;
  const selected = list[index] ?? null;
  const foot = findings ? [stoppedSummary(stopped), skippedSummary(findings.skipped)].filter(Boolean).join(own(' · ')) : '';
  const detailNeed = useMemo(() => Math.max(0, ...list.map((finding) => ruleLines(finding.rule, width).length)) + (foot ? 1 : 0), [list, width, foot]);
  const listRows = listRowsFor(height, list.length, detailNeed);

  const live = { list, index, choice };
  const liveRef = useRef(live);
  liveRef.current = live;
  const handle = (input: string, key: Key): boolean => {
    const { list, index, choice } = liveRef.current;
    const choose = (next: typeof choice): void => {
      setChoice(next);
      // The next key of the same chunk builds on this one before any render.
      liveRef.current = { ...liveRef.current, choice: next };
    };
    const select = (i: number): void => {
      const to = Math.max(0, Math.min(list.length - 1, i));
      const next = list[to];
      if (!next) return;
      choose({ ...liveRef.current.choice, ruleId: next.rule.id });
      liveRef.current = { ...liveRef.current, index: to };
    };
    const own = actionFor('findings', input, key);
    // Moving keys mean in this view what they mean in the list (keys.ts lists them as findingsMove).
    const action = own === 'findingsMove' ? actionFor('list', input, key) : own;
    const shared = answerSharedKey(action, openHelp, quit, editQuery);
    if (shared !== undefined) return shared;
    switch (action) {
      case 'back':
      case 'findings':
        onClose();
        return true;
      case 'up':
        select(index - 1);
        return false;
      case 'down':
        select(index + 1);
        return false;
      case 'pageUp':
        select(index - listRows);
        return false;
      case 'pageDown':
        select(index + listRows);
        return false;
      case 'top':
        select(0);
        return false;
      case 'bottom':
        select(list.length - 1);
        return false;
      case 'findingsOrder':
        choose({ ...choice, order: choice.order === 'newest' ? 'level' : 'newest' });
        return false;
      case 'findingEvents': {
        const finding = list[index];
        if (!finding) return false;
        // No record fires the built-in finding: its events are listed, with the files, in the bad-files view.
        if (finding.rule === CONFLICT_RULE) openProblems?.();
        // Counted among a query's events, the list shows those: the query narrowed to the rule.
        else setQuery(scope ? pivotQuery(queryText, { field: 'rule', value: finding.rule.id }, 'add') : `rule:${finding.rule.id}`);
        return true;
      }
      default:
        return false;
    }
  };
  useViewKeys(handle, { active, claimKeys });

  const loaded = findings?.rules.length ?? 0;
  const counted = !findings
    ? 'Findings'
    : scope
      ? `Findings on the query's ${formatCount(scope.count)} event${scope.count === 1 ? '' : 's'} (${scope.found ? list.length : own('…')} of ${loaded} rules fired)`
      : `Findings (${list.length} of ${loaded} rules fired)`;
  const listable = list.length > 0;
  useEffect(() => setListable?.(listable), [listable, setListable]);
  // With no rule listed there is nothing to select or list: those keys are not offered.
  const keys = listable ? ['j/k select', 'Enter events'] : [];
  const title = fitHints([pending ? `${counted} ${own('·')} ${pending}` : counted, ...keys, `o order: ${order === 'newest' ? 'newest' : 'level'}`, '!/Esc back', '? help'], width);
  if (!findings || list.length === 0) {
    const text = !findings
      ? pending
        ? `${pending[0]!.toUpperCase()}${pending.slice(1)}`
        : 'Detection rules are off in this session.'
      : loaded === 0
        ? 'No detection rule loaded.'
        : scope && !scope.found
          ? own('Counting what the rules found among the events of this query…')
          : scope
          ? `None of the ${loaded} detection rules fired on the events of this query. / edits it; Esc in the query bar restores the one before.`
          : (noneFired?.(loaded) ?? `None of the ${loaded} detection rules fired on these events yet. Rules run on every event as it loads; new files are checked as they land.`);
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
        <Text> </Text>
        <WrappedText text={text} width={width} />
        {foot ? <Text color={theme.muted} wrap="truncate-end">{truncate(foot, width)}</Text> : null}
      </Box>
    );
  }

  // A short time (11-24 23:59) needs its year when the hits fall in more than one.
  const layout = findingsLayout(
    width,
    timesSpanYears(list.flatMap((finding) => [finding.first, finding.last]), zone),
    list.map((finding) => finding.count),
  );
  const from = Math.max(0, Math.min(index - Math.floor(listRows / 2), list.length - listRows));
  const rows = list.slice(from, from + listRows).map((finding, i) => {
    const isSelected = from + i === index;
    return (
      <Text key={finding.rule.id} inverse={isSelected && theme.inverse} color={isSevere(finding.rule.level) ? theme.error : undefined} wrap="truncate-end">
        {truncate(findingRowLine(finding, layout, zone, isSelected), width)}
      </Text>
    );
  });
  const detailRoom = Math.max(0, height - 3 - rows.length - (foot ? 1 : 0));
  const detail = selected ? ruleLines(selected.rule, width).slice(0, detailRoom) : [];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Box flexShrink={0}>
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
      </Box>
      <Text bold={theme.bold} wrap="truncate-end">
        {truncate(findingsHeaderLine(layout), width)}
      </Text>
      {rows}
      <Text color={theme.muted} wrap="truncate-end">
        {truncate(moreRulesLine(from, rows.length, list.length), width) || ' '}
      </Text>
      {detail.map((line, i) => (
        <Text
          key={i}
          wrap="truncate-end"
          bold={line.tone === 'heading' && theme.bold}
          color={line.tone === 'heading' ? theme.accent : line.tone === 'muted' ? theme.muted : line.tone === 'link' ? theme.link : undefined}
        >
          {line.text}
        </Text>
      ))}
      {foot ? (
        <Text color={theme.muted} wrap="truncate-end">
          {truncate(foot, width)}
        </Text>
      ) : null}
    </Box>
  );
}
