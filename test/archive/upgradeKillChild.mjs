// Child for laterColumns.test.ts: runs the upgrades from schema 8 on argv[2] as db.ts does, one transaction a version
// (8 -> 9 the one DuckDB 1.5 once failed to replay), then dies before the checkpoint that follows them, leaving what they wrote in its log only.
const [db, dist] = process.argv.slice(2);
const { DuckDBInstance } = await import('@duckdb/node-api');
const { upgradePath } = await import(`${dist}/archive/upgrades.js`);
const instance = await DuckDBInstance.create(db, { checkpoint_threshold: '1GB' });
const connection = await instance.connect();
// Every version after 8 in turn, one transaction each, as db.ts runs them.
for (const { version, steps } of upgradePath('8')) {
  await connection.run('BEGIN TRANSACTION');
  for (const step of steps) await connection.run(step);
  await connection.run(`UPDATE archive_meta SET value = '${version}' WHERE key = 'schema'`);
  await connection.run('COMMIT');
}
process.stdout.write('committed\n');
process.exit(0);
