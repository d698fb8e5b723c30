// STUB — replaced by the helper that owns this command.
export async function runScan(_argv: string[]): Promise<number> {
  process.stderr.write('trailtop scan: not implemented yet\n');
  return 1;
}
