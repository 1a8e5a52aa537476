import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

const RUN = new URL("../../dist/bench/run.js", import.meta.url).pathname;

/** Every number anywhere in `value`, with its path. */
function numbers(value: unknown, path = "$"): [string, number][] {
  if (typeof value === "number") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => numbers(item, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => numbers(item, `${path}.${key}`));
  return [];
}

// Measurements, not a speed test: this checks the shape of `npm run bench -- --quick --json`, never a figure.
describe("npm run bench -- --quick --json", () => {
  it("prints one JSON object with the ingest and memory results, every number finite", { timeout: 90_000 }, async () => {
    expect(existsSync(RUN), "dist/bench/run.js: run `npm run build` first").toBe(true);
    const child = spawn(process.execPath, [RUN, "--quick", "--json", "--only", "ingest,memory", "--sessions", "40", "--streams", "200"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(0);

    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ quick: true, machine: { cores: expect.any(Number), loadAverage: expect.any(Number) } });
    for (const server of ["collector", "bareUws", "httpWs"]) {
      expect(result.ingest[server]).toMatchObject({
        connected: 40,
        framesPerSecond: expect.any(Number),
        ackLatencyMs: { p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) },
        serverCpuCores: expect.any(Number),
        machine: { cores: expect.any(Number) },
      });
      expect(result.ingest[server].rounds).toBeGreaterThan(0);
    }
    expect(result.ingest.ratios).toMatchObject({ collectorOverBare: expect.any(Number), collectorOverHttpWs: expect.any(Number) });
    for (const server of ["collector", "httpWs"]) {
      expect(result.memory[server]).toMatchObject({ streams: 200, connected: 200, rssMb: expect.any(Number), baselineRssMb: expect.any(Number) });
    }
    for (const [path, value] of numbers(result)) expect(Number.isFinite(value), path).toBe(true);
  });
});
