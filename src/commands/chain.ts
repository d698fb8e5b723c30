import { existsSync, statSync } from 'node:fs';
import { chainJson, findChain, type Chain } from '../investigate/chain.js';
import { isUsableAccessKey } from '../model/accessKey.js';
import { writeHelp } from './helpText.js';
import { counted } from '../model/plural.js';
import { readRecord } from '../ingest/read.js';
import { loadFolder } from '../ingest/scanFolder.js';
import { EventStore } from '../store/eventStore.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { sanitize } from '../term/sanitize.js';
import { parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { dbOption } from './dbFolder.js';
import { writeStdout } from './stdout.js';

export const CHAIN_USAGE = `Usage: trailtop chain DIR|FILE EVENT_ID [--json]
       trailtop chain --db FILE [DIR] EVENT_ID [--json]

Who is behind an event's session: the events that issued its temporary
credentials (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity,
GetFederationToken, GetSessionToken), followed back through role chaining to an
IAM user, a SAML or web identity, an AWS service or root. An issuing event that
is not in the logs is said so.

Options:
  --db FILE    follow it in a DuckDB archive (trailtop archive), issuing events found
               by SQL; with DIR, import what is new there first
  --json       print the chain as one JSON object
  -h, --help   show this help

Exit status: 0 when the event was found, 1 when it is not in the logs (or the
--db archive cannot be read), 2 for bad arguments, 130 interrupted (143 on
SIGTERM) while --db imports DIR.`;

function time(ms: number | undefined): string {
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-';
}

/** The chain as text, one link a paragraph; every log string sanitised. */
export function formatChain(chain: Chain): string {
  const lines = [sanitize(chain.summary)];
  chain.links.forEach((link, i) => {
    const id = link.identity;
    const head = link.row ? `${time(link.row.time)} ${sanitize(link.row.name)} ${sanitize(link.row.id)}` : 'not in these logs';
    lines.push(`${i + 1}. [${link.kind}] ${head}`);
    lines.push(`   ${sanitize(link.note)}`);
    const who = [id.type, id.arn || id.userName || id.principalId, id.accessKey && `key ${id.accessKey}${isUsableAccessKey(id.accessKey) ? '' : ' (masked)'}`, link.row?.sourceIp && `from ${link.row.sourceIp}`, id.sourceIdentity && `source identity ${id.sourceIdentity}`, id.identityProvider && `provider ${id.identityProvider}`, id.invokedBy && `invoked by ${id.invokedBy}`]
      .filter(Boolean)
      .map((part) => sanitize(String(part)))
      .join(', ');
    if (who) lines.push(`   ${who}`);
  });
  return lines.join('\n');
}

/** `trailtop chain DIR EVENT_ID [--json]`. */
export async function runChain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 2, 'a folder or event ID');
  if (values.help) {
    return await writeHelp(CHAIN_USAGE);
  }
  const db = dbOption(values.db);
  if (db !== undefined) {
    const eventId = positionals[positionals.length - 1];
    if (!eventId) throw new UsageError('chain --db needs an event ID: trailtop chain --db FILE [DIR] EVENT_ID');
    // `chain --db FILE DIR` with the ID forgotten: DIR was looked up as an event ID, "no event with ID logs".
    if (positionals.length === 1 && existsSync(eventId) && statSync(eventId).isDirectory()) {
      throw new UsageError(`chain --db needs an event ID after the folder ${sanitize(eventId)}: trailtop chain --db FILE [DIR] EVENT_ID`);
    }
    const chain = await archivedChain(db, positionals.length > 1 ? positionals[0] : undefined, eventId);
    if (!chain) {
      process.stderr.write(`trailtop: no event with ID ${sanitize(eventId)} in the archive ${sanitize(db)}\n`);
      return 1;
    }
    return await printChain(chain, values.json === true);
  }
  const [dir, eventId] = positionals;
  if (!dir || !eventId) throw new UsageError('chain needs a folder and an event ID: trailtop chain DIR EVENT_ID');
  await requireFolderOrFile(dir);
  const store = new EventStore(0);
  await loadFolder(dir, store);
  // Worded as scan, detect, export and chain --db word it, so one grep finds them in a script's log.
  for (const bad of store.progress.badFiles) process.stderr.write(`trailtop: bad file ${sanitize(bad.path)}: ${sanitize(bad.reason)}\n`);
  const row = store.get(eventId);
  if (!row) {
    process.stderr.write(`trailtop: no event with ID ${sanitize(eventId)} in ${sanitize(dir)} (${counted(store.size, 'event')} read)\n`);
    return 1;
  }
  const chain = await findChain(row, store, (ref) => readRecord(ref));
  return await printChain(chain, values.json === true);
}

/** The chain of the archived event with that ID (null when there is none); the archive's modules load only here. */
async function archivedChain(dbPath: string, dir: string | undefined, eventId: string): Promise<Chain | null> {
  const [{ openDb }, { archiveChain }, { pageEvents }, { literal }] = await Promise.all([
    import('./dbCommands.js'),
    import('../archive/chain.js'),
    import('../archive/query.js'),
    import('../query/sql/index.js'),
  ]);
  const archive = await openDb(dbPath, dir);
  try {
    const [event] = await pageEvents(archive, `eventid = ${literal(eventId)}`, 1);
    // One walk: a scan per link costs less than the index's pass over every issuing event (archive/chain.ts).
    return event ? await archiveChain(archive, event, 'scan') : null;
  } finally {
    await archive.close();
  }
}

/** The chain on stdout; its exit code (`| grep -q root` closing the pipe early is a quiet 0, a full disk 1). */
function printChain(chain: Chain, json: boolean): Promise<number> {
  return writeStdout(json ? `${terminalSafeJson(JSON.stringify(chainJson(chain), null, 2))}\n` : `${formatChain(chain)}\n`, 'chain');
}
