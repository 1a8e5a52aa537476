import { describe, expect, it } from "vitest";
import { replayOrder, type HalfSummary } from "./replay-half.js";

const half = (attempts: [tsMs: number, line: number][]): HalfSummary => ({
  tsMs: Float64Array.from(attempts, ([tsMs]) => tsMs),
  lines: Int32Array.from(attempts, ([, line]) => line),
  labels: new Uint8Array(attempts.length),
});

describe("replayOrder", () => {
  it("merges two halves by time, and between equal times by line, whichever thread holds the earlier line", () => {
    // The first thread holds the file's first and last quarters (lines 1–2 and 7–8), the second its middle.
    const first = half([[100, 1], [300, 7], [300, 8], [400, 2]]);
    const second = half([[100, 4], [200, 3], [300, 5], [500, 6]]);
    expect([...replayOrder(first, second)]).toEqual([0, 1, 1, 1, 0, 0, 0, 1]);
    expect([...replayOrder(half([]), second)]).toEqual([1, 1, 1, 1]);
    expect([...replayOrder(first, half([]))]).toEqual([0, 0, 0, 0]);
  });
});
