import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gather } from "../../assess/gather.js";
import type { IdentifierKind } from "../../identity/normalise.js";
import { newId } from "../../ids.js";
import type { AttemptRecord, IdentifierHashes, Label, Store } from "../types.js";
import { LmdbStore } from "./lmdb-store.js";

const attempt = (tsMs: number, ids: IdentifierHashes): AttemptRecord => {
  const id = newId("att", tsMs);
  return { id, siteKey: "pk_a", orderId: `ord_${id}`, tsMs, ids, answer: { decision: "allow" } as never };
};

async function label(store: LmdbStore, record: AttemptRecord, list: Label, atMs: number): Promise<void> {
  const refs = (Object.keys(record.ids) as IdentifierKind[]).map((kind) => ({ kind, hash: record.ids[kind]! }));
  await store.putLabel({ attemptId: record.id, label: list, atMs }, refs, refs.map((ref) => ({ list, ...ref, attemptId: record.id, atMs })));
}

/** The same store with local reads that give no numbers: gather then walks the hops on text, reading the list for each. */
function withoutNumbers(store: LmdbStore): Store {
  return Object.assign(Object.create(store) as Store, { local: { ...store.local, numbers: undefined } });
}

describe("the LMDB store's graylist hops", () => {
  const dir = mkdtempSync(join(tmpdir(), "vakt-graylist-hops-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds a hop through an identifier put on the fraud list before a restart, when no attempt held it across the restart", async () => {
    const fraud = attempt(1_000, { card: "c_stolen", email: "e_fraud" });
    const store = new LmdbStore(dir);
    await store.recordAttempt(fraud);
    await label(store, fraud, "fraud", 1_100);
    // Retention takes the fraud itself; its list entries (hashes only) stay.
    expect(await store.purgeBefore(1_500, 10)).toEqual({ attempts: 1, sessions: 0 });
    await store.close();

    const reopened = new LmdbStore(dir);
    try {
      // A new attempt with the stolen card, then one sharing only that attempt's e-mail.
      const linked = attempt(2_000, { card: "c_stolen", email: "e_new" });
      await reopened.recordAttempt(linked);
      const ids: IdentifierHashes = { email: "e_new", device: "d_other" };
      const expected = { email: { linkedAttemptId: linked.id, via: "card", fraudAttemptId: fraud.id } };
      expect((await gather(reopened, ids, 0)).graylistHops).toEqual(expected);
      expect((await gather(withoutNumbers(reopened), ids, 0)).graylistHops).toEqual(expected);

      // Relabelled legit, the fraud's identifiers leave the list: no hop, by numbers or by text.
      await label(reopened, fraud, "legit", 3_000);
      expect((await gather(reopened, ids, 0)).graylistHops).toEqual({});
      expect((await gather(withoutNumbers(reopened), ids, 0)).graylistHops).toEqual({});

      // Labelled fraud again while running: the hop is back at once.
      await label(reopened, fraud, "fraud", 4_000);
      expect((await gather(reopened, ids, 0)).graylistHops).toEqual(expected);
    } finally {
      await reopened.close();
    }
  });
});
