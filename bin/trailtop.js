#!/usr/bin/env node
// Thin shim: the CLI lives in the compiled TypeScript under dist/.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  async (error) => {
    // One line, control characters escaped: a DuckDB error spans several lines and may quote data.
    const { sanitizeLine } = await import('../dist/term/sanitize.js');
    process.stderr.write(`trailtop: ${sanitizeLine(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);
