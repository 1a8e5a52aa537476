/**
 * How many cases a property or a hostile loop runs. CI runs `base`; a deeper run multiplies it:
 * `VAKT_FUZZ_SCALE=N npx vitest run test/fuzz`, or `npm run test:fuzz -- --long` (scale 20).
 */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env.VAKT_FUZZ_SCALE ?? "1");
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** A fixed seed per run when VAKT_FUZZ_SEED is set, so a failure found in a long run can be replayed. */
export function fuzzSeed(): number | undefined {
  const seed = process.env.VAKT_FUZZ_SEED;
  return seed === undefined ? undefined : Number(seed);
}

/** fast-check parameters for `fc.assert`. */
export function fuzzParams(base: number): { numRuns: number; seed?: number } {
  const seed = fuzzSeed();
  return { numRuns: fuzzRuns(base), ...(seed === undefined ? {} : { seed }) };
}

/** A test's time limit, grown with the scale. */
export function fuzzTimeoutMs(baseMs: number): number {
  return baseMs * Math.max(1, fuzzRuns(1));
}
