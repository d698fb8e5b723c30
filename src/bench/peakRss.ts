/**
 * Preloaded into a child under test (`node --import dist/bench/peakRss.js ...`): at exit it writes the
 * process's peak resident memory (worker threads included: they share the process) to stderr as
 * `[peak-rss-kb] N`, which the bench reads back. The command's own output is left as it is.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\n[peak-rss-kb] ${process.resourceUsage().maxRSS}\n`);
});
