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

/** Runs the built bench with `args`; resolves with its one line of JSON, parsed. */
async function bench(args: string[]): Promise<any> {
  expect(existsSync(RUN), "dist/bench/run.js: run `npm run build` first").toBe(true);
  const child = spawn(process.execPath, [RUN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  expect(code, stderr).toBe(0);
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

// Measurements, not a speed test: this checks the shape of `npm run bench -- --quick --json`, never a figure.
describe("npm run bench -- --quick --json", () => {
  it("prints one JSON object with the ingest and memory results, every number finite", { timeout: 90_000 }, async () => {
    const result = await bench(["--quick", "--json", "--only", "ingest,memory", "--sessions", "40", "--streams", "200"]);
    expect(result).toMatchObject({ quick: true, machine: { cores: expect.any(Number), loadAverage: expect.any(Number), paceMs: expect.any(Number) } });
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

  it("prints the assess matrix on LMDB and on Redis in the same shape, every number finite", { timeout: 180_000 }, async () => {
    const result = await bench(["--quick", "--json", "--only", "assess-matrix", "--prior", "0,200", "--rates", "100", "--matrix-seconds", "1"]);
    const { assessMatrix } = result;
    expect(assessMatrix.inputs).toMatchObject({ priorAttempts: [0, 200], rates: [100], seconds: 1, stores: ["lmdb", "redis"] });
    expect(assessMatrix.store).toBe("lmdb");
    expect(assessMatrix.redis).toMatchObject({ store: "redis", server: { version: expect.any(String), persistence: expect.stringContaining("appendfsync always") } });
    for (const part of [assessMatrix, assessMatrix.redis]) {
      expect(part.fills.map((fill: { attempts: number }) => fill.attempts)).toEqual([0, 200]);
      for (const fill of part.fills) expect(fill).toMatchObject({ seconds: expect.any(Number), rate: expect.any(Number), dataBytes: expect.any(Number), machine: { cores: expect.any(Number) } });
      expect(part.cells).toHaveLength(2);
      for (const cell of part.cells) {
        expect(cell).toMatchObject({
          offeredRate: 100,
          achievedRate: expect.any(Number),
          ok: expect.any(Number),
          errors: expect.any(Number),
          latencyMs: { p50: expect.any(Number), p99: expect.any(Number) },
          machine: { loadAverage: expect.any(Number) },
        });
      }
    }
    for (const fill of assessMatrix.redis.fills) expect(fill.memoryBytes).toBeGreaterThan(0);
    for (const [path, value] of numbers(result)) expect(Number.isFinite(value), path).toBe(true);
  });
});
