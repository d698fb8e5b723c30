// Child for laterColumns.test.ts: runs the schema 8 -> 9 upgrade's transactions on argv[2] as db.ts does, then dies before
// the checkpoint that follows them, leaving what they wrote in DuckDB's log only.
const [db, dist] = process.argv.slice(2);
const { DuckDBInstance } = await import('@duckdb/node-api');
const { UPGRADES } = await import(`${dist}/archive/upgrades.js`);
const instance = await DuckDBInstance.create(db, { checkpoint_threshold: '1GB' });
const connection = await instance.connect();
const transactions = UPGRADES['8'];
for (const [k, steps] of transactions.entries()) {
  await connection.run('BEGIN TRANSACTION');
  for (const step of steps) await connection.run(step);
  if (k === transactions.length - 1) await connection.run(`UPDATE archive_meta SET value = '9' WHERE key = 'schema'`);
  await connection.run('COMMIT');
}
process.stdout.write('committed\n');
process.exit(0);
