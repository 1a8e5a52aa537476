import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { afterAll, describe, expect, it } from "vitest";
import { priorRecord } from "../../bench/assess-fill.js";
import { BulkWriter } from "../../bench/bulk-load.js";
import { LmdbStore } from "../../collector/store/lmdb/lmdb-store.js";
import type { AttemptRecord, IdentifierHashes } from "../../collector/store/types.js";
import { expectSameReads } from "../helpers/same-reads.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "vakt-bulk-test-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Attempts sharing identifiers in a few ways, some with a device and a token, in no particular order. */
function sampleRecords(count: number): AttemptRecord[] {
  const records: AttemptRecord[] = [];
  for (let i = 0; i < count; i++) {
    const tsMs = 1_780_000_000_000 + ((i * 7919) % count) * 60_000;
    const ids: IdentifierHashes = { ip: `ip${i % 13}`, ip_net: `net${i % 5}`, email: `e${i % 41}`, name: `n${i % 17}`, address: `a${i % 23}` };
    if (i % 3 === 0) ids.device = `d${i % 7}`;
    if (i % 4 === 0) ids.card = `c${i % 11}`;
    const id = `att_${tsMs.toString(36)}${String(i).padStart(6, "0")}`;
    const record = priorRecord({ id, orderId: `ord_${i}`, tsMs, ids, ...(i % 3 === 0 ? { tokenJti: `jti${i}` } : {}) }, i % 9 === 0 ? "pk_other" : "pk_bench");
    if (i % 10 === 0) record.review = { status: "open", atMs: tsMs };
    records.push(record);
  }
  return records;
}

function dump(path: string): Record<string, unknown[]> {
  const root = open({ path, maxDbs: 24 });
  const out: Record<string, unknown[]> = {};
  for (const name of ["attempts", "orders", "token-uses", "open-reviews"]) {
    out[name] = [...root.openDB({ name }).getRange()].map(({ key, value }) => [key, value]);
  }
  out.identifierRows = [...root.openDB({ name: "attempt-identifiers", encoding: "binary" }).getRange()].map(({ key, value }) => [key, value]);
  out.layout = [root.openDB({ name: "meta" }).get(["layout"])];
  return out;
}

describe("the benchmarks' bulk loader", () => {
  it("writes exactly what LmdbStore.recordAttempt writes, readable through LmdbStore", async () => {
    const records = sampleRecords(300);
    const [viaStore, viaBulk] = [tempDir(), tempDir()];
    const store = new LmdbStore(viaStore);
    for (const record of records) await store.recordAttempt(record);
    await store.close();
    const writer = new BulkWriter(viaBulk);
    writer.write(records.slice(0, 120));
    writer.write(records.slice(120));
    await writer.close();

    expect(dump(viaBulk)).toEqual(dump(viaStore));

    const [a, b] = [new LmdbStore(viaStore), new LmdbStore(viaBulk)];
    try {
      await expectSameReads(a, b, records);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
