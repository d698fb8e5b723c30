import { render } from 'ink';
import { readRecord } from '../ingest/read.js';
import { openFolder } from '../ingest/open.js';
import { openFolderState } from '../state/index.js';
import { guardKeyInput } from '../term/keyInput.js';
import { sanitize } from '../term/sanitize.js';
import { crashText } from './crashText.js';
import { App, type PluginViews } from './App.js';
import { ArchiveApp } from './archive/ArchiveApp.js';
import type { ArchiveFollower } from '../archive/follow.js';
import type { ArchiveSession } from '../archive/session.js';
import { ExportDialog } from './ExportDialog.js';
import { cancelAllExports } from './exportModel.js';
import { InsightsView } from './InsightsView.js';
import { FindingsView } from './findings/FindingsView.js';
import type { RuleSet } from '../detect/rule.js';
import type { RecordRef } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { detectionSession } from '../detect/session.js';

// Alternate screen on/off, cursor shown again, and a full clear used on resize.
const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';
const LEAVE_ALT = '\u001b[?25h\u001b[?1049l';
const CLEAR = '\u001b[2J\u001b[H';

export interface RunOptions {
  watch: boolean;
  /** Read and save the folder's query history, marks and columns (false: --no-history). */
  history?: boolean;
  views?: PluginViews;
  /** Detection rules to run as events load (the built-in pack and --rules folders). */
  rules?: RuleSet;
  /** Events from somewhere other than a folder; no watching, no rules. */
  source?: { store: EventStore; readRecord: (ref: RecordRef) => Promise<Record<string, unknown> | null>; close: () => Promise<void> };
  /** A DuckDB archive (--db): the archive dashboard (ui/archive/), every question answered by SQL. */
  archive?: ArchiveSession;
  /** With `archive`: the folder it follows (trailtop DIR --db FILE); stopped before the archive closes. */
  follower?: ArchiveFollower;
}

/**
 * Runs the dashboard on a terminal until the user quits. The terminal is
 * restored on every way out: quit, Ctrl-C, SIGTERM/SIGHUP and crashes.
 */
export async function runInteractive(dir: string, options: RunOptions): Promise<number> {
  const out = process.stdout;
  // Rules run where records are parsed; their hits reach the findings before the rows reach the store.
  const session = options.rules && !options.source && !options.archive ? detectionSession(options.rules) : null;
  const archive = options.archive;
  const opened = archive
    ? {
        store: null,
        close: async () => {
          await options.follower?.close();
          await archive.close();
        },
      }
    : (options.source ?? openFolder(dir, { watch: options.watch, ...(session?.detection ? { detection: session.detection } : {}) }));
  const read = options.source ? options.source.readRecord : (ref: RecordRef) => readRecord(ref);
  const folderState = openFolderState(dir, { enabled: options.history ?? true });
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    unguardInput();
    out.off('resize', onResize);
    out.write(LEAVE_ALT);
  };
  // Registered before Ink's own listener, so Ink redraws onto a clean screen (shrinking leaves no debris).
  let lastSize = `${out.columns}x${out.rows}`;
  const onResize = (): void => {
    const size = `${out.columns}x${out.rows}`;
    if (size === lastSize) return;
    lastSize = size;
    out.write(CLEAR);
  };
  out.on('resize', onResize);
  // A pasted colour code would otherwise crash Ink's key parser (term/keyInput.ts).
  const unguardInput = guardKeyInput(process.stdin);
  out.write(ENTER_ALT);
  process.once('exit', restore);

  const element = archive ? (
    <ArchiveApp session={archive} dbPath={dir} folderState={folderState} {...(options.follower ? { follower: options.follower } : {})} />
  ) : (
    <App store={opened.store!} folder={dir} watching={options.watch} readRecord={read} folderState={folderState} views={options.views ?? { insights: InsightsView, export: ExportDialog, findings: FindingsView }} {...(session ? { findings: session.findings } : {})} />
  );
  const instance = render(element, {
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 30,
  });
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    exitCode = signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15);
    instance.unmount();
  };
  const onCrash = (error: unknown): void => {
    restore();
    process.stderr.write(crashText(error, true));
    process.exit(1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await instance.waitUntilExit();
  } catch (error) {
    restore();
    process.stderr.write(crashText(error, false));
    exitCode = 1;
  } finally {
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    // A download started in the dashboard ends with it, leaving no temp file; the terminal is back, so say so.
    for (const target of await cancelAllExports()) process.stderr.write(`trailtop: download cancelled; ${sanitize(target)} was not written\n`);
    await opened.close();
  }
  return exitCode;
}
