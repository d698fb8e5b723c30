/**
 * The --help texts and the one-line usage errors, as a person reads them on a
 * terminal: no control character reaches it, every command's options are named
 * in `trailtop --help`, and an unknown option is said in one short line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli.js';
import { ARCHIVE_USAGE } from '../../src/commands/archive.js';
import { FOLDER_OPERAND, parseCommandArgs, UsageError } from '../../src/commands/args.js';
import { VersionRequested } from '../../src/commands/usageError.js';
import { ATHENA_USAGE } from '../../src/commands/athena.js';
import { CHAIN_USAGE } from '../../src/commands/chain.js';
import { DASHBOARD_USAGE } from '../../src/commands/dashboard.js';
import { DETECT_USAGE } from '../../src/commands/detect.js';
import { EXPORT_USAGE } from '../../src/commands/export.js';
import { SCAN_USAGE } from '../../src/commands/scan.js';
import { SQL_USAGE } from '../../src/commands/sql.js';
import { TAIL_USAGE } from '../../src/commands/tail.js';

const TEXTS: Record<string, string> = {
  USAGE,
  ARCHIVE_USAGE,
  ATHENA_USAGE,
  CHAIN_USAGE,
  DASHBOARD_USAGE,
  DETECT_USAGE,
  EXPORT_USAGE,
  SCAN_USAGE,
  SQL_USAGE,
  TAIL_USAGE,
};

describe('help texts', () => {
  it.each(Object.keys(TEXTS))('%s holds no control character but newlines', (name) => {
    // eslint-disable-next-line no-control-regex
    const controls = [...TEXTS[name]!.matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g)].map((m) => m[0].codePointAt(0)!.toString(16));
    expect(controls).toEqual([]);
  });

  // Under LANG=C (or TERM=linux) the terminal showed trailtop's em dash as garbage (`trailtop \xe2\x80\x94 a terminal ...`):
  // help is read in any locale, so it is plain ASCII, as the dashboard's symbols are there (term/glyphs.ts).
  it.each(Object.keys(TEXTS))('%s is plain ASCII, readable in the C locale', (name) => {
    expect([...TEXTS[name]!.matchAll(/[^\n\u0020-\u007e]/g)].map((m) => m[0])).toEqual([]);
  });

  it('trailtop --help under LANG=C LC_ALL=C prints only ASCII', () => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../bin/trailtop.js'), '--help'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, LANG: 'C', LC_ALL: 'C' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('trailtop - a terminal dashboard');
    expect(run.stdout).not.toMatch(/[^\n\u0020-\u007e]/);
  });

  // The archive's tt_record is JSON.stringify's text of the parsed record: export --db cannot give the log's number text.
  it('export --help says export --db writes numbers as JavaScript does, export DIR as logged', () => {
    expect(EXPORT_USAGE.replace(/\s+/g, ' ')).toContain('numbers as JavaScript writes them (1.0 as 1, 1e400 as null), where export DIR keeps the log\'s text');
  });

  it('export --help names the escape it writes as text', () => {
    expect(EXPORT_USAGE).toContain('visible escapes (\\x1b)');
  });

  it("trailtop --help shows export's --format as optional and names archive's and sql's options, as their own --help does", () => {
    const flat = USAGE.replace(/\s+/g, ' ');
    // The format comes from FILE's extension: only -o - needs --format.
    expect(flat).toContain('trailtop export DIR -o FILE|- [--format csv|json|jsonl]');
    expect(flat).toContain('trailtop archive DIR [--db FILE] [--quiet]');
    expect(flat).toContain('[--schema cloudtrail|archive]');
    for (const [own, option] of [[ARCHIVE_USAGE, '[--quiet]'], [SQL_USAGE, '[--schema cloudtrail|archive]'], [EXPORT_USAGE, '[--format csv|json|jsonl]']] as const) expect(own).toContain(option);
  });

  it("trailtop --help gives chain --db the DIR its own --help does", () => {
    expect(CHAIN_USAGE).toContain('trailtop chain --db FILE [DIR] EVENT_ID');
    expect(USAGE).toContain('trailtop chain --db FILE [DIR] EVENT_ID');
  });

  it('trailtop --help names the options of tail and the archive forms', () => {
    for (const option of ['--findings-only', '--rules DIR', '--db FILE']) expect(USAGE).toContain(option);
  });
});

describe('usage errors', () => {
  const OPTIONS = { json: { type: 'boolean' } } as const;

  it('an unknown option is named in one short line', () => {
    let caught: unknown;
    try {
      parseCommandArgs(['DIR', '--bogus'], OPTIONS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe("unknown option '--bogus'");
  });

  it('an unexpected argument is drawn without its control characters', () => {
    expect(() => parseCommandArgs(['DIR', 'two\u001b[2J'], OPTIONS)).toThrow("unexpected argument 'two\\x1b[2J'");
  });
});

describe('a negated query as a positional argument', () => {
  it('says to put it after -- (sql and athena take QUERY as an argument)', () => {
    expect(() => parseCommandArgs(['--json', '-error:* name:GetObject'], { json: { type: 'boolean' } })).toThrow(
      "unknown option '-e': a query that starts with - goes after --, as in -- '-error:* name:GetObject'",
    );
    // A negated word or group too; a lone unknown flag is only that.
    for (const query of ['-AssumeRole', '-(name:x OR y)', '-"a b"']) {
      expect(() => parseCommandArgs(['--json', query], { json: { type: 'boolean' } })).toThrow(`a query that starts with - goes after --, as in -- '${query}'`);
    }
    expect(() => parseCommandArgs(['--json', '-x'], { json: { type: 'boolean' } })).toThrow(/^unknown option '-x'$/);
    // After --, it is the query.
    expect(parseCommandArgs(['--json', '--', '-error:*'], { json: { type: 'boolean' } }).positionals).toEqual(['-error:*']);
  });

  it('names a folder, not a query, for the commands whose argument is DIR', () => {
    expect(() => parseCommandArgs(['--json', '-logs'], { json: { type: 'boolean' } }, 1, FOLDER_OPERAND)).toThrow(
      "unknown option '-l': a folder or file name that starts with - goes after --, as in -- '-logs'",
    );
  });
  it.each([['scan'], ['export'], ['detect'], ['tail'], ['archive'], ['chain', 'ID'], ['--no-watch']])('trailtop %s -logs: the hint names a folder, not a query', (...args: string[]) => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../bin/trailtop.js'), ...args, '-logs'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^trailtop: unknown option '-l': a folder (or file name|or event ID) that starts with - goes after --, as in -- '-logs'$/m);
  });
});

describe('--rules', () => {
  it.each([
    ['detect', '.', '--rules', ''],
    ['scan', '.', '--filter', 'rule:*', '--rules', ''],
    ['export', '.', '--filter', 'rule:*', '-o', '-', '--format', 'jsonl', '--rules', ''],
    ['tail', '.', '--findings-only', '--rules', ''],
  ])('an empty value is named as such by %s (it said "no such rules folder: " naming nothing)', (...args: string[]) => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('trailtop: --rules needs a folder (or file) of Sigma rules, such as ./rules');
  });
});

describe('--max-decompressed', () => {
  // sql and athena read no log file: the option was taken and dropped, as if it had limited something.
  it.each([
    ['sql', '--dialect', 'duckdb', '--max-decompressed', '1G', 'name:x'],
    ['athena', '--max-decompressed=1G', '--database', 'd', '--table', 't', '--workgroup', 'w', 'name:x'],
  ])('is refused by %s, which reads no logs', (...args: string[]) => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(`--max-decompressed limits the gzip log files a command reads: ${args[0]} reads none, drop it`);
    expect(run.stdout).toBe('');
  });

  // It takes one value, as every other such option: a second silently replaced the first (scan read with 2G,
  // the dashboard opened), where a repeated --since or --db is refused.
  it.each([
    ['scan', 'samples', '--max-decompressed', '1G', '--max-decompressed', '2G'],
    ['export', 'samples', '-o', '-', '--format', 'csv', '--max-decompressed=1G', '--max-decompressed', '4G'],
    ['samples', '--max-decompressed', '1G', '--max-decompressed=1G'],
  ])('given twice is refused before anything is read: %s', (...args: string[]) => {
    const ROOT = resolve(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('trailtop: --max-decompressed given more than once (it takes one value)');
    expect(run.stdout).toBe('');
  });
});

describe('--version', () => {
  const ROOT = resolve(import.meta.dirname, '../..');
  const expected = `trailtop ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`;

  // Was "unknown option '--version'" (exit 2) on every command but the tool itself.
  it.each(['scan', 'tail', 'detect', 'export', 'archive', 'sql', 'chain', 'athena', '.'])('trailtop %s --version prints the version, exit 0', (command) => {
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), command, '--version'], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(expected);
  });

  it('is the value of a string option when it follows one, not a request', () => {
    expect(() => parseCommandArgs(['DIR', '--filter', '--version'], { filter: { type: 'string' } })).not.toThrow();
    expect(() => parseCommandArgs(['DIR', '-V'], OPTIONS_NONE)).toThrow(VersionRequested);
  });
});

const OPTIONS_NONE = {} as const;

describe('trailtop help COMMAND', () => {
  const ROOT = resolve(import.meta.dirname, '../..');
  const trailtop = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });

  // `trailtop help scan` printed the overview, as git's and kubectl's users do not expect.
  it.each(['scan', 'tail', 'detect', 'export', 'archive', 'sql', 'chain', 'athena'])('trailtop help %s prints what COMMAND --help does, exit 0', (command) => {
    const own = trailtop(command, '--help');
    const viaHelp = trailtop('help', command);
    expect(viaHelp.stderr).toBe('');
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: trailtop ${command} `));
    expect(viaHelp.stdout).toBe(own.stdout);
  });

  it.each([[[]], [['help']], [['--help']]])('trailtop help %j prints the overview, exit 0', (rest: string[]) => {
    const run = trailtop('help', ...rest);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(trailtop('--help').stdout);
    expect(run.stdout).toContain('trailtop help [COMMAND]');
  });

  it('an unknown command is said in one line, control characters escaped, exit 2', () => {
    const run = trailtop('help', 'nosuch\u001b[2J');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "trailtop: help: unknown command 'nosuch\\x1b[2J' (commands: scan, tail, export, chain, archive, sql, athena, detect)\nTry 'trailtop --help'.\n",
    );
  });

  it('more than one name is a usage error, exit 2', () => {
    const run = trailtop('help', 'scan', 'samples');
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("trailtop: help takes one command name, as in 'trailtop help scan'");
  });
});
