import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { afterAll, describe, expect, it } from "vitest";
import { newId } from "../../ids.js";
import type { AttemptRecord, IdentifierHashes } from "../types.js";
import { LmdbStore } from "./lmdb-store.js";

const attempt = (tsMs: number, ids: IdentifierHashes): AttemptRecord => {
  const id = newId("att", tsMs);
  return { id, siteKey: "pk_a", orderId: `ord_${id}`, tsMs, ids, answer: { decision: "allow" } as never };
};

describe("the LMDB store's identifier history across a restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "vakt-history-restart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("comes back from the rows as it was, without the attempts retention purged", async () => {
    const store = new LmdbStore(dir);
    const [a1, a2, a3] = [attempt(1_000, { email: "e1", ip: "i1" }), attempt(2_000, { email: "e1", device: "d1" }), attempt(3_000, { ip: "i1", device: "d1" })];
    for (const a of [a1, a2, a3]) await store.recordAttempt(a);
    expect(await store.purgeBefore(1_500, 10)).toEqual({ attempts: 1, sessions: 0 });
    const before = await Promise.all([store.history("email", "e1", 0, 10), store.history("ip", "i1", 0, 10), store.history("device", "d1", 0, 10)]);
    expect(before.map((entries) => entries.map((e) => e.attemptId))).toEqual([[a2.id], [a3.id], [a3.id, a2.id]]);
    await store.close();

    const reopened = new LmdbStore(dir);
    try {
      expect(reopened.historySize).toEqual({ attempts: 2, identifiers: 3 });
      expect(await Promise.all([reopened.history("email", "e1", 0, 10), reopened.history("ip", "i1", 0, 10), reopened.history("device", "d1", 0, 10)])).toEqual(before);
    } finally {
      await reopened.close();
    }
  });

  it("refuses to open on a damaged row, naming the directory and the row", async () => {
    const damaged = mkdtempSync(join(tmpdir(), "vakt-history-damaged-"));
    try {
      await new LmdbStore(damaged).close();
      const root = open({ path: damaged, maxDbs: 24 });
      await root.openDB<Buffer, string>({ name: "attempt-identifiers", encoding: "binary" }).put("att_bad", Buffer.from([7, 7, 7]));
      await root.close();
      expect(() => new LmdbStore(damaged)).toThrow(`${damaged}: attempt-identifiers row att_bad: an attempt-identifiers row of unknown format 7`);
    } finally {
      rmSync(damaged, { recursive: true, force: true });
    }
  });
});
