#!/usr/bin/env node
// Thin shim: the CLI lives in the compiled TypeScript under dist/.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`trailtop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
