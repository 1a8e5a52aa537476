import { expect } from "vitest";
import { IDENTIFIER_KINDS } from "../../collector/identity/normalise.js";
import type { AttemptRecord, Store } from "../../collector/store/types.js";

/**
 * Checks that `loaded` (filled by a bulk loader) reads back as `recorded` (filled through
 * recordAttempt) does, for every seventh of `records`: the attempt, its order id, its token use and
 * each identifier's history, and the open reviews. Returns how many of those histories held more
 * than one attempt, so a caller can check the data really repeats identifiers.
 */
export async function expectSameReads(recorded: Store, loaded: Store, records: readonly AttemptRecord[]): Promise<number> {
  expect(await loaded.listOpenReviews({ limit: 1000 })).toEqual(await recorded.listOpenReviews({ limit: 1000 }));
  let repeated = 0;
  for (const record of records.filter((_, i) => i % 7 === 0)) {
    expect(await loaded.getAttempt(record.id)).toEqual(record);
    expect(await loaded.findAttemptIdByOrder(record.siteKey, record.orderId)).toBe(record.id);
    if (record.tokenJti) expect(await loaded.getTokenUse(record.tokenJti)).toEqual({ orderId: record.orderId, attemptId: record.id });
    for (const kind of IDENTIFIER_KINDS) {
      const hash = record.ids[kind];
      if (hash === undefined) continue;
      const history = await loaded.history(kind, hash, 0, 1000);
      expect(history.length).toBeGreaterThan(0);
      if (history.length > 1) repeated++;
      expect(history).toEqual(await recorded.history(kind, hash, 0, 1000));
    }
  }
  return repeated;
}
