/**
 * Seeded randomness for the robustness suite. Every property test takes its
 * seed from TRAILTOP_SEED when set (to replay a failure) and prints it in the
 * failure message, so a red run can be reproduced exactly.
 */

/** mulberry32: small, fast, good enough to pick test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for a test: TRAILTOP_SEED if given, else a fixed default (runs repeat unless asked not to). */
export function seedFor(fallback: number): number {
  const fromEnv = process.env['TRAILTOP_SEED'];
  if (fromEnv !== undefined && fromEnv !== '' && Number.isFinite(Number(fromEnv))) return Number(fromEnv) >>> 0;
  return fallback >>> 0;
}

export function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
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
