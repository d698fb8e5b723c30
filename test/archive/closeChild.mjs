// Child for close.test.ts: opens argv[2] as the dashboard does, starts its first queries and a long one,
// closes the archive argv[3] ms later, and says what became of each. A crash or a hang is the test's failure.
const [db, delayText, dist] = process.argv.slice(2);
const { ArchiveSession } = await import(`${dist}/archive/session.js`);
const session = await ArchiveSession.open(db);
const outcomes = [];
const started = [
  session.list(null, 'newest'),
  session.topValues('user', null),
  session.timeBounds(null),
  session.filter('assumrole'),
  // Long enough to be running at any of the delays: the close must interrupt it, not wait for it.
  session.archive.connection.runAndReadAll('SELECT count(*) FROM range(20000000000) t(x) WHERE x % 7 = 3'),
].map((p, k) => p.then(() => outcomes.push(`${k} done`), (error) => outcomes.push(`${k} failed: ${error.message}`)));
await new Promise((resolve) => setTimeout(resolve, Number(delayText)));
const closing = Date.now();
await session.close();
await session.close();
await Promise.all(started);
let after = 'refused';
await session.archive.connection.run('SELECT 1').then(() => (after = 'ran'), () => undefined);
process.stdout.write(`${JSON.stringify({ outcomes: outcomes.sort(), closeMs: Date.now() - closing, after })}\n`);
