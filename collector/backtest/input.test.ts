import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { generateAttempts } from "./generate.js";
import { fileLines, InputLineError, parseAttemptLine, readAttempts, readAttemptLine, toAttempt } from "./input.js";

// Every input line is read by hand first (readAttemptLine) and by the schema only when the quick
// reader does not plainly accept it. A fraud team must get exactly what the schema gives: the same
// attempt, and a skipped line with the schema's reason for everything the schema refuses.

const generated = [...generateAttempts({ seed: 5, orders: 400 })].map((g) => JSON.parse(JSON.stringify(g.attempt)) as Record<string, unknown>);
const full = generated.find((line) => line.signals && line.ip && line.device && line.label === "legit" && (line.order as { customer?: unknown }).customer)!;

/** `full` with one field (at `path`) replaced by each odd value, and whole-line oddities. */
function variants(): unknown[] {
  const odd: unknown[] = [null, undefined, 0, -1, 1.5, 8.64e15, 8.64e15 + 2, 2 ** 60, "", " ", "x".repeat(201), true, [], {}, ["a"], { id: "d" }, { id: "" }, { id: "d", x: 1 }, "2026-02-30T00:00:00Z", "2026-11-20T10:00:00Z", "2026-11-20", "Nov 20 2026", "fraud", "legit", "Fraud", "1.2.3.4", " 1.2.3.4", "::1", "[::1]", "not an ip"];
  const out: unknown[] = [full, ...generated.slice(0, 50), {}, [], null, "line", 7, { ...full, extra: 1 }, { ts: 0, order: { id: "x" } }, { ts: 0 }, { order: { id: "x" } }];
  out.push(JSON.parse('{"ts":0,"order":{"id":"x"},"__proto__":{"a":1}}'));
  const withField = (path: string[], value: unknown): unknown => {
    const copy = structuredClone(full);
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    if (value === undefined) delete at[path[path.length - 1]!];
    else at[path[path.length - 1]!] = value;
    return copy;
  };
  const paths = [["ts"], ["ip"], ["device"], ["device", "id"], ["label"], ["signals"], ["order"], ["order", "id"], ["order", "email"], ["signals", "webdriver"], ["signals", "fields"], ["signals", "extra"], ["signals", "page", "submits"]];
  for (const path of paths) for (const value of odd) out.push(withField(path, value));
  return out;
}

describe("readAttemptLine", () => {
  it("reads every generated line, as the schema does", () => {
    for (const [i, line] of generated.entries()) {
      const quick = readAttemptLine(line, i + 1);
      expect(quick, JSON.stringify(line)).toBeDefined();
      expect(quick).toEqual(parseAttemptLine(structuredClone(line), i + 1));
    }
  });

  it("accepts only what the schema accepts, and gives the same attempt", () => {
    let quickCount = 0;
    let refused = 0;
    for (const value of variants()) {
      const quick = readAttemptLine(value, 3);
      let parsed: ReturnType<typeof parseAttemptLine> | InputLineError;
      try {
        parsed = parseAttemptLine(structuredClone(value), 3);
      } catch (err) {
        if (!(err instanceof InputLineError)) throw err;
        parsed = err;
      }
      if (parsed instanceof InputLineError) refused++;
      if (quick === undefined) continue;
      quickCount++;
      expect(parsed, JSON.stringify(value)).not.toBeInstanceOf(InputLineError);
      expect(quick).toEqual(parsed);
    }
    expect(refused).toBeGreaterThan(250);
    expect(quickCount).toBeGreaterThan(100);
  });

  it("leaves a bad line to the schema, which names the field", () => {
    expect(() => toAttempt({ ...full, ip: "300.1.1.1" }, 12)).toThrow(new InputLineError(12, "ip: not an IP address"));
    expect(() => toAttempt({ ...full, device: { id: "" } }, 4)).toThrow(/^line 4: device\.id: /);
    expect(() => toAttempt({ ...full, signals: { ...(full.signals as object), webdriver: "no" } }, 9)).toThrow(/^line 9: signals\.webdriver: /);
  });
});

describe("fileLines", () => {
  const collect = async (lines: AsyncIterable<string>) => {
    const out: string[] = [];
    for await (const line of lines) out.push(line);
    return out;
  };
  const readlineLines = (path: string, range: { start?: number; end?: number }) => createInterface({ input: createReadStream(path, { encoding: "utf8", ...range }), crlfDelay: Infinity });

  it("gives readline's lines, over 1 MiB reads, for any line ends and ranges", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vakt-lines-"));
    try {
      // Lines of up to 2.4 MB (some longer than a read), with "\n", "\r\n" and lone "\r" ends, blank
      // lines and characters of two to four bytes that a read can cut in two.
      let seed = 7;
      const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const pieces = ["a", "ö", "€", "𝄞", "\n", "\r\n", "\r", "\n\n", "{}"];
      const parts: string[] = ["ö".repeat(1_200_000), "\r\n"]; // a line over two reads
      for (let size = 0; size < 5_000_000; ) {
        const run = random(20) === 0 ? 300_000 : random(100);
        const piece = pieces[random(pieces.length)]!;
        const text = piece.startsWith("\n") || piece.startsWith("\r") ? piece : piece.repeat(run);
        parts.push(text);
        size += Buffer.byteLength(text);
      }
      for (const [name, tail] of [["ends-with-newline", "\n"], ["ends-without", "last"], ["ends-with-return", "x\r"]] as const) {
        const path = join(dir, name);
        const bytes = Buffer.from(parts.join("") + tail);
        writeFileSync(path, bytes);
        for (const range of [{}, { start: 1_048_570 }, { end: 3_145_735 }, { start: 5, end: 2_500_000 }, { start: 2_400_001 }]) {
          expect(await collect(fileLines(path, range)), `${name} ${JSON.stringify(range)}`).toEqual(await collect(readlineLines(path, range)));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a gzip-compressed file as the same lines, reporting the compressed bytes read, and names a damaged one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vakt-lines-"));
    try {
      const text = generated.map((line) => JSON.stringify(line)).join("\n") + "\n";
      const plain = join(dir, "attempts.ndjson");
      const compressed = join(dir, "attempts.ndjson.gz");
      writeFileSync(plain, text);
      writeFileSync(compressed, gzipSync(text));
      const bytes: number[] = [];
      const read = await readAttempts(compressed, { onBytes: (n) => bytes.push(n) });
      expect(read).toEqual(await readAttempts(plain));
      expect(read.attempts).toHaveLength(generated.length);
      expect(bytes.at(-1)).toBe(statSync(compressed).size);

      const cut = join(dir, "cut.ndjson.gz");
      writeFileSync(cut, gzipSync(text).subarray(0, 5_000));
      await expect(readAttempts(cut)).rejects.toThrow(`${cut} is gzip-compressed but cannot be decompressed: unexpected end of file`);
      await expect(collect(fileLines(compressed, { end: 99 }))).rejects.toThrow("is gzip-compressed: it is read whole, not in parts");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves out a byte order mark at the file's start, and reads every line of an NDJSON file that has one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vakt-lines-"));
    try {
      const path = join(dir, "with-bom.ndjson");
      const lines = generated.slice(0, 3).map((line) => JSON.stringify(line));
      writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n") + "\r\n")]));
      expect(await collect(fileLines(path))).toEqual(lines);
      // Only at the file's start, not at the start of a part of it.
      const inside = join(dir, "bom-inside.ndjson");
      writeFileSync(inside, Buffer.concat([Buffer.from("a\n"), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("b\n")]));
      expect(await collect(fileLines(inside, { start: 2 }))).toEqual(["\ufeffb"]);
      expect(await collect(fileLines(inside))).toEqual(["a", "\ufeffb"]);
      const read = await readAttempts(path);
      expect(read.skipped).toEqual([]);
      expect(read.attempts.map((a) => a.order.id)).toEqual(generated.slice(0, 3).map((line) => (line.order as { id: string }).id));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
