// Child for archive-kill.test.ts: imports argv[2] into argv[3] two files per transaction and says after each commit.
const [folder, db, dist] = process.argv.slice(2);
const { openArchive } = await import(`${dist}/archive/db.js`);
const { importFolder } = await import(`${dist}/archive/import.js`);
const archive = await openArchive(db);
await importFolder(archive, folder, { batchFiles: 2, afterCommit: (n) => process.stdout.write(`committed ${n}\n`) });
process.stdout.write('done\n');
await archive.close();
