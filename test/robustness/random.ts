/**
 * Seeded randomness for the robustness suite. Every property test takes its
 * seed from TRAILTOP_SEED when set (to replay a failure) and prints it in the
 * failure message, so a red run can be reproduced exactly.
 */

export { int, pick, rng } from '../support/random.js';

/** The seed for a test: TRAILTOP_SEED if given, else a fixed default (runs repeat unless asked not to). */
export function seedFor(fallback: number): number {
  const fromEnv = process.env['TRAILTOP_SEED'];
  if (fromEnv !== undefined && fromEnv !== '' && Number.isFinite(Number(fromEnv))) return Number(fromEnv) >>> 0;
  return fallback >>> 0;
}

/** Runs `check` and, when it throws, rethrows with the seed to replay it. */
export function withSeed<T>(seed: number, what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(`${what} failed with seed ${seed} (replay: TRAILTOP_SEED=${seed}): ${message}`);
    if (error instanceof Error && error.stack) wrapped.stack = `${wrapped.message}\n${error.stack}`;
    throw wrapped;
  }
}

/** Async form of withSeed. */
export async function withSeedAsync<T>(seed: number, what: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what} failed with seed ${seed} (replay: TRAILTOP_SEED=${seed}): ${message}`);
  }
}
