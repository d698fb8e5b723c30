// STUB — replaced by the helper that owns this command.
export async function runExport(_argv: string[]): Promise<number> {
  process.stderr.write('trailtop export: not implemented yet\n');
  return 1;
}
