// CONTRACT STUB — dispatches to src/commands/*; each command module owns its flags.
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`trailtop: not yet (${argv.join(' ')})\n`);
  return 0;
}
