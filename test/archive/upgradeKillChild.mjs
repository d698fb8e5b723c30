// Child for laterColumns.test.ts: runs the schema 8 -> 9 upgrade's statements on argv[2] as db.ts does, in one transaction,
// then dies before the checkpoint that follows it, leaving what the transaction wrote in DuckDB's log only.
const [db, dist] = process.argv.slice(2);
const { DuckDBInstance } = await import('@duckdb/node-api');
const { UPGRADES } = await import(`${dist}/archive/upgrades.js`);
const instance = await DuckDBInstance.create(db, { checkpoint_threshold: '1GB' });
const connection = await instance.connect();
await connection.run('BEGIN TRANSACTION');
for (const step of UPGRADES['8']) await connection.run(step);
await connection.run(`UPDATE archive_meta SET value = '9' WHERE key = 'schema'`);
await connection.run('COMMIT');
process.stdout.write('committed\n');
process.exit(0);
