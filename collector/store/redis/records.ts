import { Packr } from "msgpackr";
import type { AttemptRecord, HistoryEntry, TokenUse } from "../types.js";

/** Records are msgpack, as in the LMDB store: compact, and `undefined` and Buffers survive. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export const pack = (value: unknown): Buffer => packr.pack(value);
export const unpack = <T>(bytes: Buffer | null | undefined): T | undefined => (bytes ? (packr.unpack(bytes) as T) : undefined);

/**
 * An identifier's history entry as a sorted-set member (score = attempt time). It carries everything
 * a HistoryEntry needs, so a window is one ZREVRANGEBYSCORE and no second read; the attempt id comes
 * first so attempts at the same millisecond order by id, as in the other stores.
 */
export function historyMember(attempt: AttemptRecord): string {
  return JSON.stringify([attempt.id, attempt.siteKey, attempt.tsMs, attempt.ids]);
}

export function parseHistoryMember(member: string): HistoryEntry {
  const [attemptId, siteKey, tsMs, ids] = JSON.parse(member) as [string, string, number, HistoryEntry["ids"]];
  return { attemptId, siteKey, tsMs, ids };
}

/** A token use as a string, so a purge can delete it only if it is still this attempt's. */
export function tokenUseValue(attempt: Pick<AttemptRecord, "id" | "orderId">): string {
  return JSON.stringify([attempt.id, attempt.orderId]);
}

export function parseTokenUse(value: string | null): TokenUse | undefined {
  if (value === null) return undefined;
  const [attemptId, orderId] = JSON.parse(value) as [string, string];
  return { attemptId, orderId };
}
