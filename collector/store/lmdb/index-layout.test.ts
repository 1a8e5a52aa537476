import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type DatabaseOptions } from "lmdb";
import { afterAll, describe, expect, it } from "vitest";
import { historyBytes } from "../keys.js";
import { encodeIndexValue, indexKeyEncoder } from "./index-codec.js";
import { LmdbStore } from "./lmdb-store.js";

const HASH = "q1Nn3Yp0x3J9cK2bX4f8Ag";

describe("the identifier index's layout", () => {
  const dir = mkdtempSync(join(tmpdir(), "vakt-index-layout-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads entries written as `string` values (stores written before the raw-value decoder) and writes the same bytes", async () => {
    const ids = { email: HASH, name: "nämn ✓" };
    const before = open({ path: dir, maxDbs: 24 });
    const old = before.openDB<string, string>({ name: "identifier-index", keyEncoder: indexKeyEncoder, encoding: "string" } as DatabaseOptions & { name: string });
    await old.put(historyBytes.key("email", HASH, 1_000, "att_old"), encodeIndexValue("pk_å", ids));
    await before.close();

    const store = new LmdbStore(dir);
    await store.recordAttempt({ id: "att_new", siteKey: "pk_å", orderId: "o1", tsMs: 2_000, ids, answer: { decision: "allow" } as never });
    expect(await store.history("email", HASH, 0, 10)).toEqual([
      { attemptId: "att_new", siteKey: "pk_å", tsMs: 2_000, ids },
      { attemptId: "att_old", siteKey: "pk_å", tsMs: 1_000, ids },
    ]);
    expect(store.local.historyReaching("name", "nämn ✓", 1_500, 10, 0, 5).map((e) => e.attemptId)).toEqual(["att_new"]);
    await store.close();

    const after = open({ path: dir, maxDbs: 24 });
    const raw = after.openDB<Buffer, string>({ name: "identifier-index", keyEncoder: indexKeyEncoder, encoding: "binary" } as DatabaseOptions & { name: string });
    const values = [...raw.getRange({ start: new Uint8Array([0]) })].map(({ value }) => Buffer.from(value).toString("utf8"));
    expect(values).toEqual([0, 1, 2].map(() => encodeIndexValue("pk_å", ids)));
    await after.close();
  });
});
