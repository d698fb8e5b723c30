// STUB — replaced by the helper that owns this command.
export async function runTail(_argv: string[]): Promise<number> {
  process.stderr.write('trailtop tail: not implemented yet\n');
  return 1;
}
