import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { afterAll, describe, expect, it } from "vitest";
import type { AttemptRecord } from "../types.js";
import { LmdbStore } from "./lmdb-store.js";

const HASH = "q1Nn3Yp0x3J9cK2bX4f8Ag";

/** The named databases of an environment: LMDB keeps their names as keys of its main database. */
function databaseNames(path: string): string[] {
  const root = open({ path, maxDbs: 24 });
  try {
    return [...root.getKeys()].map(String);
  } finally {
    void root.close();
  }
}

describe("opening a store written before the identifier rows", () => {
  const dir = mkdtempSync(join(tmpdir(), "vakt-layout-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("rebuilds every attempt's history from its record, drops the old on-disk index, and does so once", async () => {
    const ids = { email: HASH, name: "nämn ✓", ip: "i1" };
    const old: AttemptRecord[] = [
      { id: "att_old1", siteKey: "pk_å", orderId: "o1", tsMs: 1_000, ids, answer: { decision: "allow" } as never },
      { id: "att_old2", siteKey: "pk_b", orderId: "o2", tsMs: 1_500, ids: { ip: "i1" }, answer: { decision: "deny" } as never },
    ];
    const before = open({ path: dir, maxDbs: 24 });
    const attempts = before.openDB<AttemptRecord, string>({ name: "attempts" });
    for (const record of old) await attempts.put(record.id, record);
    await before.openDB<Buffer, Buffer>({ name: "identifier-index", keyEncoding: "binary", encoding: "binary" }).put(Buffer.from("old key"), Buffer.from("old value"));
    await before.close();
    expect(databaseNames(dir)).toContain("identifier-index");

    const store = new LmdbStore(dir);
    expect(store.historySize).toEqual({ attempts: 2, identifiers: 3 });
    await store.recordAttempt({ id: "att_new", siteKey: "pk_å", orderId: "o3", tsMs: 2_000, ids, answer: { decision: "allow" } as never });
    expect(await store.history("email", HASH, 0, 10)).toEqual([
      { attemptId: "att_new", siteKey: "pk_å", tsMs: 2_000, ids },
      { attemptId: "att_old1", siteKey: "pk_å", tsMs: 1_000, ids },
    ]);
    expect(store.local.historyReaching("ip", "i1", 1_200, 10, 0, 1).map((e) => e.attemptId)).toEqual(["att_new", "att_old2"]);
    await store.close();
    expect(databaseNames(dir)).not.toContain("identifier-index");
    expect(databaseNames(dir)).toContain("attempt-identifiers");

    // Reopened: the rows written by the move and by recordAttempt. A record with no row (written here
    // behind the store's back) stays out: the move is not made again.
    const behind = open({ path: dir, maxDbs: 24 });
    await behind.openDB<AttemptRecord, string>({ name: "attempts" }).put("att_behind", { ...old[1]!, id: "att_behind", tsMs: 3_000 });
    await behind.close();
    const again = new LmdbStore(dir);
    try {
      expect(again.historySize).toEqual({ attempts: 3, identifiers: 3 });
      expect((await again.history("ip", "i1", 0, 10)).map((e) => e.attemptId)).toEqual(["att_new", "att_old2", "att_old1"]);
    } finally {
      await again.close();
    }
  });
});
