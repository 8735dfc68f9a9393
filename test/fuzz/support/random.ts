/**
 * Seeded randomness for the fuzz tests. Each case gets its own generator derived from (seed, case
 * index), so one case replays alone, without the ones before it.
 */

export type Rand = () => number;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of case `index` of a run seeded with `seed`. */
export function caseRng(seed: number, index: number): Rand {
  return rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

export const int = (rand: Rand, max: number): number => Math.floor(rand() * max);

export function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** A seed from the environment (FUZZ_SEED) or the clock, printed by each test so a failure replays. */
export function fuzzSeed(): number {
  const fromEnv = process.env.FUZZ_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : (Date.now() % 1_000_000_007) >>> 0;
}
