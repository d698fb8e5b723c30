/**
 * `--max-decompressed SIZE`, accepted by every command that reads a folder
 * (the dashboard, scan, tail, export, detect): the most one gzip file may
 * inflate to before it is reported bad (ingest/limits.ts; default 2 GiB).
 * Taken out of the arguments before a command parses its own, so each
 * command's option table stays as it is.
 */
import { DEFAULT_MAX_DECOMPRESSED, setReadLimits } from '../ingest/limits.js';
import { UsageError } from './usageError.js';

export const LIMITS_HELP = `  --max-decompressed SIZE
                the most one gzip file may decompress to (default 2G; K, M, G, T suffixes)`;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes from `2G`, `512M`, `1048576`; null when it is not a size. */
export function parseSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) return null;
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  return bytes > 0 && Number.isFinite(bytes) ? bytes : null;
}

/** Commands that read no log file: the option would be dropped unsaid, as if it had limited something. */
const READS_NO_LOGS = new Set(['sql', 'athena']);

/** Applies and removes `--max-decompressed SIZE` (or `=SIZE`) from argv; a bad size, or a command that reads no logs, is a usage error. */
export function applyLimitOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  let given = false;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--') {
      out.push(...argv.slice(k));
      break;
    }
    let value: string | undefined;
    if (arg === '--max-decompressed') value = argv[++k];
    else if (arg.startsWith('--max-decompressed=')) value = arg.slice('--max-decompressed='.length);
    else {
      out.push(arg);
      continue;
    }
    if (READS_NO_LOGS.has(argv[0]!)) throw new UsageError(`--max-decompressed limits the gzip log files a command reads: ${argv[0]} reads none, drop it`);
    // As every other option that takes a value (args.ts): a second one silently replaced the first.
    if (given) throw new UsageError('--max-decompressed given more than once (it takes one value)');
    given = true;
    const bytes = value === undefined ? null : parseSize(value);
    if (bytes === null) throw new UsageError(`--max-decompressed needs a size such as 512M or 4G (default ${DEFAULT_MAX_DECOMPRESSED / 1024 ** 3}G)`);
    setReadLimits({ maxDecompressedBytes: bytes });
  }
  return out;
}
