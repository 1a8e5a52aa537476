import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCsvMapping, parseCsvLine } from "./csv.js";
import { readAttempts } from "./input.js";

const dir = mkdtempSync(join(tmpdir(), "vakt-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const fields = {
  ts: { column: "time", format: "datetime", utcOffset: "+01:00" },
  "order.id": { column: "order" },
  "order.amount": { column: "amount", format: "major-units" },
  "order.currency": { value: "SEK" },
  "order.shipping.name": { column: "name" },
  label: { column: "fraud", map: { ja: "fraud", nej: "legit" } },
};
const mapping = (extra: object = {}) => loadCsvMapping(file(`mapping-${Math.random()}.json`, JSON.stringify({ ...extra, fields })));

// The same three orders as a Swedish spreadsheet exports them (";" between cells, decimal commas)
// and as a comma-separated export: a fraud team's file must read the same either way.
const rows = [
  ["2026-03-01 10:15", "o1", "1 299,50", "Anna Berg", "nej"],
  ["2026-03-01 11:00", "o2", "89,00", "Berg; Anna", "ja"],
  ["2026-03-02 09:30", "o3", "15000", 'Kalle "Kula" Ek', "nej"],
];
const header = ["time", "order", "amount", "name", "fraud"];
const quote = (cell: string, delimiter: string) => (cell.includes(delimiter) || cell.includes('"') || cell.includes(",") ? `"${cell.replaceAll('"', '""')}"` : cell);
const csvText = (delimiter: string) => [header, ...rows].map((row) => row.map((cell) => quote(cell, delimiter)).join(delimiter)).join("\r\n") + "\r\n";

describe("CSV input", () => {
  it("reads cells separated by the mapping's delimiter: ',' by default, ';', tab or '|'", async () => {
    const comma = await readAttempts(file("comma.csv", csvText(",")), { csv: mapping() });
    expect(comma.skipped).toEqual([]);
    expect(comma.attempts.map((a) => [a.order.id, a.order.amount, a.order.shipping?.name, a.label])).toEqual([
      ["o1", 129_950, "Anna Berg", "legit"],
      ["o2", 8_900, "Berg; Anna", "fraud"],
      ["o3", 1_500_000, 'Kalle "Kula" Ek', "legit"],
    ]);
    expect(comma.attempts[0]!.tsMs).toBe(Date.parse("2026-03-01T10:15:00+01:00"));
    for (const delimiter of [";", "\t", "|"]) {
      const read = await readAttempts(file(`other-${delimiter === "\t" ? "tab" : delimiter}.csv`, csvText(delimiter)), { csv: mapping({ delimiter }) });
      expect(read, JSON.stringify(delimiter)).toEqual(comma);
    }
  });

  it("points to the delimiter when the header reads as one cell with another separator in it", async () => {
    await expect(readAttempts(file("semicolons.csv", csvText(";")), { csv: mapping() })).rejects.toThrow(
      'the CSV header has no column "time", "order", "amount", "name", "fraud" (it has: time;order;amount;name;fraud); if its cells are separated by ";", say so in the mapping: "delimiter": ";"',
    );
  });

  it("refuses a delimiter it does not know, naming the field", () => {
    expect(() => mapping({ delimiter: ":" })).toThrow(/\n {2}delimiter: Invalid option: expected one of ","\|";"\|"\t"\|"\|"$/);
  });

  it("splits a line at the delimiter only outside quotes", () => {
    expect(parseCsvLine('a;"b;c";"d""e"; f ', 1, ";")).toEqual(["a", "b;c", 'd"e', "f"]);
    expect(parseCsvLine("a,b;c", 1)).toEqual(["a", "b;c"]);
    expect(() => parseCsvLine('"a"x;b', 7, ";")).toThrow("line 7: unexpected text after a quoted CSV field at column 4");
  });
});
