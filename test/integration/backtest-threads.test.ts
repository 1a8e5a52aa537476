import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "vakt-backtest-threads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built modules: the replay's worker thread runs from dist/, as `vakt backtest` runs it. */
const dist = (path: string) => import(new URL(`../../dist/collector/${path}`, import.meta.url).href);

describe("backtest replay on two threads", () => {
  it("gives exactly the one-thread result: counts, rule order, precision and changes", async () => {
    const { replay } = await dist("backtest/replay.js");
    const { generateAttempts } = await dist("backtest/generate.js");
    const { toAttempt } = await dist("backtest/input.js");
    const { DEFAULT_RULESET } = await dist("rules/default-ruleset.js");
    const { parseRuleset } = await dist("rules/ruleset.js");
    // A baseline that decides differently from the default on many attempts, with rules of its own and rules in common.
    const baseline = parseRuleset({
      policy: { review: { high: 1 }, challenge: { medium: 1 } },
      rules: { graylist: {}, phone_country: {}, device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] } },
    });
    const input: unknown[] = [];
    let line = 0;
    for (const { attempt } of generateAttempts({ seed: 3, orders: 3_000, days: 3 })) input.push(toAttempt(attempt, ++line));
    const options = { candidate: { name: "default", ruleset: DEFAULT_RULESET }, baseline: { name: "strict", ruleset: baseline }, labelDelayMs: 12 * 3_600_000 };

    const one = await replay(input, { ...options, threads: 1 });
    const two = await replay(input, { ...options, threads: 2 });
    const comparable = ({ durationMs: _d, attemptsPerSecond: _a, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    expect(comparable(two)).toBe(comparable(one));
    expect(one.changed).toBeGreaterThan(0);
    expect(Object.keys(one.candidate.rules).length).toBeGreaterThan(5);
  }, 120_000);

  it("replays an NDJSON file split between two threads exactly as one thread does: counts, changes and their lines, bad lines, strict", async () => {
    const { replayFile } = await dist("backtest/replay-file.js");
    const { generateAttempts } = await dist("backtest/generate.js");
    const { DEFAULT_RULESET } = await dist("rules/default-ruleset.js");
    const { parseRuleset } = await dist("rules/ruleset.js");
    const baseline = parseRuleset({
      policy: { review: { high: 1 }, challenge: { medium: 1 } },
      rules: { graylist: {}, phone_country: {}, device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] } },
    });
    const lines: string[] = [];
    for (const { attempt } of generateAttempts({ seed: 4, orders: 3_000, days: 3 })) lines.push(JSON.stringify(attempt));
    // Out of time order across the halves: the last 500 attempts first, so both halves hold attempts from the end of the replay.
    lines.unshift(...lines.splice(-500));
    // Bad and blank lines in each part (the first and last quarters on one thread, the middle on the other), and a CRLF line ending.
    lines.splice(200, 0, "{ not json", "");
    lines.splice(1_500, 0, "[1]");
    lines.splice(2_400, 0, JSON.stringify({ ts: "yesterday", order: { id: "x" } }), "   ");
    lines[1_700] += "\r";
    const path = join(dir, "split.ndjson");
    writeFileSync(path, lines.join("\n") + "\n");
    const options = { candidate: { name: "default", ruleset: DEFAULT_RULESET }, baseline: { name: "strict", ruleset: baseline }, labelDelayMs: 6 * 3_600_000 };

    const size = statSync(path).size;
    const readOne: [number, number][] = [];
    const one = await replayFile(path, { ...options, threads: 1, onRead: (bytes: number, of: number) => readOne.push([bytes, of]) });
    const progress: number[] = [];
    const readTwo: [number, number][] = [];
    const two = await replayFile(path, { ...options, threads: 2, onProgress: (done: number) => progress.push(done), onRead: (bytes: number, of: number) => readTwo.push([bytes, of]) });
    // Reading reports the bytes read of the file's size, on both threads together, rising to all of it.
    for (const read of [readOne, readTwo]) {
      expect(read.length).toBeGreaterThan(1);
      expect(read.every(([bytes, of], i) => of === size && bytes <= size && (i === 0 || bytes >= read[i - 1]![0]))).toBe(true);
      expect(read.at(-1)).toEqual([size, size]);
    }
    const comparable = ({ durationMs: _d, attemptsPerSecond: _a, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    expect(comparable(two.result)).toBe(comparable(one.result));
    expect(two.attempts).toBe(3_000);
    expect(one.attempts).toBe(3_000);
    expect(two.skipped.map((e: Error) => e.message)).toEqual(one.skipped.map((e: Error) => e.message));
    expect(one.skipped.map((e: { line: number }) => e.line)).toEqual([201, 1_501, 2_401]);
    expect(one.result.changed).toBeGreaterThan(0);
    // Changes name their lines in the file, from both halves.
    const changedLines = one.result.changes.map((c: { line: number }) => c.line);
    expect(changedLines.some((line: number) => line > 1_500)).toBe(true);
    expect(changedLines.some((line: number) => line < 1_500)).toBe(true);
    expect(progress.at(-1)).toBe(3_000);
    // Compressed, the file is read on one thread and its evaluation shared: the same result.
    const compressed = join(dir, "split.ndjson.gz");
    writeFileSync(compressed, gzipSync(readFileSync(path)));
    const fromGzip = await replayFile(compressed, { ...options, threads: 2 });
    expect(comparable(fromGzip.result)).toBe(comparable(one.result));
    expect(fromGzip.skipped.map((e: Error) => e.message)).toEqual(one.skipped.map((e: Error) => e.message));

    // With strict, the file's first bad line is the one thrown, in whichever part it is, as a one-thread read would.
    await expect(replayFile(path, { ...options, threads: 2, strict: true })).rejects.toThrow(/^line 201: not valid JSON/);
    lines.splice(200, 2);
    writeFileSync(path, lines.join("\n"));
    await expect(replayFile(path, { ...options, threads: 2, strict: true })).rejects.toThrow(/^line 1499: /);
    lines.splice(1_498, 1);
    writeFileSync(path, lines.join("\n"));
    await expect(replayFile(path, { ...options, threads: 2, strict: true })).rejects.toThrow(/^line 2398: /);
    lines.splice(10, 0, "[]");
    writeFileSync(path, lines.join("\n"));
    await expect(replayFile(path, { ...options, threads: 2, strict: true })).rejects.toThrow(/^line 11: /);
  }, 120_000);

  it("replays a CSV file split between two threads exactly as one thread does, the header read once for both", async () => {
    const { replayFile } = await dist("backtest/replay-file.js");
    const { csvMappingOf } = await dist("backtest/csv.js");
    const { generateAttempts } = await dist("backtest/generate.js");
    const { DEFAULT_RULESET } = await dist("rules/default-ruleset.js");
    const columns = ["time", "order", "amount", "email", "phone", "name", "street", "postcode", "city", "country", "device", "ip", "label"];
    const csv = csvMappingOf(
      {
        delimiter: ";",
        fields: {
          ts: { column: "time", format: "datetime" },
          "order.id": { column: "order" },
          "order.amount": { column: "amount", format: "integer" },
          "order.currency": { value: "SEK" },
          "order.email": { column: "email" },
          "order.phone": { column: "phone" },
          "order.shipping.name": { column: "name" },
          "order.shipping.line1": { column: "street" },
          "order.shipping.postalCode": { column: "postcode" },
          "order.shipping.city": { column: "city" },
          "order.shipping.country": { column: "country" },
          "device.id": { column: "device" },
          ip: { column: "ip" },
          label: { column: "label", map: { fraud: "fraud", legit: "legit" } },
        },
      },
      "test mapping",
    );
    const cell = (value: unknown) => (value === undefined || value === null ? "" : `"${String(value).replaceAll('"', '""')}"`);
    const lines = [columns.join(";")];
    for (const { attempt: a } of generateAttempts({ seed: 6, orders: 3_000, days: 3 })) {
      const o = a.order;
      lines.push([a.ts, o.id, o.amount, o.email, o.phone, o.shipping?.name, o.shipping?.line1, o.shipping?.postalCode, o.shipping?.city, o.shipping?.country, a.device?.id, a.ip, a.label].map(cell).join(";"));
    }
    // A bad line in each part: the first quarter (this thread), the middle (the worker), the last quarter.
    lines.splice(300, 0, '"never closed;x');
    lines.splice(1_600, 0, "not a time;o;1");
    lines.splice(2_700, 0, ";;;");
    const path = join(dir, "split.csv");
    writeFileSync(path, lines.join("\r\n") + "\r\n");
    const options = { csv, candidate: { name: "default", ruleset: DEFAULT_RULESET }, labelDelayMs: 6 * 3_600_000 };

    const one = await replayFile(path, { ...options, threads: 1 });
    const two = await replayFile(path, { ...options, threads: 2 });
    expect(one.readOn).toBe(1);
    expect(two.readOn).toBe(2);
    const comparable = ({ durationMs: _d, attemptsPerSecond: _a, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    expect(comparable(two.result)).toBe(comparable(one.result));
    expect(one.attempts).toBe(3_000);
    expect(two.attempts).toBe(3_000);
    expect(one.skipped.map((e: { line: number }) => e.line)).toEqual([301, 1_601, 2_701]);
    expect(two.skipped.map((e: Error) => e.message)).toEqual(one.skipped.map((e: Error) => e.message));
    await expect(replayFile(path, { ...options, threads: 2, strict: true })).rejects.toThrow(/^line 301: a quoted CSV field is not closed/);

    // A header the mapping does not fit is refused before either thread reads on.
    writeFileSync(path, ["when;order", ...lines.slice(1)].join("\n"));
    await expect(replayFile(path, { ...options, threads: 2 })).rejects.toThrow(/the CSV header has no column "time"/);
    // A first line that is not the header (a blank one): the file is read whole on one thread, as before.
    writeFileSync(path, ["", ...lines].join("\n"));
    const blankFirst = await replayFile(path, { ...options, threads: 2 });
    expect(blankFirst.readOn).toBe(1);
    expect(comparable(blankFirst.result)).toBe(comparable(one.result));
  }, 120_000);
});
