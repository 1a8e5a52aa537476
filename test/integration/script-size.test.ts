/**
 * The script's byte budget, checked on the built file: FingerprintJS bundled alone with the same
 * rollup and terser settings (dist/reference/fingerprintjs.js, built by rollup.config.mjs) plus 6 KB
 * for everything of ours. Also guards the two mistakes that would blow it or break a promise:
 * bundling msgpackr, and loading FingerprintJS without `monitoring: false`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const SCRIPT_PATH = fileURLToPath(new URL("../../dist/public/vakt.js", import.meta.url));
const REFERENCE_PATH = fileURLToPath(new URL("../../dist/reference/fingerprintjs.js", import.meta.url));
/** Our allowance over FingerprintJS alone, gzipped. */
const BUDGET_OVER_REFERENCE_BYTES = 6 * 1024;

function readBuilt(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` first`);
  }
  return readFileSync(path, "utf8");
}
const readScript = (): string => readBuilt(SCRIPT_PATH);
const gzipBytes = (text: string): number => gzipSync(text, { level: 9 }).length;

describe("dist/public/vakt.js", () => {
  it(`is at most FingerprintJS alone + ${BUDGET_OVER_REFERENCE_BYTES} bytes gzipped (level 9)`, () => {
    const reference = readBuilt(REFERENCE_PATH);
    // The reference is FingerprintJS and nothing of ours, with monitoring off.
    expect(reference.includes("({monitoring:!1})")).toBe(true);
    expect(reference.includes("vakt")).toBe(false);
    const budget = gzipBytes(reference) + BUDGET_OVER_REFERENCE_BYTES;
    const script = gzipBytes(readScript());
    expect(script, `vakt.js is ${script} bytes gzipped; the budget is ${budget} (FingerprintJS alone is ${budget - BUDGET_OVER_REFERENCE_BYTES})`).toBeLessThanOrEqual(budget);
  });

  it("does not bundle msgpackr", () => {
    // Minified msgpackr does not contain its own name, but its decoder's error message survives
    // (checked: a rollup + terser bundle of msgpackr's pack and unpack has it once).
    expect(readScript().includes("end of buffer not reached"), "vakt.js contains msgpackr's decoder").toBe(false);
  });

  it("loads FingerprintJS with monitoring off", () => {
    // terser keeps the option object as written: `load({ monitoring: false })` → `x({monitoring:!1})`.
    // Without the option the call reads `x()` or `x({})`, and this fails.
    expect(readScript().includes("({monitoring:!1})"), "no load({ monitoring: false }) call in vakt.js").toBe(true);
  });

  it("uses neither eval nor new Function", () => {
    expect(/\beval\(|new Function\b/.test(readScript()), "vakt.js uses eval or new Function").toBe(false);
  });
});
