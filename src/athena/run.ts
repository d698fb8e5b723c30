/**
 * Running one statement on Athena with @aws-sdk/client-athena: start it,
 * poll its state with backoff (reporting state, bytes scanned and time),
 * then page through the results. Credentials and region come from the
 * standard AWS chain (the client's defaults). Throttling is retried with
 * backoff here as well as in the SDK; AWS errors become AthenaError with a
 * message a person can act on (no stack traces).
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';

export interface AthenaTarget {
  database: string;
  workgroup: string;
  /** s3:// prefix for results; omitted: the workgroup's own setting. */
  output?: string;
  catalog?: string;
}

export interface AthenaProgress {
  queryId: string;
  state: string;
  bytesScanned: number;
  elapsedMs: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: AthenaProgress) => void;
  /** Athena took the query (before the first poll): a failure to start it (credentials, network) never calls it. */
  onStarted?: (queryId: string) => void;
  /** First poll delay; doubles (x1.5) up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Throttled calls are retried this many times. */
  retries?: number;
  /** Injected for tests (no real waiting). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface AthenaResult {
  queryId: string;
  bytesScanned: number;
  columns: string[];
  /** Each page's rows as objects by column name (the header row removed). */
  pages(pageSize?: number): AsyncGenerator<Record<string, string | null>[]>;
}

export class AthenaError extends Error {
  constructor(
    message: string,
    readonly queryId: string | null = null,
  ) {
    super(message);
  }
}

export class AthenaCancelled extends AthenaError {}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'SlowDown']);

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Node's socket and DNS failures (the SDK throws them as they are, after its own retries): the
 * host could not be resolved or reached, which no AWS setting but the region can change.
 */
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ECONNABORTED', 'EPIPE']);

interface NetworkErrorFields {
  code?: unknown;
  syscall?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
}

const textOf = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** `cannot reach Athena at HOST (getaddrinfo ENOTFOUND): ...` for a network failure, else null. */
function networkFailure(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const fields = error as NetworkErrorFields;
  const code = textOf(fields.code);
  if (!NETWORK_CODES.has(code)) return null;
  const address = textOf(fields.address);
  const hostname = textOf(fields.hostname);
  const host = hostname || (address && textOf(fields.port) ? `${address}:${textOf(fields.port)}` : address);
  // The credential chain may fail to reach its own host (SSO, STS): name what was not reached.
  const service = hostname === '' || hostname.startsWith('athena.') ? 'Athena' : 'AWS';
  const what = [textOf(fields.syscall), code].filter((part) => part !== '').join(' ');
  return `cannot reach ${service}${host ? ` at ${host}` : ''} (${what}): check the network and the region`;
}

/** What went wrong, in words a person can act on. */
export function explainAwsError(error: unknown): string {
  const network = networkFailure(error);
  if (network) return network;
  const name = errorName(error);
  const message = errorMessage(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(message) && /load|provider|missing/i.test(message)) {
    // "set AWS_PROFILE" misleads when it is set: the profile named is what is missing or has no credentials.
    const profile = process.env['AWS_PROFILE'];
    if (profile) return `no AWS credentials from profile '${profile}' (AWS_PROFILE): check that it exists and has credentials, or run aws sso login --profile ${profile}`;
    return 'no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run aws sso login / aws configure';
  }
  if (/Region is missing/i.test(message)) {
    // A profile named but not there (a typo) has no region either: that, not AWS_REGION, is what to fix.
    const profile = process.env['AWS_PROFILE'];
    if (profile) return `no AWS region from profile '${profile}' (AWS_PROFILE): check that it exists and sets a region, or set AWS_REGION`;
    return 'no AWS region: set AWS_REGION (or a region in your AWS profile)';
  }
  if (/Region not accepted/i.test(message)) return `the AWS region is not valid (${message.replace(/^Error: /, '')}): set AWS_REGION to a region such as us-east-1`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || /not authorized|AccessDenied/i.test(message)) {
    return `permission denied: ${message} (the caller needs athena:StartQueryExecution, GetQueryExecution, GetQueryResults, glue:GetTable and read access to the trail bucket and the results location)`;
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'ExpiredTokenException' || name === 'ExpiredToken') {
    return `AWS rejected the credentials (${name}): ${message}`;
  }
  if (name === 'InvalidRequestException') return `Athena refused the query: ${message}`;
  return `${name || 'error'}: ${message}`;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a command, retrying throttling with backoff; other AWS errors become AthenaError. */
async function send<T>(call: () => Promise<T>, options: RunOptions, queryId: string | null): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const retries = options.retries ?? 6;
  let delay = 250;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (THROTTLED.has(errorName(error)) && attempt < retries) {
        await sleep(delay);
        delay = Math.min(delay * 2, 8_000);
        continue;
      }
      throw new AthenaError(explainAwsError(error), queryId);
    }
  }
}

function progressOf(execution: QueryExecution | undefined, queryId: string, startedAt: number, now: number): AthenaProgress {
  return {
    queryId,
    state: execution?.Status?.State ?? 'UNKNOWN',
    bytesScanned: execution?.Statistics?.DataScannedInBytes ?? 0,
    elapsedMs: now - startedAt,
  };
}

export async function runAthenaQuery(client: AthenaClient, sql: string, target: AthenaTarget, options: RunOptions = {}): Promise<AthenaResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const started = await send(
    () =>
      client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: target.database, ...(target.catalog ? { Catalog: target.catalog } : {}) },
          WorkGroup: target.workgroup,
          ...(target.output ? { ResultConfiguration: { OutputLocation: target.output } } : {}),
        }),
      ),
    options,
    null,
  );
  const startedId = started.QueryExecutionId;
  if (!startedId) throw new AthenaError('Athena started no query (no QueryExecutionId in its answer)');
  const queryId: string = startedId;
  options.onStarted?.(queryId);

  let delay = options.pollMs ?? 500;
  const maxDelay = options.maxPollMs ?? 5_000;
  let execution: QueryExecution | undefined;
  for (;;) {
    if (options.signal?.aborted) {
      await send(() => client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId })), options, queryId).catch(() => undefined);
      throw new AthenaCancelled('interrupted: the query was stopped', queryId);
    }
    const answer = await send(() => client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })), options, queryId);
    execution = answer.QueryExecution;
    options.onProgress?.(progressOf(execution, queryId, startedAt, now()));
    const state = execution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED') {
      const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
      throw new AthenaError(`the query failed: ${reason}`, queryId);
    }
    if (state === 'CANCELLED') throw new AthenaCancelled(`the query was cancelled${execution?.Status?.StateChangeReason ? `: ${execution.Status.StateChangeReason}` : ''}`, queryId);
    await sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), maxDelay);
  }

  const bytesScanned = execution?.Statistics?.DataScannedInBytes ?? 0;
  const first = await send(() => client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: 1000 })), options, queryId);
  const columns = (first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
  const toObjects = (rows: { Data?: { VarCharValue?: string }[] }[]): Record<string, string | null>[] =>
    rows.map((row) => {
      const out: Record<string, string | null> = {};
      columns.forEach((name, k) => {
        out[name] = row.Data?.[k]?.VarCharValue ?? null;
      });
      return out;
    });

  async function* pages(pageSize = 1000): AsyncGenerator<Record<string, string | null>[]> {
    // The first page of a SELECT starts with the header row.
    yield toObjects((first.ResultSet?.Rows ?? []).slice(1));
    let token = first.NextToken;
    while (token) {
      if (options.signal?.aborted) throw new AthenaCancelled('interrupted while reading results', queryId);
      const page = await send(
        () => client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: token, MaxResults: Math.min(1000, pageSize) })),
        options,
        queryId,
      );
      yield toObjects(page.ResultSet?.Rows ?? []);
      token = page.NextToken;
    }
  }
  return { queryId, bytesScanned, columns, pages };
}
