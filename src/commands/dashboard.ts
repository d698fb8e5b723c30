// STUB — replaced by the helper that owns this command.
export async function runDashboard(_argv: string[]): Promise<number> {
  process.stderr.write('trailtop dashboard: not implemented yet\n');
  return 1;
}
