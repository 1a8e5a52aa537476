/**
 * The script's byte budget, checked on the built file: FingerprintJS (about 15.1 KB gzipped) plus
 * 6 KB for everything of ours. Also guards the two mistakes that would blow it or break a promise:
 * bundling msgpackr, and loading FingerprintJS without `monitoring: false`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const SCRIPT_PATH = fileURLToPath(new URL("../../dist/public/vakt.js", import.meta.url));
const MAX_SCRIPT_GZIP_BYTES = 22_000;

function readScript(): string {
  if (!existsSync(SCRIPT_PATH)) {
    throw new Error(`${SCRIPT_PATH} is missing: run \`npm run build\` first`);
  }
  return readFileSync(SCRIPT_PATH, "utf8");
}

describe("dist/public/vakt.js", () => {
  it(`is at most ${MAX_SCRIPT_GZIP_BYTES} bytes gzipped (level 9)`, () => {
    const gzipBytes = gzipSync(readScript(), { level: 9 }).length;
    expect(gzipBytes, `vakt.js is ${gzipBytes} bytes gzipped`).toBeLessThanOrEqual(MAX_SCRIPT_GZIP_BYTES);
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
