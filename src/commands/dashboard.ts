import path from 'node:path';
import { writeHelp } from './helpText.js';
import { existsSync } from 'node:fs';
import { sanitize } from '../term/sanitize.js';
import { FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { asDbArgumentError, dbOption, requireDbBesideLogs } from './dbFolder.js';
import { commandRules, RULES_HELP, RULES_OPTION } from './rules.js';

export const DASHBOARD_USAGE = `Usage: trailtop [DIR|FILE] [--no-watch] [--no-history] [--rules DIR]...
       trailtop --db FILE [--no-history] [--rules DIR]...
       trailtop DIR --db FILE [--no-watch] [--no-history] [--rules DIR]...

Opens the dashboard on DIR (default: the current folder): every CloudTrail
log below it, newest first, filtered as you type. Given a FILE, only that file
is read and followed. Press ? inside for the keys.

Options:
  --no-watch   load once; do not follow new or changed files
  --no-history neither read nor save this folder's (or --db archive's) query
               history, marks and columns (kept under $XDG_STATE_HOME/trailtop, default ~/.local/state/trailtop)
${RULES_HELP}
  --db FILE    a DuckDB archive (trailtop archive): the whole archive, paged by SQL;
               queries typed here run as SQL on all of it (rule:ID with the rules loaded).
               Alone it is read only. With DIR, what DIR holds that the archive lacks is
               imported first (FILE is created if need be), then each new or changed file
               in DIR as it lands (as 'trailtop archive DIR --db FILE' would; --no-watch:
               once at the start only); the list takes them in as they commit
  -h, --help   show this help

Detection rules run on every event as it loads; ! opens what they found.`;

const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';
const LEAVE_ALT = '\u001b[?25h\u001b[?1049l';

/**
 * What the alternate screen says while Ink loads. DIR's name may hold any character (a synced
 * bucket's folder, a name completed by the shell): JSON's escaping left C1 controls (U+009B is CSI
 * to some terminals) and bidi overrides raw, so the name is sanitised as every other string.
 */
export function openingLine(dir: string): string {
  return `trailtop: opening ${sanitize(dir)}...`;
}

/** `trailtop [DIR|FILE] [--no-watch] [--help]`: the interactive dashboard. */
export async function runDashboard(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...RULES_OPTION,
      'no-watch': { type: 'boolean' },
      'no-history': { type: 'boolean' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    1,
    FOLDER_OPERAND,
  );
  if (values.help) {
    return await writeHelp(DASHBOARD_USAGE);
  }
  const db = dbOption(values.db);
  const dir = path.resolve(db ?? positionals[0] ?? '.');
  // trailtop DIR --db FILE: the archive follows DIR.
  const followed = db !== undefined && positionals[0] !== undefined ? path.resolve(positionals[0]) : null;
  const rules = commandRules(values.rules);
  if (db === undefined) await requireFolderOrFile(dir);
  else if (followed) {
    await requireFolderOrFile(followed);
    // As typed, not resolved: resolve() drops the trailing `/` of `--db newdir/`.
    await requireDbBesideLogs(db, followed);
  }
  else if (!existsSync(dir)) throw new UsageError(`no archive at ${sanitize(dir)}: create it with 'trailtop archive DIR --db ${sanitize(dir)}', or open 'trailtop DIR --db ${sanitize(dir)}'`, false);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      db === undefined
        ? "trailtop: the dashboard needs a terminal; for pipes and scripts use 'trailtop scan DIR|FILE' or 'trailtop tail DIR|FILE'\n"
        : "trailtop: the dashboard needs a terminal; for pipes and scripts use 'trailtop scan|export|detect --db FILE'\n",
    );
    return 2;
  }
  // Ink renders only a final frame when it thinks it runs in CI; a terminal on both ends means a person is watching.
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  // React's development build is several times slower per frame; nothing here needs its checks.
  process.env['NODE_ENV'] ??= 'production';
  // Loading Ink and React takes a moment on a busy machine: say something on the alternate screen meanwhile.
  process.stdout.write(`${ENTER_ALT}${openingLine(dir)}`);
  let run: typeof import('../ui/run.js');
  try {
    run = await import('../ui/run.js');
  } catch (error) {
    process.stdout.write(LEAVE_ALT);
    throw error;
  }
  if (db !== undefined) {
    let archive;
    let follower;
    try {
      const { ArchiveSession } = await import('../archive/session.js');
      const sessionOptions = { rules: rules.rules.map((r) => ({ id: r.id, title: r.title, ast: r.ast })), ruleSet: rules };
      if (followed) {
        // Written by the watch's imports, so open for writing (one process at a time: DuckDB locks the file).
        const { openArchive, upgradeNotice } = await import('../archive/db.js');
        const { ArchiveFollower } = await import('../archive/follow.js');
        // The upgrade rewrites every row (minutes on a big archive): say so on the opening screen.
        const onUpgrade = (from: number, to: number): void => {
          process.stdout.write(`\r\ntrailtop: ${sanitize(upgradeNotice(dir, from, to))}...`);
        };
        archive = new ArchiveSession(await openArchive(dir, { onUpgrade }), sessionOptions);
        follower = await ArchiveFollower.start(archive.archive, followed, { watch: !values['no-watch'] });
      } else {
        archive = await ArchiveSession.open(dir, sessionOptions);
      }
    } catch (error) {
      process.stdout.write(LEAVE_ALT);
      await archive?.close();
      throw asDbArgumentError(error);
    }
    return run.runInteractive(dir, { watch: false, history: !values['no-history'], archive, ...(follower ? { follower } : {}) });
  }
  return run.runInteractive(dir, { watch: !values['no-watch'], history: !values['no-history'], rules });
}
